"""The power list (权力清单): power items, their cleanup, flowcharts, discretion standards,
and the catalogues of regulations and business processes (DOMAIN.md §4)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lianfang.core.scopes import DataScope, ScopePaths
from lianfang.org.models import Department, Post, Unit
from lianfang.risks.models import RiskPoint

CATEGORY_DICT = "power_category"


class Category(models.TextChoices):
    """The ten categories of the national guidance; labels can be renamed to local aliases in
    the data dictionary (e.g. 行政监督 for 行政检查)."""

    LICENSE = "license", _("行政许可")
    PENALTY = "penalty", _("行政处罚")
    COERCION = "coercion", _("行政强制")
    LEVY = "levy", _("行政征收")
    BENEFIT = "benefit", _("行政给付")
    INSPECTION = "inspection", _("行政检查")
    CONFIRMATION = "confirmation", _("行政确认")
    REWARD = "reward", _("行政奖励")
    ADJUDICATION = "adjudication", _("行政裁决")
    OTHER = "other", _("其他行政权力")


class Decision(models.TextChoices):
    """The cleanup decision (权力清理) on an item."""

    KEEP = "keep", _("保留")
    ADJUST = "adjust", _("调整")
    NEW = "new", _("新设")
    CANCEL = "cancel", _("取消")


# The whole power list is readable by every cadre of the unit (it is published to the public
# anyway); writes still need the power-list permission.
UNIT_WIDE = DataScope.UNIT


class PowerItem(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name=_("实施主体"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("承办机构"), on_delete=models.PROTECT, related_name="+"
    )
    posts = models.ManyToManyField(
        Post, verbose_name=_("承办岗位"), blank=True, related_name="power_items"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sub_items",
        help_text=_("子项所属的权力事项。"),
    )
    code = models.CharField(_("事项编码"), max_length=40, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    category = models.CharField(_("权力类别"), max_length=20, choices=Category)
    # Each basis: {"document": "《…》", "article": "第…条", "excerpt": "…"}.
    basis_set = models.JSONField(_("设定依据"), default=list, blank=True)
    basis_implement = models.JSONField(_("实施依据"), default=list, blank=True)
    # Each: {"stage": "受理责任", "content": "…"}.
    responsibilities = models.JSONField(_("责任事项"), default=list, blank=True)
    accountability = models.TextField(_("追责情形"), blank=True)
    legal_limit = models.PositiveSmallIntegerField(_("法定时限（工作日）"), null=True, blank=True)
    promised_limit = models.PositiveSmallIntegerField(
        _("承诺时限（工作日）"), null=True, blank=True
    )
    fee_basis = models.TextField(_("收费依据"), blank=True)
    fee_standard = models.CharField(_("收费标准"), max_length=200, blank=True)
    # None: the item charges nothing (the supervision module flags any fee charged).
    fee_amount = models.DecimalField(
        _("收费金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    supervision_phone = models.CharField(_("监督电话"), max_length=50, blank=True)
    relief = models.TextField(_("救济渠道"), blank=True)
    decision = models.CharField(
        _("清理意见"), max_length=10, choices=Decision, default=Decision.KEEP
    )
    decision_year = models.PositiveSmallIntegerField(_("清理年度"))
    decision_reason = models.TextField(_("清理理由"), blank=True)
    procedure_ref = models.CharField(
        _("法定程序文号"),
        max_length=100,
        blank=True,
        help_text=_("新设、恢复已取消的事项须经法定程序，填写批准文件文号。"),
    )
    published = models.BooleanField(_("向社会公开"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope_paths = ScopePaths(unit="unit", department="department")
    scope_floor = UNIT_WIDE

    class Meta:
        verbose_name = _("权力事项")
        verbose_name_plural = _("权力事项")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["category", "code"]),
            models.Index(fields=["department", "code"]),
            models.Index(fields=["published", "decision", "category"]),
            models.Index(fields=["name"]),
            models.Index(fields=["decision", "decision_year"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_limit__isnull=True)
                | Q(legal_limit__isnull=True)
                | Q(promised_limit__lte=models.F("legal_limit")),
                name="power_promised_within_legal",
            ),
            models.CheckConstraint(
                condition=~Q(decision="cancel") | Q(published=False),
                name="power_cancelled_not_published",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # Checked here as well as by the constraints, so that forms name the field.
        errors = {}
        legal, promised = self.legal_limit, self.promised_limit
        if legal is not None and promised is not None and promised > legal:
            errors["promised_limit"] = _(
                "承诺时限（%(p)d个工作日）不能超过法定时限（%(l)d个工作日）。"
            ) % {"p": promised, "l": legal}
        if self.published and self.is_cancelled:
            errors["published"] = _("已取消的事项不能公开。")
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.decision == Decision.CANCEL

    @property
    def bases(self) -> list[dict]:
        return [*self.basis_set, *self.basis_implement]


class CaseStep(models.TextChoices):
    """The steps electronic supervision monitors in every case, in order (DOMAIN.md §5)."""

    ACCEPT = "accept", _("受理")
    UNDERTAKE = "undertake", _("承办")
    REVIEW = "review", _("审核")
    APPROVE = "approve", _("批准")
    COMPLETE = "complete", _("办结")


class StepKind(models.TextChoices):
    START = "start", _("开始")
    STEP = "step", _("办理环节")
    DECISION = "decision", _("判断")
    END = "end", _("结束")


class FlowStep(models.Model):
    """A node of a power's operation flowchart (权力运行流程图)."""

    item = models.ForeignKey(PowerItem, on_delete=models.CASCADE, related_name="steps")
    key = models.SlugField(_("环节标识"), max_length=30)
    kind = models.CharField(_("类型"), max_length=10, choices=StepKind, default=StepKind.STEP)
    name = models.CharField(_("环节名称"), max_length=100)
    post = models.ForeignKey(
        Post,
        verbose_name=_("承办岗位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    limit_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"), default=0)
    documents = models.CharField(_("文书"), max_length=200, blank=True)
    supervision_point = models.BooleanField(_("监察点"), default=False)
    # Which monitored step of a case (受理/承办/审核/批准/办结) this node belongs to: electronic
    # supervision takes each monitored step's limit as the sum of its nodes' limits.
    case_step = models.CharField(_("对应监察环节"), max_length=10, choices=CaseStep, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    scope_paths = ScopePaths(unit="item__unit", department="item__department")
    scope_floor = UNIT_WIDE

    class Meta:
        verbose_name = _("流程环节")
        verbose_name_plural = _("流程环节")
        ordering = ["item_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="flowstep_unique_key")]

    def __str__(self):
        return self.name


class FlowTransition(models.Model):
    item = models.ForeignKey(PowerItem, on_delete=models.CASCADE, related_name="transitions")
    source = models.ForeignKey(FlowStep, on_delete=models.CASCADE, related_name="exits")
    target = models.ForeignKey(FlowStep, on_delete=models.CASCADE, related_name="entries")
    condition = models.CharField(_("条件"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("流程连线")
        verbose_name_plural = _("流程连线")
        ordering = ["item_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "condition"], name="flowtransition_unique"
            )
        ]

    def __str__(self):
        return f"{self.source} → {self.target}"


class RiskLink(models.Model):
    """Ties a risk point of the library to the power item, and the step, it arises from."""

    risk = models.OneToOneField(RiskPoint, on_delete=models.CASCADE, related_name="power_link")
    item = models.ForeignKey(PowerItem, on_delete=models.CASCADE, related_name="risk_links")
    step = models.ForeignKey(
        FlowStep,
        verbose_name=_("流程环节"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risk_links",
    )

    scope_paths = ScopePaths(
        unit="risk__unit", department="risk__department", person="risk__person"
    )

    class Meta:
        verbose_name = _("风险点关联")
        verbose_name_plural = _("风险点关联")

    def __str__(self):
        return f"{self.item} · {self.risk}"


class Circumstance(models.TextChoices):
    MINOR = "minor", _("轻微")
    ORDINARY = "ordinary", _("一般")
    SERIOUS = "serious", _("严重")
    CUSTOM = "custom", _("其他情节")


class DiscretionStandard(models.Model):
    """自由裁量基准: for a penalty item, a circumstance and the penalties it allows."""

    item = models.ForeignKey(PowerItem, on_delete=models.CASCADE, related_name="discretion")
    circumstance = models.CharField(_("违法情节"), max_length=10, choices=Circumstance)
    description = models.TextField(_("具体情形"))
    penalty_types = models.CharField(_("处罚种类"), max_length=200)
    amount_min = models.DecimalField(
        _("罚款下限（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    amount_max = models.DecimalField(
        _("罚款上限（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    scope_paths = ScopePaths(unit="item__unit", department="item__department")
    scope_floor = UNIT_WIDE

    class Meta:
        verbose_name = _("自由裁量基准")
        verbose_name_plural = _("自由裁量基准")
        ordering = ["item_id", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_min__isnull=True)
                | Q(amount_max__isnull=True)
                | Q(amount_min__lte=models.F("amount_max")),
                name="discretion_min_within_max",
            )
        ]

    def __str__(self):
        return f"{self.item} · {self.get_circumstance_display()}"

    def clean(self):
        low, high = self.amount_min, self.amount_max
        if low is not None and high is not None and low > high:
            raise ValidationError({"amount_min": _("罚款下限不能高于上限。")})


class RegulationStatus(models.TextChoices):
    IN_FORCE = "in_force", _("现行有效")
    REPEALED = "repealed", _("已废止")


class Regulation(models.Model):
    """An entry of the 制度目录: a rule the unit works under, and what it governs."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("制度名称"), max_length=200)
    number = models.CharField(_("文号"), max_length=100, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=100)
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    status = models.CharField(
        _("效力状态"), max_length=10, choices=RegulationStatus, default=RegulationStatus.IN_FORCE
    )
    summary = models.TextField(_("主要内容"), blank=True)
    posts = models.ManyToManyField(Post, verbose_name=_("适用岗位"), blank=True, related_name="+")
    power_items = models.ManyToManyField(
        PowerItem, verbose_name=_("规范的权力事项"), blank=True, related_name="regulations"
    )
    published = models.BooleanField(_("向社会公开"), default=True)

    scope_paths = ScopePaths(unit="unit")
    scope_floor = UNIT_WIDE

    class Meta:
        verbose_name = _("制度")
        verbose_name_plural = _("制度目录")
        ordering = ["-issued_on", "pk"]
        indexes = [models.Index(fields=["status", "published"])]

    def __str__(self):
        return self.title


class Process(models.Model):
    """An entry of the 业务流程目录: a business process and the power items it serves."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("主办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("流程名称"), max_length=200)
    description = models.TextField(_("流程说明"), blank=True)
    power_items = models.ManyToManyField(
        PowerItem, verbose_name=_("涉及权力事项"), blank=True, related_name="processes"
    )

    scope_paths = ScopePaths(unit="unit", department="department")
    scope_floor = UNIT_WIDE

    class Meta:
        verbose_name = _("业务流程")
        verbose_name_plural = _("业务流程目录")
        ordering = ["unit_id", "name"]

    def __str__(self):
        return self.name
