"""The electronic supervision API (/api/v1/supervision).

Reads (`supervision.view`, data-scoped: an object outside the caller's scope is a 404): cases
and their events, findings, monthly scores and quarterly grades. The applicant is masked
everywhere; `GET /cases/{id}/applicant` gives the full value to `supervision.applicant` and
writes the reading to the audit trail. Cards (`supervision.reply`): those the caller may
see (`selectors.cards_for`; answering needs `supervision.reply` too), and `POST /cards/{id}/reply`.

`POST /events:batch` takes up to 10,000 events (the fields of `lianfang.supervision.ingest`),
all-or-nothing: 200 `{applied, replayed}`, or 400 `{detail, errors: [{line, field, message}]}`
with `line` the 1-based position in `events` and nothing stored. Needs `supervision.ingest`
(the system administrator; an integrating system uses an API token of such an account).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from lianfang.core import calendar
from lianfang.core.api import require
from lianfang.core.scopes import get_scoped_or_404, scoped

from . import ingest, selectors, services
from .api_schemas import (
    ApplicantOut,
    BatchErrorOut,
    BatchIn,
    BatchOut,
    CaseFilters,
    CaseOut,
    CaseRow,
    EventOut,
    FindingFilters,
    FindingOut,
    GradeOut,
    ReplyIn,
    ScoreOut,
)
from .models import Case, CaseEvent, DepartmentScore, Finding, QuarterGrade

router = Router(tags=["supervision"])
INGEST = "supervision.ingest"
VIEW = "supervision.view"
REPLY = "supervision.reply"


def _route(method: str, path: str, name: str, **kwargs):
    """One operation, with the same unique name as operation id and URL name."""
    return getattr(router, method)(path, url_name=name, operation_id=name, **kwargs)


@_route(
    "post", "/events:batch", "supervision_event_batch", response={200: BatchOut, 400: BatchErrorOut}
)
def supervision_event_batch(request, payload: BatchIn):
    require(request, INGEST)
    rows = [{**row, "_line": n} for n, row in enumerate(payload.events, start=1)]
    result = ingest.ingest(
        rows, actor=request.user, source_name=f"api:{request.user.get_username()}"
    )
    if not result.ok:
        errors = [{"line": i.line, "field": i.field, "message": i.message} for i in result.rejected]
        detail = _("批次未导入：%(n)d 处问题，未写入任何数据。") % {"n": len(errors)}
        return Status(400, {"detail": detail, "errors": errors})
    return {"applied": result.applied, "replayed": result.replayed}


@_route("get", "/cases/", "supervision_case_list", response=list[CaseRow])
@paginate(LimitOffsetPagination)
def supervision_case_list(request, filters: Query[CaseFilters]):
    require(request, VIEW)
    return selectors.case_list(request.user, filters.dict())


def _case(request, case_id: int) -> Case:
    require(request, VIEW)
    cases = Case.objects.select_related("power_item", "department")
    return get_scoped_or_404(cases, request.user, pk=case_id)


@_route("get", "/cases/{case_id}", "supervision_case_get", response=CaseOut)
def supervision_case_get(request, case_id: int):
    return _case(request, case_id)


@_route("get", "/cases/{case_id}/applicant", "supervision_case_applicant", response=ApplicantOut)
def supervision_case_applicant(request, case_id: int):
    case = _case(request, case_id)
    return {"applicant": services.applicant_reveal(user=request.user, case=case)}


@_route("get", "/cases/{case_id}/events", "supervision_case_events", response=list[EventOut])
def supervision_case_events(request, case_id: int):
    return CaseEvent.objects.filter(case=_case(request, case_id)).order_by("at", "pk")


@_route("get", "/findings/", "supervision_finding_list", response=list[FindingOut])
@paginate(LimitOffsetPagination)
def supervision_finding_list(request, filters: Query[FindingFilters]):
    require(request, VIEW)
    findings = scoped(Finding.objects.select_related("case"), request.user)
    f = filters
    if f.rule:
        findings = findings.filter(rule=f.rule)
    if f.level is not None:
        findings = findings.filter(level=f.level)
    if f.department:
        findings = findings.filter(case__department_id=f.department)
    if f.found_from:
        findings = findings.filter(found_at__gte=calendar.start_of_day(f.found_from))
    if f.found_to:
        findings = findings.filter(found_at__lte=calendar.end_of_day(f.found_to))
    if f.replied is not None:
        findings = findings.filter(replied_at__isnull=not f.replied)
    return findings.order_by("-found_at", "pk")


@_route("get", "/findings/{finding_id}", "supervision_finding_get", response=FindingOut)
def supervision_finding_get(request, finding_id: int):
    require(request, VIEW)
    return get_scoped_or_404(Finding.objects.select_related("case"), request.user, pk=finding_id)


@_route("get", "/cards/", "supervision_card_list", response=list[FindingOut])
@paginate(LimitOffsetPagination)
def supervision_card_list(request, replied: bool | None = None):
    cards = selectors.cards_for(request.user).select_related("case")
    if replied is not None:
        cards = cards.filter(replied_at__isnull=not replied)
    return cards.order_by("-found_at", "pk")


@_route(
    "post",
    "/cards/{finding_id}/reply",
    "supervision_card_reply",
    response={200: FindingOut, 400: dict},
)
def supervision_card_reply(request, finding_id: int, payload: ReplyIn):
    require(request, REPLY)
    card = get_object_or_404(selectors.cards_for(request.user), pk=finding_id)
    try:
        card = services.card_reply(finding=card, user=request.user, text=payload.reply)
    except ValidationError as exc:
        return Status(400, {"detail": _("答复未保存。"), "errors": exc.message_dict})
    return Finding.objects.select_related("case").get(pk=card.pk)


@_route("get", "/scores/", "supervision_score_list", response=list[ScoreOut])
@paginate(LimitOffsetPagination)
def supervision_score_list(request, month: date | None = None):
    require(request, VIEW)
    scores = scoped(DepartmentScore.objects.select_related("department"), request.user)
    if month is not None:
        scores = scores.filter(month=month.replace(day=1))
    return scores.order_by("-month", "total", "department_id")


@_route("get", "/scores/{score_id}", "supervision_score_get", response=ScoreOut)
def supervision_score_get(request, score_id: int):
    require(request, VIEW)
    scores = DepartmentScore.objects.select_related("department")
    return get_scoped_or_404(scores, request.user, pk=score_id)


@_route("get", "/grades/", "supervision_grade_list", response=list[GradeOut])
@paginate(LimitOffsetPagination)
def supervision_grade_list(request, year: int | None = None, quarter: int | None = None):
    require(request, VIEW)
    grades = scoped(QuarterGrade.objects.all(), request.user).select_related(
        "department", "recommendation"
    )
    if year is not None:
        grades = grades.filter(year=year)
    if quarter is not None:
        grades = grades.filter(quarter=quarter)
    return grades.order_by("-year", "-quarter", "average", "department_id")
