"""Cases (办件) and their events.

A case (办件) moves 受理 → 承办 → 审核 → 批准 → 办结, told to us as events from the handling
systems. Its deadlines are computed on each event and stored, so that a sweep over a province's
open cases is one indexed query per rule, never a loop over cases.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianfang.core.scopes import ScopePaths
from lianfang.org.models import Department, Unit
from lianfang.powers.models import CaseStep, PowerItem

STEP_ORDER = list(CaseStep.values)


class EventKind(models.TextChoices):
    ACCEPT = "accept", _("受理")
    UNDERTAKE = "undertake", _("承办")
    REVIEW = "review", _("审核")
    APPROVE = "approve", _("批准")
    COMPLETE = "complete", _("办结")
    CORRECT = "correct", _("补正")
    SUSPEND = "suspend", _("暂停")
    RESUME = "resume", _("恢复")
    RETURN = "return", _("退回")
    MERGE = "merge", _("并案")


# 补正 and 暂停 stop the clock until 恢复. They and 并案 are refused without a reason; a 退回 or a
# refusal without one is stored and becomes a finding (rule `no_reason`).
CLOCK_STOPPERS = (EventKind.CORRECT, EventKind.SUSPEND)
NEEDS_REASON = (EventKind.MERGE, EventKind.CORRECT, EventKind.SUSPEND)


class CaseStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    PAUSED = "paused", _("暂停计时")
    COMPLETED = "completed", _("已办结")
    MERGED = "merged", _("已并案")


OPEN_STATUSES = (CaseStatus.OPEN, CaseStatus.PAUSED)


class Result(models.TextChoices):
    GRANTED = "granted", _("准予")
    REFUSED = "refused", _("不予")
    OTHER = "other", _("其他")


class CardLevel(models.IntegerChoices):
    """How far a case has gone wrong on time, in the order the sweep raises it."""

    NONE = 0, _("正常")
    PROMPT = 1, _("提示")
    YELLOW = 2, _("黄牌")
    RED = 3, _("红牌")


class Case(models.Model):
    power_item = models.ForeignKey(
        PowerItem, verbose_name=_("权力事项"), on_delete=models.PROTECT, related_name="+"
    )
    # The item's unit and department when the case arrived: the board groups and the data
    # scope filters by them without a join through the power list.
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("承办机构"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("来源系统"), max_length=50)
    external_no = models.CharField(_("办件编号"), max_length=100)
    applicant_masked = models.CharField(_("申请人"), max_length=100)
    # The full name or number, encrypted (core.crypto); shown only to roles allowed to see it.
    applicant_sealed = models.TextField(blank=True, editable=False)
    received_at = models.DateTimeField(_("受理时间"))
    step = models.CharField(_("当前环节"), max_length=10, choices=CaseStep, default=CaseStep.ACCEPT)
    status = models.CharField(_("状态"), max_length=10, choices=CaseStatus, default=CaseStatus.OPEN)
    result = models.CharField(_("办理结果"), max_length=10, choices=Result, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    fee_charged = models.DecimalField(
        _("实收费用（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    penalty_type = models.CharField(_("处罚种类"), max_length=100, blank=True)
    penalty_amount = models.DecimalField(
        _("罚款金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    circumstance = models.CharField(_("违法情节"), max_length=10, blank=True)
    paused_at = models.DateTimeField(_("停止计时时间"), null=True, blank=True)
    # Precomputed on every event (see `clock`); None while the clock is stopped.
    due_at = models.DateTimeField(_("承诺办结期限"), null=True, blank=True)
    legal_due_at = models.DateTimeField(_("法定办结期限"), null=True, blank=True)
    prompt_at = models.DateTimeField(_("预警提示时间"), null=True, blank=True)
    step_started_at = models.DateTimeField(_("本环节开始时间"), null=True, blank=True)
    step_due_at = models.DateTimeField(_("本环节期限"), null=True, blank=True)
    # Finishing by this instant counts as early (提前办结) for the performance score's bonus.
    early_at = models.DateTimeField(_("提前办结界限"), null=True, blank=True)
    card_level = models.PositiveSmallIntegerField(
        _("预警级别"), choices=CardLevel, default=CardLevel.NONE
    )
    last_event_at = models.DateTimeField(_("最近事件时间"))

    scope_paths = ScopePaths(unit="unit", department="department")

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-received_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_no"], name="case_unique_number"),
            models.CheckConstraint(
                condition=Q(fee_charged__isnull=True) | Q(fee_charged__gte=0),
                name="case_fee_not_negative",
            ),
        ]
        indexes = [
            # One per time-based rule: the sweep reads open cases past one of these instants.
            models.Index(fields=["status", "prompt_at"], name="case_prompt_idx"),
            models.Index(fields=["status", "step_due_at"], name="case_step_due_idx"),
            models.Index(fields=["status", "due_at"], name="case_due_idx"),
            models.Index(fields=["status", "legal_due_at"], name="case_legal_due_idx"),
            # The board counts cases per department and per item over a time range, by status:
            # with the status in the index the counts never touch the table (1M cases,
            # SQLite: 420 → 125 ms). The monthly score reads a month's completed cases.
            models.Index(
                fields=["department", "received_at", "status"], name="case_department_idx"
            ),
            models.Index(fields=["power_item", "received_at", "status"], name="case_item_idx"),
            models.Index(
                fields=["department", "completed_at", "status"], name="case_completed_idx"
            ),
        ]

    def __str__(self):
        return self.external_no


class CaseEvent(models.Model):
    """One step or stop of a case as the handling system reported it; idempotent by
    (source, event_id), and `digest` tells a replay from a conflicting re-send."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    source = models.CharField(_("来源系统"), max_length=50)
    event_id = models.CharField(_("事件编号"), max_length=100)
    kind = models.CharField(_("事件"), max_length=10, choices=EventKind)
    at = models.DateTimeField(_("发生时间"))
    actor = models.CharField(_("经办人"), max_length=100, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    data = models.JSONField(_("其他内容"), default=dict, blank=True)
    digest = models.CharField(max_length=64, editable=False)
    ingested_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    scope_paths = ScopePaths(unit="case__unit", department="case__department")

    class Meta:
        verbose_name = _("办件事件")
        verbose_name_plural = _("办件事件")
        ordering = ["case_id", "at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "event_id"], name="caseevent_unique_id")
        ]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_idx")]

    def __str__(self):
        return f"{self.case} {self.get_kind_display()}"


class CaseTally(models.Model):
    """Cases per day, department and power item, kept by ingest (`tally`) so that the board
    sums a few thousand rows instead of counting a quarter of a million cases: those received
    that day (Asia/Shanghai) and how many of them are still open or completed, those completed
    that day, and the yellow and red cards found that day."""

    day = models.DateField(_("日期"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    power_item = models.ForeignKey(PowerItem, on_delete=models.PROTECT, related_name="+")
    received = models.IntegerField(_("受理件数"), default=0)
    still_open = models.IntegerField(_("其中在办"), default=0)
    completed = models.IntegerField(_("其中已办结"), default=0)
    completed_on = models.IntegerField(_("当日办结件数"), default=0)
    yellow = models.IntegerField(_("当日黄牌"), default=0)
    red = models.IntegerField(_("当日红牌"), default=0)

    scope_paths = ScopePaths(unit="unit", department="department")

    class Meta:
        verbose_name = _("办件日统计")
        verbose_name_plural = _("办件日统计")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "department", "power_item"], name="casetally_unique_day"
            )
        ]
        indexes = [models.Index(fields=["department", "day"], name="casetally_department_idx")]

    def __str__(self):
        return f"{self.day} {self.department_id} {self.power_item_id}"
