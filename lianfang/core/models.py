from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    EXPORT = "export", _("导出")
    DENIED = "denied", _("越权访问")
    PASSWORD = "password", _("修改密码")
    TOKEN = "token", _("签发令牌")
    # Reading a protected value (an applicant's full name or number, a reporter's identity).
    VIEW = "view", _("查看敏感信息")


class AuditEntry(models.Model):
    """One append-only, hash-chained line of the audit trail (see core.audit)."""

    seq = models.BigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=40, choices=Action, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=80, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_repr}"


class AuditHead(models.Model):
    """The chain's tip: one row, locked while an entry is appended so the chain stays linear."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self):
        return f"#{self.seq} {self.hash[:12]}"


class DictType(models.Model):
    """A configurable list of categories (数据字典), e.g. key areas or risk categories."""

    code = models.SlugField(_("字典编码"), max_length=50, unique=True)
    name = models.CharField(_("字典名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("数据字典")
        verbose_name_plural = _("数据字典")
        ordering = ["code"]

    def __str__(self):
        return self.name


class DictItem(models.Model):
    dict_type = models.ForeignKey(
        DictType, verbose_name=_("字典"), on_delete=models.PROTECT, related_name="items"
    )
    code = models.SlugField(_("编码"), max_length=50)
    label = models.CharField(_("名称"), max_length=100)
    sort = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    # Built-in items carry codes the program relies on: their code cannot change or go away.
    builtin = models.BooleanField(_("内置"), default=False, editable=False)

    class Meta:
        verbose_name = _("字典项")
        verbose_name_plural = _("字典项")
        ordering = ["dict_type", "sort", "code"]
        constraints = [
            models.UniqueConstraint(fields=["dict_type", "code"], name="dictitem_unique_code")
        ]

    def __str__(self):
        return self.label


class DayKind(models.TextChoices):
    WORKDAY = "workday", _("工作日")
    HOLIDAY = "holiday", _("休息日")


class CalendarDay(models.Model):
    """One date whose kind the administrator sets, beating the holiday library (core.calendar):
    a year the library does not know yet, or a correction."""

    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind)
    name = models.CharField(_("名称"), max_length=50, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作日历设置")
        verbose_name_plural = _("工作日历设置")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day.isoformat()} {self.get_kind_display()} {self.name}".rstrip()


class Notification(models.Model):
    """A message in a user's in-app inbox (站内通知), e.g. a card on a case they handled."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # What it is about, e.g. ("supervision.finding", "42"): one notice per recipient and object
    # and reason, so a replayed sweep does not notify twice.
    object_type = models.CharField(_("对象类型"), max_length=80)
    object_id = models.CharField(_("对象编号"), max_length=64)
    reason = models.CharField(_("通知事由"), max_length=40)
    created_at = models.DateTimeField(_("通知时间"))
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "object_type", "object_id", "reason"],
                name="notification_unique_reason",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "created_at"], name="notification_list_idx"),
        ]

    def __str__(self):
        return self.title
