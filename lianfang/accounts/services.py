"""Writes to accounts: users, roles, passwords, tokens, and the login record."""

import secrets
import string

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core import audit, context
from lianfang.core import services as core
from lianfang.core.audit import Action
from lianfang.core.text import join_list

from .models import ApiToken, LoginLog, PasswordHistory, User, UserRole
from .roles import ADMIN_ROLES, Role


def validate_roles(roles, person) -> set[str]:
    """Refuse unknown roles, two of the three admins together, or admin with business roles."""
    roles = set(roles)
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError({"roles": _("未知角色：%(r)s") % {"r": join_list(sorted(unknown))}})
    admins = roles & ADMIN_ROLES
    if len(admins) > 1:
        raise ValidationError(
            {"roles": _("三员分立：系统管理员、安全管理员、审计管理员不得由同一账号兼任。")}
        )
    if admins and roles - admins:
        raise ValidationError({"roles": _("管理员账号不得兼任业务角色。")})
    if roles - ADMIN_ROLES and person is None:
        raise ValidationError({"person": _("业务角色须关联到人员。")})
    return roles


def random_password() -> str:
    """A temporary password that meets the policy; the user must change it at first login."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in body) and any(c.isupper() for c in body):
            return body + secrets.choice("#%+=@") + secrets.choice(string.ascii_lowercase)


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    full_name: str = "",
    person=None,
    roles=(),
    password: str = "",
    must_change_password: bool = True,
) -> tuple[User, str]:
    """Create an account; returns it with its initial password (generated when not given)."""
    roles = validate_roles(roles, person)
    if person is not None and User.objects.filter(person=person).exists():
        raise ValidationError({"person": _("该人员已有账号。")})
    user = User(username=username, first_name=full_name or (person.name if person else ""))
    user.person = person
    password = password or random_password()
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.must_change_password = must_change_password
    user.password_changed_at = timezone.now()
    core.create(actor=actor, instance=user)
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(roles)])
    if roles:
        audit.record(
            actor=actor, action=Action.UPDATE, instance=user, after={"roles": sorted(roles)}
        )
    return user, password


@transaction.atomic
def user_set_roles(*, actor, user: User, roles) -> User:
    roles = validate_roles(roles, user.person)
    before = sorted(user.roles.values_list("role", flat=True))
    user.roles.exclude(role__in=roles).delete()
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in sorted(roles - set(before))])
    user.__dict__.pop("role_codes", None)
    user.__dict__.pop("permissions", None)
    user.__dict__.pop("data_scope", None)
    if before != sorted(roles):
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            instance=user,
            before={"roles": before},
            after={"roles": sorted(roles)},
        )
    return user


def user_update(*, actor, user: User, data: dict) -> User:
    person = data.get("person")
    if person is not None and User.objects.filter(person=person).exclude(pk=user.pk).exists():
        raise ValidationError({"person": _("该人员已有账号。")})
    return core.update(actor=actor, instance=user, data=data)


@transaction.atomic
def user_reset_password(*, actor, user: User) -> str:
    """A new temporary password that must be changed at the next login."""
    password = random_password()
    _store_password(user, password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit.record(actor=actor, action=Action.PASSWORD, instance=user, after={"reset": True})
    return password


def _store_password(user: User, password: str) -> None:
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = user.password_history.values_list("pk", flat=True)[: settings.PASSWORD_HISTORY]
        user.password_history.exclude(pk__in=list(keep)).delete()
    user.set_password(password)
    user.password_changed_at = timezone.now()


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("原密码不正确。")})
    password_validation.validate_password(new_password, user)
    _store_password(user, new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit.record(actor=user, action=Action.PASSWORD, instance=user, after={"changed": True})
    return user


def password_expired(user: User) -> bool:
    if user.password_changed_at is None:
        return True
    age = timezone.now() - user.password_changed_at
    return age.days >= settings.PASSWORD_MAX_AGE_DAYS


@transaction.atomic
def token_create(*, actor, user: User, name: str = "") -> str:
    """Issue an API token; the clear token is returned once and never stored."""
    if not user.is_active:
        raise ValidationError({"user": _("账号已停用。")})
    token = "lf_" + secrets.token_urlsafe(32)
    item = ApiToken.objects.create(
        user=user, name=name, prefix=token[3:11], digest=ApiToken.hash(token)
    )
    audit.record(actor=actor, action=Action.TOKEN, instance=user, after={"token": item.prefix})
    return token


@transaction.atomic
def login_record(*, username: str, user: User | None, success: bool, reason: str = "") -> None:
    """Write the login log line and the audit entry for one attempt."""
    ctx = context.current()
    LoginLog.objects.create(
        username=username[:150],
        user=user,
        success=success,
        reason=reason,
        ip=ctx.ip,
        user_agent=ctx.user_agent,
    )
    audit.record(
        actor=user if success else None,
        actor_name=username,
        action=Action.LOGIN if success else Action.LOGIN_FAILED,
        object_type="accounts.user",
        object_id=str(user.pk) if user else "",
        object_repr=username[:300],
        after={"reason": reason} if reason else None,
    )


@transaction.atomic
def user_unlock(*, actor, user: User) -> int:
    """Lift the login lockouts of an account (from every address); returns how many."""
    lifted = axes_reset(username=user.get_username())
    audit.record(actor=actor, action=Action.UPDATE, instance=user, after={"unlocked": lifted})
    return lifted


def logout_record(*, user: User) -> None:
    audit.record(actor=user, action=Action.LOGOUT, instance=user)


def denial_record(*, user, path: str) -> None:
    """A permission failure: who tried what."""
    audit.record(
        actor=user,
        actor_name="" if getattr(user, "is_authenticated", False) else "anonymous",
        action=Action.DENIED,
        object_type="path",
        object_repr=path[:300],
    )


@transaction.atomic
def otp_device_start(*, user: User):
    """The user's unconfirmed TOTP device, created on first visit to the enrolment page."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": "default"}
    )
    if created:
        audit.record(actor=user, action=Action.CREATE, instance=device)
    return device


@transaction.atomic
def otp_device_confirm(*, user: User, device, token: str) -> None:
    if not device.verify_token(token):
        raise ValidationError({"token": _("动态口令不正确，请核对手机时间后重试。")})
    user.totpdevice_set.filter(confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(actor=user, action=Action.UPDATE, instance=device, after={"confirmed": True})
