from base64 import b32encode
from ipaddress import ip_address

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianfang.core import context
from lianfang.core.forms import submit
from lianfang.core.paging import page_of
from lianfang.core.permissions import permission_required

from . import selectors, services
from .forms import (
    LoginForm,
    LoginLogFilterForm,
    OtpConfirmForm,
    PasswordChangeForm,
    RolesForm,
    UserCreateForm,
    UserEditForm,
)
from .models import LoginLog, User


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def _login_page(request, form, status=200, error=""):
    context = {
        "form": form,
        "error": error,
        "next": _next_url(request),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": _lockout_minutes(),
    }
    return render(request, "accounts/login.html", context, status=status)


def _lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


@sensitive_post_parameters("password", "otp_token")
@never_cache
def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    if request.method != "POST":
        return _login_page(request, LoginForm(request))
    username = request.POST.get("username", "")[:150]
    if selectors.ip_throttled(context.client_ip(request)):
        services.login_record(username=username, user=None, success=False, reason="ip_throttled")
        error = _("该地址登录失败次数过多，请稍后再试。")
        return _login_page(request, LoginForm(request), status=429, error=error)
    form = LoginForm(request, request.POST)
    if not form.is_valid():
        reason = "locked" if getattr(request, "axes_locked_out", False) else "password"
        services.login_record(username=username, user=None, success=False, reason=reason)
        return _login_page(request, form)
    user = form.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    token = form.cleaned_data["otp_token"]
    if device is not None and not token:
        # Not a failure: the password was right and the code is simply still to come.
        form.add_error("otp_token", _("该账号已绑定动态口令，请输入动态口令。"))
        return _login_page(request, form)
    if device is not None and not device.verify_token(token):
        services.login_record(username=username, user=None, success=False, reason="otp")
        form.add_error("otp_token", _("动态口令不正确。"))
        return _login_page(request, form)
    login(request, user)
    if device is not None:
        otp_login(request, device)
    services.login_record(username=username, user=user, success=True)
    return redirect(_next_url(request))


def locked_out(request, response=None, credentials=None):
    """django-axes calls this once an account is locked for the client's address."""
    minutes = _lockout_minutes()
    error = ngettext(
        "登录失败次数过多，账号已在本地址锁定 %(m)d 分钟。",
        "登录失败次数过多，账号已在本地址锁定 %(m)d 分钟。",
        minutes,
    ) % {"m": minutes}
    return _login_page(request, LoginForm(request), status=429, error=error)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.logout_record(user=request.user)
    logout(request)
    return redirect("accounts:login")


@login_required
@sensitive_post_parameters()
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    user = submit(
        form,
        lambda data: services.password_change(
            user=request.user,
            old_password=data["old_password"],
            new_password=data["new_password"],
        ),
    )
    if user is not None:
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。"))
        return redirect("core:home")
    forced = request.user.must_change_password or services.password_expired(request.user)
    policy = {
        "min_length": settings.PASSWORD_MIN_LENGTH,
        "classes": settings.PASSWORD_MIN_CLASSES,
        "history": settings.PASSWORD_HISTORY,
    }
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "forced": forced, "policy": policy},
    )


@login_required
def otp_setup(request):
    device = services.otp_device_start(user=request.user)
    form = OtpConfirmForm(request.POST or None)
    done = submit(
        form,
        lambda data: (
            services.otp_device_confirm(user=request.user, device=device, token=data["token"])
            or True
        ),
    )
    if done:
        otp_login(request, device)
        messages.success(request, _("动态口令已绑定。"))
        return redirect("core:home")
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(
        request,
        "accounts/otp_setup.html",
        {"form": form, "qr": qr, "secret": _base32(device), "config_url": device.config_url},
    )


def _base32(device) -> str:
    return b32encode(device.bin_key).decode()


@permission_required("users.view")
def user_list(request):
    return render(
        request, "accounts/user_list.html", {"page": page_of(request, selectors.user_list())}
    )


@permission_required("users.manage")
def user_create(request):
    form = UserCreateForm(
        request.POST or None, people=selectors.people_without_account(request.user)
    )
    result = submit(form, lambda data: services.user_create(actor=request.user, **data))
    if result is not None:
        user, password = result
        return render(
            request, "accounts/password_issued.html", {"target": user, "password": password}
        )
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@permission_required("users.manage")
def user_edit(request, pk):
    target = get_object_or_404(User, pk=pk)
    initial = {"full_name": target.first_name, "is_active": target.is_active}
    form = UserEditForm(request.POST or None, initial=initial)
    saved = submit(
        form,
        lambda data: services.user_update(
            actor=request.user,
            user=target,
            data={"first_name": data["full_name"], "is_active": data["is_active"]},
        ),
    )
    if saved is not None:
        messages.success(request, _("已保存。"))
        return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


@permission_required("users.roles")
def user_roles(request, pk):
    target = get_object_or_404(User.objects.select_related("person"), pk=pk)
    form = RolesForm(request.POST or None, initial={"roles": sorted(target.role_codes)})
    saved = submit(
        form,
        lambda data: services.user_set_roles(actor=request.user, user=target, roles=data["roles"]),
    )
    if saved is not None:
        messages.success(request, _("角色已更新。"))
        return redirect("accounts:users")
    return render(request, "accounts/user_roles.html", {"form": form, "target": target})


@require_POST
@permission_required("users.manage")
def user_reset(request, pk):
    target = get_object_or_404(User, pk=pk)
    password = services.user_reset_password(actor=request.user, user=target)
    return render(
        request, "accounts/password_issued.html", {"target": target, "password": password}
    )


@require_POST
@permission_required("users.unlock")
def user_unlock(request, pk):
    target = get_object_or_404(User, pk=pk)
    services.user_unlock(actor=request.user, user=target)
    messages.success(request, _("已解除 %(name)s 的登录锁定。") % {"name": target.username})
    return redirect("accounts:users")


@permission_required("loginlog.view")
def login_log(request):
    form = LoginLogFilterForm(request.GET or None)
    entries = LoginLog.objects.select_related("user").order_by("-at", "-pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["username"]:
            entries = entries.filter(username__icontains=data["username"])
        if data["success"]:
            entries = entries.filter(success=data["success"] == "1")
        if data["ip"]:
            entries = entries.filter(ip=data["ip"]) if _is_ip(data["ip"]) else entries.none()
    return render(
        request, "accounts/login_log.html", {"form": form, "page": page_of(request, entries)}
    )


def _is_ip(value: str) -> bool:
    try:
        ip_address(value)
    except ValueError:
        return False
    return True
