"""Input and output schemas of the supervision API (lianfang.supervision.api)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

MAX_EVENTS = 10_000


class BatchIn(Schema):
    events: list[dict[str, Any]] = Field(..., min_length=1, max_length=MAX_EVENTS)


class BatchOut(Schema):
    applied: int
    replayed: int


class BatchIssue(Schema):
    line: int
    field: str
    message: str


class BatchErrorOut(Schema):
    detail: str
    errors: list[BatchIssue]


class CaseFilters(Schema):
    status: str | None = None
    card_level: int | None = Field(None, ge=0, le=3)
    department: int | None = None
    power_item: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str | None = Field(None, max_length=100, description="办件编号（部分）")


class CaseRow(Schema):
    id: int
    source: str
    external_no: str
    power_item_id: int
    power_item_code: str = Field(..., alias="power_item.code")
    power_item_name: str = Field(..., alias="power_item.name")
    department_id: int
    department_name: str = Field(..., alias="department.name")
    applicant: str = Field(..., alias="applicant_masked", description="脱敏后的申请人")
    received_at: datetime
    step: str
    status: str
    result: str
    due_at: datetime | None
    legal_due_at: datetime | None
    card_level: int
    completed_at: datetime | None


class CaseOut(CaseRow):
    fee_charged: Decimal | None
    penalty_type: str
    penalty_amount: Decimal | None
    circumstance: str
    paused_at: datetime | None
    prompt_at: datetime | None
    step_started_at: datetime | None
    step_due_at: datetime | None
    early_at: datetime | None
    last_event_at: datetime


class ApplicantOut(Schema):
    applicant: str


class EventOut(Schema):
    id: int
    source: str
    event_id: str
    kind: str
    at: datetime
    actor: str
    reason: str
    data: dict[str, Any]


class FindingFilters(Schema):
    rule: str | None = None
    level: int | None = Field(None, ge=0, le=3)
    department: int | None = None
    found_from: date | None = None
    found_to: date | None = None
    replied: bool | None = None


class FindingOut(Schema):
    id: int
    case_id: int
    case_no: str = Field(..., alias="case.external_no")
    rule: str
    key: str
    level: int
    found_at: datetime
    deadline_at: datetime | None
    evidence: dict[str, Any]
    reply_due_at: datetime | None
    replied_at: datetime | None
    reply: str
    escalation: int


class ReplyIn(Schema):
    reply: str


class ScoreOut(Schema):
    id: int
    department_id: int
    department_name: str = Field(..., alias="department.name")
    month: date
    total: Decimal
    bonus: Decimal
    dimensions: dict[str, Any]
    deductions: list[dict[str, Any]]
    cases_completed: int
    cases_early: int


class GradeOut(Schema):
    id: int
    department_id: int
    department_name: str = Field(..., alias="department.name")
    year: int
    quarter: int
    average: Decimal
    grade: str
    recommendation: str | None = Field(None, description="监察建议书文号（不合格时）")

    @staticmethod
    def resolve_recommendation(obj) -> str | None:
        return getattr(getattr(obj, "recommendation", None), "number", None)
