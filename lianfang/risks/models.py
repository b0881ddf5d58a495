"""The integrity risk library (廉政风险信息库): risk points, gradings, measures, workflow."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lianfang.core.scopes import ScopePaths
from lianfang.org.models import Department, Person, Post, Unit


class Register(models.TextChoices):
    """The three registration forms of the seed (attachments 1–3)."""

    POST = "post", _("个人岗位廉政风险防控登记表")
    DEPARTMENT = "department", _("内设部门廉政风险防控登记表")
    UNIT = "unit", _("单位廉政风险防控登记表")


class Category(models.TextChoices):
    MORAL = "moral", _("思想道德")
    INSTITUTIONAL = "institutional", _("制度机制")
    DUTY = "duty", _("岗位职责")
    PROCESS = "process", _("业务流程")
    EXTERNAL = "external", _("外部环境")
    MAJOR_DECISION = "major_decision", _("重大决策")
    APPOINTMENT = "appointment", _("重要人事任免")
    MAJOR_PROJECT = "major_project", _("重大项目安排")
    LARGE_FUND = "large_fund", _("大额资金使用")


# DOMAIN.md §2: which categories each register allows.
REGISTER_CATEGORIES = {
    Register.POST: (
        Category.MORAL,
        Category.INSTITUTIONAL,
        Category.DUTY,
        Category.PROCESS,
        Category.EXTERNAL,
    ),
    Register.DEPARTMENT: (Category.PROCESS, Category.INSTITUTIONAL, Category.EXTERNAL),
    Register.UNIT: (
        Category.MAJOR_DECISION,
        Category.APPOINTMENT,
        Category.MAJOR_PROJECT,
        Category.LARGE_FUND,
    ),
}


class Level(models.IntegerChoices):
    """一/二/三级 and 高/中/低 are the same scale."""

    ONE = 1, _("一级（高）")
    TWO = 2, _("二级（中）")
    THREE = 3, _("三级（低）")


class Step(models.IntegerChoices):
    """The five identification steps, in order (DOMAIN.md §2)."""

    SELF = 1, _("自己找")
    COLLEAGUES = 2, _("大家提")
    ORGANISATION = 3, _("组织点")
    PUBLIC = 4, _("群众议")
    COLLECTIVE = 5, _("集体定")


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", _("查找中")
    RETURNED = "returned", _("已退回")
    EFFECTIVE = "effective", _("已生效")
    RETIRED = "retired", _("已撤销")


class Publication(models.TextChoices):
    INTERNAL = "internal", _("内部")
    UNIT = "unit", _("单位内公示")
    PUBLIC = "public", _("向社会公开")


class RiskPoint(models.Model):
    register = models.CharField(_("登记表"), max_length=12, choices=Register)
    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    post = models.ForeignKey(
        Post,
        verbose_name=_("岗位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("个人岗位登记表的填报人。"),
    )
    category = models.CharField(_("风险类别"), max_length=20, choices=Category)
    title = models.CharField(_("风险点"), max_length=200)
    manifestation = models.TextField(_("风险表现形式"))
    duty_link = models.CharField(
        _("职权内容/涉及环节"),
        max_length=300,
        blank=True,
        help_text=_("风险来自的岗位职责或业务环节。"),
    )
    level = models.PositiveSmallIntegerField(_("风险等级"), choices=Level, null=True, blank=True)
    # From the latest matrix grading, kept for the heat map (GROUP BY, not JSON parsing).
    likelihood = models.PositiveSmallIntegerField(
        _("可能性"), null=True, blank=True, editable=False
    )
    impact = models.PositiveSmallIntegerField(_("影响程度"), null=True, blank=True, editable=False)
    responsible_person = models.ForeignKey(
        Person,
        verbose_name=_("直接责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step = models.PositiveSmallIntegerField(_("查找环节"), choices=Step, default=Step.SELF)
    status = models.CharField(_("状态"), max_length=12, choices=Status, default=Status.IN_PROGRESS)
    publication = models.CharField(
        _("公示范围"), max_length=10, choices=Publication, default=Publication.INTERNAL
    )
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    assessed_on = models.DateField(
        _("评估日期"), null=True, blank=True, help_text=_("最近一次评定等级的日期。")
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope_paths = ScopePaths(unit="unit", department="department", person="person")

    class Meta:
        verbose_name = _("廉政风险点")
        verbose_name_plural = _("廉政风险点")
        ordering = ["-year", "unit_id", "department_id", "post_id", "pk"]
        indexes = [
            # Matches the library's ordering, so a filtered first page is read off the index
            # and its annotations are computed for those rows only.
            models.Index(fields=["year", "unit", "department", "post"]),
            # The roll-up counts group along unit → department → post within a year and level.
            models.Index(
                fields=["year", "unit", "department", "post", "level"], name="risks_rollup_idx"
            ),
            models.Index(fields=["year", "level", "category"]),
            models.Index(fields=["status", "step"]),
            models.Index(fields=["post", "year"]),
            models.Index(fields=["person", "year"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__in=[1, 2, 3]),
                name="risk_level_1_to_3",
            ),
            models.CheckConstraint(
                condition=~Q(register="post") | Q(post__isnull=False, department__isnull=False),
                name="risk_post_register_has_post",
            ),
            models.CheckConstraint(
                condition=~Q(register="department") | Q(department__isnull=False),
                name="risk_department_register_has_department",
            ),
        ]

    def __str__(self):
        return self.title


class GradingMethod(models.TextChoices):
    MATRIX = "matrix", _("可能性×影响矩阵")
    CRITERIA = "criteria", _("五项标准计数")
    POWER_TYPE = "power_type", _("权力类型定级")


class GradingMatrix(models.Model):
    """The likelihood × impact matrix, kept as data so a bureau can change size and cells."""

    name = models.CharField(_("名称"), max_length=50)
    # cells[l-1][c-1] is the level for likelihood l and impact c.
    cells = models.JSONField(_("矩阵"))
    likelihood_labels = models.JSONField(_("可能性等级说明"), default=list, blank=True)
    impact_labels = models.JSONField(_("影响程度说明"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("风险矩阵")
        verbose_name_plural = _("风险矩阵")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="one_active_matrix"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def size(self) -> tuple[int, int]:
        return len(self.cells), len(self.cells[0]) if self.cells else 0


class Grading(models.Model):
    """One assessment of a risk's level, with the method, its inputs and the rationale."""

    risk = models.ForeignKey(RiskPoint, on_delete=models.CASCADE, related_name="gradings")
    method = models.CharField(_("定级方法"), max_length=12, choices=GradingMethod)
    inputs = models.JSONField(_("定级依据"))
    level = models.PositiveSmallIntegerField(_("风险等级"), choices=Level)
    rationale = models.TextField(_("定级理由"))
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    graded_at = models.DateTimeField(_("评定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("风险评级")
        verbose_name_plural = _("风险评级")
        ordering = ["-graded_at", "-pk"]

    def __str__(self):
        return f"{self.risk} → {self.get_level_display()}"


class MeasureType(models.TextChoices):
    EDUCATION = "education", _("教育")
    RULES = "rules", _("制度")
    PROCESS = "process", _("流程")
    SUPERVISION = "supervision", _("监督")
    TECHNOLOGY = "technology", _("科技")
    OTHER = "other", _("其他")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("未开始")
    IN_PROGRESS = "in_progress", _("落实中")
    DONE = "done", _("已落实")
    CANCELLED = "cancelled", _("已取消")


OPEN_MEASURE_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)


class Measure(models.Model):
    """A control measure (防控措施) against one risk point."""

    risk = models.ForeignKey(RiskPoint, on_delete=models.CASCADE, related_name="measures")
    type = models.CharField(_("措施类型"), max_length=12, choices=MeasureType)
    content = models.TextField(_("防控措施"))
    owner = models.ForeignKey(
        Person, verbose_name=_("责任人"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("完成期限"), null=True, blank=True)
    status = models.CharField(
        _("落实情况"), max_length=12, choices=MeasureStatus, default=MeasureStatus.PLANNED
    )
    evidence = models.TextField(_("落实说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    scope_paths = ScopePaths(
        unit="risk__unit", department="risk__department", person="risk__person"
    )

    class Meta:
        verbose_name = _("防控措施")
        verbose_name_plural = _("防控措施")
        ordering = ["risk_id", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.content[:50]


class WorkflowAction(models.TextChoices):
    SUBMIT = "submit", _("提交下一环节")
    COMMENT = "comment", _("提出意见")
    RETURN = "return", _("退回")
    DECIDE = "decide", _("集体审定")
    RETIRE = "retire", _("撤销")


class WorkflowRecord(models.Model):
    """Who did what at which identification step, and what they said."""

    risk = models.ForeignKey(RiskPoint, on_delete=models.CASCADE, related_name="workflow")
    step = models.PositiveSmallIntegerField(_("环节"), choices=Step)
    action = models.CharField(_("操作"), max_length=10, choices=WorkflowAction)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("意见"), blank=True)
    meeting_date = models.DateField(_("会议日期"), null=True, blank=True)
    meeting_ref = models.CharField(_("会议纪要文号"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("查找记录")
        verbose_name_plural = _("查找记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_step_display()} {self.get_action_display()}"
