"""Input and output schemas of the power list API (lianfang.powers.api).

Inputs name related objects by id, like the model fields; outputs add the display values
(labels and names). A flowchart and a set of discretion standards are read and written whole,
in the same shape, so a client can change what it read and put it back.
"""

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, ModelSchema, Schema

from lianfang.risks.models import Measure, RiskPoint

from .models import (
    CaseStep,
    Category,
    Circumstance,
    Decision,
    DiscretionStandard,
    PowerItem,
    Process,
    Regulation,
    RegulationStatus,
    RiskLink,
    StepKind,
)

DAYS = {"ge": 0, "le": 32767}  # a PositiveSmallIntegerField
MONEY = {"ge": 0, "max_digits": 12, "decimal_places": 2}


# Power items


class PowerItemFilters(Schema):
    category: Category | None = None
    unit: int | None = Field(None, description="实施主体（单位编号）")
    department: int | None = Field(None, description="承办机构（部门编号）")
    decision: Decision | None = Field(None, description="清理意见")
    published: bool | None = Field(None, description="是否向社会公开")
    q: str | None = Field(None, max_length=100, description="事项名称包含的文字，或编码开头")


class BasisIn(Schema):
    document: str = Field(
        pattern=r"^《[^《》]+》$", max_length=200, description="文件名称，如《营业性演出管理条例》"
    )
    article: str = Field("", max_length=100, description="条款，如“第六条第一款”")
    excerpt: str = Field("", description="条文摘录")


class BasisOut(Schema):
    document: str
    article: str = ""
    excerpt: str = ""


class ResponsibilityIn(Schema):
    stage: str = Field(min_length=1, max_length=30, description="责任环节，如“受理责任”")
    content: str = Field(min_length=1, description="责任内容")


class ResponsibilityOut(Schema):
    stage: str
    content: str


class PowerItemIn(Schema):
    unit: int = Field(description="实施主体（单位编号）")
    department: int = Field(description="承办机构（部门编号），须是实施主体的内设部门")
    posts: list[int] = Field([], description="承办岗位编号，须属于承办机构")
    parent: int | None = Field(None, description="所属事项（子项填写主项编号）")
    code: str = Field(description="事项编码，须符合配置的编码格式")
    name: str
    category: Category
    basis_set: list[BasisIn] = Field([], description="设定依据")
    basis_implement: list[BasisIn] = Field([], description="实施依据")
    responsibilities: list[ResponsibilityIn] = Field([], description="各环节责任事项")
    accountability: str = Field("", description="追责情形")
    legal_limit: int | None = Field(None, **DAYS, description="法定时限（工作日）")
    promised_limit: int | None = Field(
        None, **DAYS, description="承诺时限（工作日），不能超过法定时限"
    )
    fee_basis: str = Field("", description="收费依据")
    fee_standard: str = Field("", description="收费标准")
    fee_amount: Decimal | None = Field(None, **MONEY, description="收费金额（元），不收费为空")
    supervision_phone: str = ""
    relief: str = Field("", description="救济渠道")
    decision: Decision = Field(Decision.KEEP, description="清理意见")
    decision_year: int = Field(ge=2000, le=2100, description="清理年度")
    decision_reason: str = Field("", description="清理理由（取消事项必填）")
    procedure_ref: str = Field("", description="法定程序文号（新设事项、恢复已取消事项必填）")
    published: bool = Field(False, description="向社会公开")


class PowerItemPatch(PowerItemIn):
    """PowerItemIn with every field optional: only the fields sent change. (Not
    PatchDict[PowerItemIn]: ninja cannot build the body of a PatchDict whose schema uses one
    nested schema twice, here BasisIn.) The default None only marks a field as not sent: a
    null for a field that cannot be empty is refused like any other wrong type."""

    unit: int = Field(None, description="实施主体（单位编号）")
    department: int = Field(None, description="承办机构（部门编号）")
    code: str = Field(None, description="事项编码，须符合配置的编码格式")
    name: str = None
    category: Category = None
    decision_year: int = Field(None, ge=2000, le=2100, description="清理年度")


