from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def permission_required(*codes: str):
    """Signed in and holding one of `codes`; otherwise 403, which the 403 handler audits."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(request.user.has_permission(code) for code in codes):
                raise PermissionDenied(codes[0])
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
