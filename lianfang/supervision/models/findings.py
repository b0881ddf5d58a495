from django.db import models
from django.utils.translation import gettext_lazy as _

from lianfang.core.scopes import ScopePaths

from .cases import CardLevel, Case


class Rule(models.TextChoices):
    """What a supervision finding says went wrong (DOMAIN.md §5). Each rule's default level and
    score dimension are in `supervision.rules`."""

    # Time, found by the sweep (and, for a case closed between sweeps, at its closing event).
    PROMPT = "prompt", _("临近办结期限")
    STEP_OVERDUE = "step_overdue", _("环节超时")
    NEAR_DEADLINE = "near_deadline", _("临近期限仍未办结")
    PROMISED_OVERDUE = "promised_overdue", _("超过承诺时限")
    LEGAL_OVERDUE = "legal_overdue", _("超过法定时限")
    # Process, fees and penalties, found as the events arrive.
    OUT_OF_ORDER = "out_of_order", _("环节顺序异常")
    SKIPPED_STEP = "skipped_step", _("缺少必经环节")
    NO_REASON = "no_reason", _("未说明理由")
    OUTSIDE_SYSTEM = "outside_system", _("体外办结")
    FEE_WITHOUT_BASIS = "fee_no_basis", _("无依据收费")
    FEE_MISMATCH = "fee_mismatch", _("收费与标准不符")
    PENALTY_OUT_OF_RANGE = "penalty_range", _("处罚超出裁量基准")


class Finding(models.Model):
    """One rule a case broke, with the evidence that shows why; a yellow or red one is a card
    (黄牌/红牌) the handling unit must reply to within the reply limit, else it escalates."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(_("监察规则"), max_length=20, choices=Rule)
    # Tells apart findings of one rule on one case (the step, for a step overdue); "" if none.
    key = models.CharField(max_length=20, blank=True)
    level = models.PositiveSmallIntegerField(_("预警级别"), choices=CardLevel)
    found_at = models.DateTimeField(_("发现时间"))
    deadline_at = models.DateTimeField(_("所涉期限"), null=True, blank=True)
    evidence = models.JSONField(_("依据"), default=dict)
    reply_due_at = models.DateTimeField(_("答复期限"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reply = models.TextField(_("整改答复"), blank=True)
    replied_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 0: with the handlers; 1: raised to the leader in charge; 2: to discipline inspection.
    escalation = models.PositiveSmallIntegerField(_("升级次数"), default=0)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)

    scope_paths = ScopePaths(unit="case__unit", department="case__department")

    class Meta:
        verbose_name = _("监察发现")
        verbose_name_plural = _("监察发现")
        ordering = ["-found_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "rule", "key"], name="finding_unique_rule")
        ]
        indexes = [
            models.Index(fields=["level", "found_at"], name="finding_level_idx"),
            # Cards waiting for a reply, by the day the reply falls due (escalation sweep).
            models.Index(fields=["replied_at", "reply_due_at"], name="finding_reply_idx"),
        ]

    def __str__(self):
        return f"{self.case} {self.get_rule_display()}"

    @property
    def is_card(self) -> bool:
        return self.level >= CardLevel.YELLOW
