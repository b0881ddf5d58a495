from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianfang.core.scopes import ScopePaths
from lianfang.org.models import Department, Unit


class Dimension(models.TextChoices):
    """The nine parts of a department's monthly performance score (DOMAIN.md §5); their weights
    are `settings.SUPERVISION_SCORE_WEIGHTS`."""

    DISCLOSURE = "disclosure", _("政务公开")
    PROCESS = "process", _("流程规范")
    TIME = "time", _("期限合法")
    FEES = "fees", _("收费合理")
    SATISFACTION = "satisfaction", _("满意度")
    ATTITUDE = "attitude", _("服务态度")
    INSPECTION = "inspection", _("监督检查")
    LEGAL = "legal", _("法律责任")
    INTEGRITY = "integrity", _("廉洁行政")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class DepartmentScore(models.Model):
    """A department's performance score for one month: per dimension what it kept of its
    weight, the deductions that took the rest (each naming its findings), and the bonus."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天。"))
    total = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    bonus = models.DecimalField(_("加分"), max_digits=4, decimal_places=1, default=0)
    # {dimension: points kept}, and [{dimension, rule, points, count, finding_ids}].
    dimensions = models.JSONField(_("分项得分"), default=dict)
    deductions = models.JSONField(_("扣分明细"), default=list)
    cases_completed = models.PositiveIntegerField(_("办结件数"), default=0)
    cases_early = models.PositiveIntegerField(_("提前办结件数"), default=0)
    computed_at = models.DateTimeField(_("计算时间"))

    scope_paths = ScopePaths(unit="unit", department="department")

    class Meta:
        verbose_name = _("月度绩效得分")
        verbose_name_plural = _("月度绩效得分")
        ordering = ["-month", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "month"], name="score_unique_month")
        ]
        indexes = [models.Index(fields=["month", "unit"], name="score_month_idx")]

    def __str__(self):
        return f"{self.department} {self.month:%Y-%m} {self.total}"


class ScoreAdjustment(models.Model):
    """A deduction the supervision office records by hand for a dimension the cases cannot
    show (政务公开, 满意度, 服务态度, 监督检查, 廉洁行政), with its reason."""

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份"))
    dimension = models.CharField(_("考核项目"), max_length=20, choices=Dimension)
    points = models.DecimalField(_("扣分"), max_digits=4, decimal_places=1)
    reason = models.TextField(_("扣分理由"))
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    scope_paths = ScopePaths(unit="department__unit", department="department")

    class Meta:
        verbose_name = _("绩效扣分录入")
        verbose_name_plural = _("绩效扣分录入")
        ordering = ["-month", "department_id", "pk"]
        indexes = [models.Index(fields=["month", "department"], name="adjustment_month_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="adjustment_points_positive")
        ]

    def __str__(self):
        return f"{self.department} {self.month:%Y-%m} {self.get_dimension_display()}"


class QuarterGrade(models.Model):
    """A department's quarterly grade from the mean of its three monthly scores."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    average = models.DecimalField(_("平均得分"), max_digits=5, decimal_places=1)
    grade = models.CharField(_("等次"), max_length=10, choices=Grade)
    computed_at = models.DateTimeField(_("计算时间"))

    scope_paths = ScopePaths(unit="unit", department="department")

    class Meta:
        verbose_name = _("季度绩效等次")
        verbose_name_plural = _("季度绩效等次")
        ordering = ["-year", "-quarter", "department_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "quarter"], name="grade_unique_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="grade_quarter"
            ),
        ]

    def __str__(self):
        return f"{self.department} {self.year}Q{self.quarter} {self.get_grade_display()}"


class Recommendation(models.Model):
    """监察建议书: issued to a department graded 不合格 for a quarter, printable."""

    grade = models.OneToOneField(
        QuarterGrade,
        verbose_name=_("季度等次"),
        on_delete=models.PROTECT,
        related_name="recommendation",
    )
    number = models.CharField(_("文号"), max_length=50, unique=True)
    issues = models.TextField(_("存在问题"))
    suggestions = models.TextField(_("监察建议"))
    reply_due = models.DateField(_("整改反馈期限"))
    issued_at = models.DateTimeField(_("制发时间"))

    scope_paths = ScopePaths(unit="grade__unit", department="grade__department")

    class Meta:
        verbose_name = _("监察建议书")
        verbose_name_plural = _("监察建议书")
        ordering = ["-issued_at", "pk"]

    def __str__(self):
        return self.number