ITEM_ROW_FIELDS = [
    "id",
    "code",
    "name",
    "category",
    "unit",
    "department",
    "parent",
    "legal_limit",
    "promised_limit",
    "decision",
    "decision_year",
    "published",
]


class ItemLabels(Schema):
    category_label: str = Field(description="权力类别（本局使用的名称）")
    unit_name: str = Field(alias="unit.name")
    department_name: str = Field(alias="department.name")
    decision_label: str = Field(alias="get_decision_display")


class PowerItemRow(ItemLabels, ModelSchema):
    """A power item as the list shows it."""

    class Meta:
        model = PowerItem
        fields = ITEM_ROW_FIELDS


class PowerItemOut(ItemLabels, ModelSchema):
    """A power item with everything about it."""

    parent_name: str | None = Field(None, alias="parent.name")
    basis_set: list[BasisOut]
    basis_implement: list[BasisOut]
    responsibilities: list[ResponsibilityOut]

    class Meta:
        model = PowerItem
        fields = [
            *ITEM_ROW_FIELDS,
            "posts",
            "accountability",
            "fee_basis",
            "fee_standard",
            "fee_amount",
            "supervision_phone",
            "relief",
            "decision_reason",
            "procedure_ref",
            "created_at",
            "updated_at",
        ]


# Flowcharts


class FlowStepIn(Schema):
    key: str = Field(
        pattern=r"^[-a-zA-Z0-9_]+$",
        max_length=30,
        description="环节标识（字母、数字、-、_），连线以它指向环节；保留的环节保留其风险点",
    )
    kind: StepKind = StepKind.STEP
    name: str = Field(min_length=1, max_length=100)
    post: int | None = Field(None, description="承办岗位编号，须是本事项实施主体的岗位")
    limit_days: int = Field(0, **DAYS, description="办理时限（工作日）")
    documents: str = Field("", max_length=200, description="文书")
    supervision_point: bool = Field(False, description="是否监察点")
    case_step: CaseStep | Literal[""] = Field(
        "", description="对应的电子监察环节；各环节时限由其下流程节点的时限合计"
    )


class FlowEdgeIn(Schema):
    source: str = Field(description="起点环节标识")
    target: str = Field(description="终点环节标识")
    condition: str = Field("", max_length=50, description="条件（判断环节的各出口必填且不同）")


class FlowIn(Schema):
    """The whole flowchart; it replaces the saved one. No steps and no edges removes it."""

    steps: list[FlowStepIn]
    edges: list[FlowEdgeIn] = []


class MeasureBrief(ModelSchema):
    type_label: str = Field(alias="get_type_display")

    class Meta:
        model = Measure
        fields = ["id", "type", "content"]


class StepRiskOut(ModelSchema):
    level_label: str | None = Field(None, alias="get_level_display")
    measures: list[MeasureBrief]

    class Meta:
        model = RiskPoint
        fields = ["id", "title", "level"]


class FlowStepOut(Schema):
    """A step (one `selectors.FlowRow`) with the risk points on it the caller may see."""

    id: int = Field(alias="step.pk")
    key: str = Field(alias="step.key")
    kind: StepKind = Field(alias="step.kind")
    kind_label: str = Field(alias="step.get_kind_display")
    name: str = Field(alias="step.name")
    post: int | None = Field(None, alias="step.post_id")
    post_name: str | None = Field(None, alias="step.post.name")
    limit_days: int = Field(alias="step.limit_days")
    documents: str = Field(alias="step.documents")
    supervision_point: bool = Field(alias="step.supervision_point")
    case_step: str = Field(alias="step.case_step")
    level: int | None = Field(None, description="环节上风险点的最高等级（1为最高）")
    risks: list[StepRiskOut]


