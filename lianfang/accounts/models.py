import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from lianfang.core.scopes import DataScope, widest
from lianfang.org.models import Department, Leadership, LeadershipRole

from .roles import ROLE_PERMISSIONS, ROLE_SCOPE, Role


class User(AbstractUser):
    """An account. Business users are linked to a person; the three admins need not be."""

    person = models.OneToOneField(
        "org.Person",
        verbose_name=_("对应人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )
    must_change_password = models.BooleanField(_("须修改密码"), default=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def role_codes(self) -> frozenset[str]:
        if not self.pk:
            return frozenset()
        return frozenset(self.roles.values_list("role", flat=True))

    @cached_property
    def permissions(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        return frozenset().union(*(ROLE_PERMISSIONS[Role(r)] for r in self.role_codes))

    def has_permission(self, code: str) -> bool:
        return code in self.permissions

    @cached_property
    def data_scope(self) -> DataScope:
        if not self.is_active or self.person_id is None:
            return DataScope.NONE
        return widest(ROLE_SCOPE[Role(r)] for r in self.role_codes)

    @cached_property
    def scope_unit_path(self) -> str:
        return self.person.unit.path

    def scope_departments(self):
        """The departments this user oversees, as a subquery (never a list of ids): those they
        currently head, plus those in their charge for a leader in charge, or their own
        department for everyone else."""
        today = timezone.localdate()
        current = Q(start_date__lte=today) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
        offices = Leadership.objects.filter(current, person_id=self.person_id)
        q = Q(pk__in=offices.filter(role=LeadershipRole.DEPT_HEAD).values("department_id"))
        if self.data_scope == DataScope.IN_CHARGE:
            charged = offices.filter(role=LeadershipRole.IN_CHARGE)
            q |= Q(pk__in=charged.values("departments_in_charge"))
        else:
            q |= Q(people__pk=self.person_id)
        return Department.objects.filter(q).values("pk")


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=20, choices=Role)

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="userrole_unique")]

    def __str__(self):
        return self.get_role_display()


class PasswordHistory(models.Model):
    """Earlier password hashes, so the last few cannot be reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class LoginReason(models.TextChoices):
    PASSWORD = "password", _("账号或密码错误")
    LOCKED = "locked", _("账号已锁定")
    IP_THROTTLED = "ip_throttled", _("来源地址已限流")
    OTP = "otp", _("动态口令错误")


class LoginLog(models.Model):
    """Every login attempt, kept apart from the audit trail for the security officers."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    username = models.CharField(_("账号"), max_length=150)
    user = models.ForeignKey(
        User, verbose_name=_("用户"), null=True, blank=True, on_delete=models.SET_NULL
    )
    success = models.BooleanField(_("成功"))
    reason = models.CharField(_("说明"), max_length=20, choices=LoginReason, blank=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("登录日志")
        verbose_name_plural = _("登录日志")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["ip", "success", "at"])]

    def __str__(self):
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100, blank=True)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(_("已吊销"), default=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.prefix}…"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
