from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def permission_required(code: str):
    """Signed in and holding `code`; otherwise 403, which the 403 handler audits."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_permission(code):
                raise PermissionDenied(code)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
