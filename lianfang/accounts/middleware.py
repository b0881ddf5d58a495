"""Holds a signed-in user at the password or second-factor page until the policy is met."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .roles import ADMIN_ROLES
from .services import password_expired

OPEN_PREFIXES = ("/static/", "/i18n/", "/accounts/logout/", "/gongkai/")


def policy_block(user) -> str | None:
    """The page the user must visit first, or None when they may go anywhere."""
    if user.must_change_password or password_expired(user):
        return "accounts:password_change"
    needs_otp = settings.REQUIRE_2FA_FOR_ADMINS and user.role_codes & ADMIN_ROLES
    if needs_otp and not user.is_verified():
        return "accounts:otp_setup"
    return None


class LoginPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        target = policy_block(user)
        if target is None or request.path == reverse(target):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return self.get_response(request)  # the API's session auth refuses held sessions
        return redirect(target)
