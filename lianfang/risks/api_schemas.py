"""Input and output schemas of the risk library API (lianfang.risks.api).

Inputs are plain schemas with related objects as ids named like the model fields; outputs add
the display values (labels, names, the derived responsible leader, the re-assessment flag).
"""

import warnings
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from ninja import Field, ModelSchema, Schema

from lianfang.core.audit import jsonable

from .models import (
    OPEN_MEASURE_STATUSES,
    Category,
    Grading,
    GradingMethod,
    Measure,
    MeasureStatus,
    MeasureType,
    Publication,
    Register,
    RiskPoint,
    WorkflowRecord,
)
from .models import Status as RiskStatus

# A field named "register" shadows ABCMeta.register (pydantic warns at class creation). It is
# safe as long as such a field always has an explicit default or Field(...), as below.
warnings.filterwarnings("ignore", 'Field name "register"', UserWarning)


# Risks


class RiskFilters(Schema):
    """The library filters (`selectors.FILTERS`) and a free-text search."""

    unit: int | None = None
    department: int | None = None
    post: int | None = None
    person: int | None = None
    level: int | None = Field(None, ge=1, le=3)
    category: Category | None = None
    status: RiskStatus | None = None
    step: int | None = Field(None, ge=1, le=5)
    year: int | None = None
    register: Register | None = None
    publication: Publication | None = None
    q: str | None = Field(None, max_length=100)


class RiskIn(Schema):
    # Field(...): without it pydantic would take ABCMeta.register as this field's default.
    register: Register = Field(...)
    year: int = Field(ge=2000, le=2100)
    unit: int | None = None
    department: int | None = None
    post: int | None = None
    person: int | None = None
    category: Category
    title: str
    manifestation: str
    duty_link: str = ""
    responsible_person: int | None = None
    publication: Publication = Publication.INTERNAL


class RiskPatch(Schema):
    """RiskIn with every field optional: only the fields sent change. (Not PatchDict[RiskIn],
    which would take ABCMeta.register as the default of the field "register".)"""

    register: Register | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    unit: int | None = None
    department: int | None = None
    post: int | None = None
    person: int | None = None
    category: Category | None = None
    title: str | None = None
    manifestation: str | None = None
    duty_link: str | None = None
    responsible_person: int | None = None
    publication: Publication | None = None


class RiskOut(ModelSchema):
    register_label: str = Field(alias="get_register_display")
    unit_name: str = Field(alias="unit.name")
    department_name: str | None = Field(None, alias="department.name")
    post_name: str | None = Field(None, alias="post.name")
    person_name: str | None = Field(None, alias="person.name")
    category_label: str = Field(alias="get_category_display")
    level_label: str | None = Field(None, alias="get_level_display")
    responsible_person_name: str | None = Field(None, alias="responsible_person.name")
    responsible_leader: int | None = Field(None, alias="leader_id")
    responsible_leader_name: str | None = Field(None, alias="leader_name")
    step_label: str = Field(alias="get_step_display")
    status_label: str = Field(alias="get_status_display")
    publication_label: str = Field(alias="get_publication_display")
    reassess: bool

    class Meta:
        model = RiskPoint
        fields = [
            "id",
            "register",
            "year",
            "unit",
            "department",
            "post",
            "person",
            "category",
            "title",
            "manifestation",
            "duty_link",
            "level",
            "likelihood",
            "impact",
            "responsible_person",
            "step",
            "status",
            "publication",
            "effective_on",
            "assessed_on",
            "copied_from",
            "created_at",
            "updated_at",
        ]


class RetireIn(Schema):
    reason: str


# Gradings


class GradingIn(Schema):
    method: GradingMethod | None = None
    likelihood: int | None = None
    impact: int | None = None
    criteria: list[str] | None = None
    power_type: str | None = None


class GradingOut(ModelSchema):
    method_label: str = Field(alias="get_method_display")
    level_label: str = Field(alias="get_level_display")
    graded_by_name: str | None = Field(None, alias="graded_by.display_name")

    class Meta:
        model = Grading
        fields = ["id", "risk", "method", "inputs", "level", "rationale", "graded_by", "graded_at"]


# Measures


class MeasureIn(Schema):
    type: MeasureType
    content: str
    owner: int | None = None
    due_date: date | None = None
    status: MeasureStatus = MeasureStatus.PLANNED
    evidence: str = ""


class MeasureOut(ModelSchema):
    risk_title: str = Field(alias="risk.title")
    type_label: str = Field(alias="get_type_display")
    owner_name: str = Field(alias="owner.name")
    status_label: str = Field(alias="get_status_display")
    overdue: bool

    class Meta:
        model = Measure
        fields = ["id", "risk", "type", "content", "owner", "due_date", "status", "evidence"]

    @staticmethod
    def resolve_overdue(obj):
        open_ = obj.status in OPEN_MEASURE_STATUSES
        return open_ and obj.due_date is not None and obj.due_date < timezone.localdate()


# Workflow and history


class CommentIn(Schema):
    comment: str = ""


class DecideIn(Schema):
    meeting_date: date | None = None
    meeting_ref: str = ""
    comment: str = ""


class WorkflowRecordOut(ModelSchema):
    step_label: str = Field(alias="get_step_display")
    action_label: str = Field(alias="get_action_display")
    actor_name: str = Field(alias="actor.display_name")

    class Meta:
        model = WorkflowRecord
        fields = ["id", "step", "action", "actor", "at", "comment", "meeting_date", "meeting_ref"]


class ChangeOut(Schema):
    field: str
    old: Any
    new: Any


class VersionOut(Schema):
    """One version of a risk: who, when, the fields it changed and all its values."""

    history_id: int
    history_date: datetime
    history_type: str
    history_type_label: str = Field(alias="get_history_type_display")
    history_user: int | None = Field(None, alias="history_user_id")
    history_user_name: str | None = Field(None, alias="history_user.display_name")
    changes: list[ChangeOut]
    values: dict[str, Any]

    @staticmethod
    def resolve_changes(obj):
        return [
            {"field": c.field, "old": jsonable(c.old), "new": jsonable(c.new)} for c in obj.changes
        ]

    @staticmethod
    def resolve_values(obj):
        return jsonable({f.name: getattr(obj, f.attname) for f in obj.tracked_fields})


# Counts and the library as a whole


class LevelCount(Schema):
    level: int | None
    label: str
    count: int


class CategoryCount(Schema):
    category: str
    label: str
    count: int


class RollupRow(Schema):
    id: int | None
    name: str | None
    parent_name: str | None
    total: int
    l1: int
    l2: int
    l3: int


class HeatCell(Schema):
    likelihood: int
    impact: int
    level: int | None
    count: int


class SummaryOut(Schema):
    total: int
    levels: list[LevelCount]
    categories: list[CategoryCount]
    by: str
    rollup: list[RollupRow]
    matrix: list[list[int]]
    heat_map: list[HeatCell]


class ProgressRow(Schema):
    department: int
    department_name: str
    unit_name: str
    posts: int
    filed: int
    effective: int
    share: float


class CopyForwardIn(Schema):
    from_year: int
    to_year: int


class CopyForwardOut(Schema):
    copied: int