class FlowEdgeOut(Schema):
    source: str
    target: str
    condition: str


class FlowOut(Schema):
    item: int
    total_days: int = Field(description="各环节办理时限合计（工作日）")
    steps: list[FlowStepOut]
    edges: list[FlowEdgeOut]
    mermaid: str = Field(description="流程图的 Mermaid 源码，风险环节标有等级记号和颜色")


# Discretion standards


class DiscretionRowIn(Schema):
    circumstance: Circumstance = Field(description="违法情节，按轻微、一般、严重排列")
    description: str = Field(min_length=1, description="具体情形")
    penalty_types: str = Field(min_length=1, max_length=200, description="处罚种类")
    amount_min: Decimal | None = Field(None, **MONEY, description="罚款下限（元）")
    amount_max: Decimal | None = Field(None, **MONEY, description="罚款上限（元）")


class DiscretionIn(Schema):
    """The item's whole set of discretion standards; it replaces the saved one."""

    rows: list[DiscretionRowIn]


class DiscretionRowOut(ModelSchema):
    circumstance_label: str = Field(alias="get_circumstance_display")

    class Meta:
        model = DiscretionStandard
        fields = [
            "id",
            "circumstance",
            "description",
            "penalty_types",
            "amount_min",
            "amount_max",
            "order",
        ]


class DiscretionOut(Schema):
    item: int
    rows: list[DiscretionRowOut]


# Risk points on powers


class RiskLinkIn(Schema):
    item: int = Field(description="权力事项编号")
    step: int | None = Field(None, description="流程环节编号（须属于该事项）；为空只挂到事项")


class RiskLinkOut(ModelSchema):
    risk_title: str = Field(alias="risk.title")
    item_code: str = Field(alias="item.code")
    item_name: str = Field(alias="item.name")
    step_key: str | None = Field(None, alias="step.key")
    step_name: str | None = Field(None, alias="step.name")

    class Meta:
        model = RiskLink
        fields = ["id", "risk", "item", "step"]


# Catalogues


class RegulationIn(Schema):
    unit: int
    title: str
    number: str = Field("", description="文号")
    issuer: str = Field(description="发文机关")
    issued_on: date | None = None
    status: RegulationStatus = RegulationStatus.IN_FORCE
    summary: str = ""
    posts: list[int] = Field([], description="适用岗位编号")
    power_items: list[int] = Field([], description="规范的权力事项编号")
    published: bool = True


class RegulationOut(ModelSchema):
    unit_name: str = Field(alias="unit.name")
    status_label: str = Field(alias="get_status_display")

    class Meta:
        model = Regulation
        fields = [
            "id",
            "unit",
            "title",
            "number",
            "issuer",
            "issued_on",
            "status",
            "summary",
            "posts",
            "power_items",
            "published",
        ]


class ProcessIn(Schema):
    unit: int
    department: int | None = Field(None, description="主办部门编号")
    name: str
    description: str = ""
    power_items: list[int] = Field([], description="涉及的权力事项编号")


class ProcessOut(ModelSchema):
    unit_name: str = Field(alias="unit.name")
    department_name: str | None = Field(None, alias="department.name")

    class Meta:
        model = Process
        fields = ["id", "unit", "department", "name", "description", "power_items"]


# Reports


class PowerBrief(Schema):
    id: int
    code: str
    name: str
    category: Category
    category_label: str


class PostPowersOut(Schema):
    """One line of the 岗位职权目录: a post and the powers it exercises."""

    post: int
    post_name: str
    department: int
    department_name: str
    unit: int
    unit_name: str
    powers: list[PowerBrief]


class CleanupYearOut(Schema):
    """权力清理情况 of one year: items by cleanup decision."""

    year: int
    keep: int
    adjust: int
    new: int
    cancel: int
    total: int


class CategoryCountOut(Schema):
    code: Category
    label: str
    count: int
