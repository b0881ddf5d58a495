"""The risk library API (/api/v1/risks): risks, gradings, measures, workflow, history, counts.

Every read goes through the data scope (an object outside it is a 404), every write through
`lianfang.risks.services`, whose PermissionDenied answers 403 and ValidationError 400.
"""

from datetime import date
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import PatchDict, Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from lianfang.core.api import require, resolve_refs
from lianfang.core.scopes import get_scoped_or_404, scoped

from . import rules, selectors, services
from .api_schemas import (
    CommentIn,
    CopyForwardIn,
    CopyForwardOut,
    DecideIn,
    GradingIn,
    GradingOut,
    MeasureIn,
    MeasureOut,
    ProgressRow,
    RetireIn,
    RiskFilters,
    RiskIn,
    RiskOut,
    RiskPatch,
    SummaryOut,
    VersionOut,
    WorkflowRecordOut,
)
from .models import Category, Level, Measure, RiskPoint

router = Router(tags=["risks"])
VIEW = "risks.view"


def _route(method: str, path: str, name: str, **kwargs):
    """One operation, with the same unique name as operation id and URL name."""
    return getattr(router, method)(path, url_name=name, operation_id=name, **kwargs)


def _label(choices, value) -> str | None:
    return None if value is None else str(choices(value).label)


def _risks(request):
    return scoped(RiskPoint.objects.all(), request.user)


def _risk(request, risk_id: int) -> RiskPoint:
    return get_scoped_or_404(RiskPoint.objects.all(), request.user, pk=risk_id)


def _shown(request, risk_id: int) -> RiskPoint:
    """The risk as the library shows it: annotated with its leader and re-assessment flag."""
    return get_scoped_or_404(selectors.risk_list(request.user), request.user, pk=risk_id)


def _measure(request, measure_id: int) -> Measure:
    measures = Measure.objects.select_related("risk", "owner")
    return get_scoped_or_404(measures, request.user, pk=measure_id)


def _renamed(exc: ValidationError, names: dict) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


# Risks


@_route("get", "/", "risk_list", response=list[RiskOut])
@paginate(LimitOffsetPagination)
def risk_list(request, filters: Query[RiskFilters]):
    require(request, VIEW)
    return selectors.risk_list(request.user, filters.dict())


@_route("get", "/{int:risk_id}", "risk_detail", response=RiskOut)
def risk_detail(request, risk_id: int):
    require(request, VIEW)
    return _shown(request, risk_id)


@_route("post", "/", "risk_create", response={201: RiskOut})
def risk_create(request, payload: RiskIn):
    require(request, VIEW)
    data = resolve_refs(RiskPoint, payload.dict(exclude_unset=True), request.user)
    risk = services.risk_create(actor=request.user, data=data)
    return Status(201, _shown(request, risk.pk))


@_route("patch", "/{int:risk_id}", "risk_update", response=RiskOut)
def risk_update(request, risk_id: int, payload: RiskPatch):
    require(request, VIEW)
    risk = _risk(request, risk_id)
    data = resolve_refs(RiskPoint, payload.dict(exclude_unset=True), request.user)
    services.risk_update(actor=request.user, risk=risk, data=data)
    return _shown(request, risk_id)


@_route("post", "/{int:risk_id}/retire", "risk_retire", response=RiskOut)
def risk_retire(request, risk_id: int, payload: RetireIn):
    require(request, VIEW)
    risk = _risk(request, risk_id)
    try:
        services.risk_retire(actor=request.user, risk=risk, reason=payload.reason)
    except ValidationError as exc:
        raise _renamed(exc, {"comment": "reason"}) from exc
    return _shown(request, risk_id)


# Gradings


@_route("get", "/{int:risk_id}/gradings", "risk_grading_list", response=list[GradingOut])
def risk_grading_list(request, risk_id: int):
    require(request, VIEW)
    return selectors.gradings_of(_risk(request, risk_id))


@_route("post", "/{int:risk_id}/gradings", "risk_grading_create", response={201: GradingOut})
def risk_grading_create(request, risk_id: int, payload: GradingIn):
    require(request, VIEW)
    risk = _risk(request, risk_id)
    inputs = payload.dict(exclude={"method"}, exclude_none=True)
    record = services.risk_grade(
        actor=request.user, risk=risk, method=payload.method or "", inputs=inputs
    )
    return Status(201, record)


# Measures


@_route("get", "/{int:risk_id}/measures", "risk_measure_list", response=list[MeasureOut])
def risk_measure_list(request, risk_id: int):
    require(request, VIEW)
    return selectors.measures_of(_risk(request, risk_id))


@_route("post", "/{int:risk_id}/measures", "risk_measure_create", response={201: MeasureOut})
def risk_measure_create(request, risk_id: int, payload: MeasureIn):
    require(request, VIEW)
    risk = _risk(request, risk_id)
    data = resolve_refs(Measure, payload.dict(exclude_unset=True), request.user)
    return Status(201, services.measure_create(actor=request.user, risk=risk, data=data))


@_route("get", "/measures/overdue", "risk_measure_overdue", response=list[MeasureOut])
@paginate(LimitOffsetPagination)
def risk_measure_overdue(request, on: date | None = None):
    require(request, VIEW)
    return selectors.overdue_measures(request.user, on)


@_route("patch", "/measures/{int:measure_id}", "risk_measure_update", response=MeasureOut)
def risk_measure_update(request, measure_id: int, payload: PatchDict[MeasureIn]):
    require(request, VIEW)
    measure = _measure(request, measure_id)
    data = resolve_refs(Measure, payload, request.user)
    return services.measure_update(actor=request.user, measure=measure, data=data)


@_route("delete", "/measures/{int:measure_id}", "risk_measure_delete", response={204: None})
def risk_measure_delete(request, measure_id: int):
    require(request, VIEW)
    services.measure_delete(actor=request.user, measure=_measure(request, measure_id))
    return Status(204, None)


# The five-step workflow


@_route("get", "/{int:risk_id}/workflow", "risk_workflow", response=list[WorkflowRecordOut])
def risk_workflow(request, risk_id: int):
    require(request, VIEW)
    return selectors.workflow_of(_risk(request, risk_id))


@_route("post", "/{int:risk_id}/workflow/submit", "risk_workflow_submit", response=RiskOut)
def risk_workflow_submit(request, risk_id: int, payload: CommentIn):
    require(request, VIEW)
    services.workflow_submit(
        actor=request.user, risk=_risk(request, risk_id), comment=payload.comment
    )
    return _shown(request, risk_id)


@_route(
    "post",
    "/{int:risk_id}/workflow/comment",
    "risk_workflow_comment",
    response={201: WorkflowRecordOut},
)
def risk_workflow_comment(request, risk_id: int, payload: CommentIn):
    require(request, VIEW)
    record = services.workflow_comment(
        actor=request.user, risk=_risk(request, risk_id), comment=payload.comment
    )
    return Status(201, record)


@_route("post", "/{int:risk_id}/workflow/return", "risk_workflow_return", response=RiskOut)
def risk_workflow_return(request, risk_id: int, payload: CommentIn):
    require(request, VIEW)
    services.workflow_return(
        actor=request.user, risk=_risk(request, risk_id), reason=payload.comment
    )
    return _shown(request, risk_id)


@_route("post", "/{int:risk_id}/workflow/decide", "risk_workflow_decide", response=RiskOut)
def risk_workflow_decide(request, risk_id: int, payload: DecideIn):
    require(request, VIEW)
    services.workflow_decide(
        actor=request.user,
        risk=_risk(request, risk_id),
        meeting_date=payload.meeting_date,
        meeting_ref=payload.meeting_ref,
        comment=payload.comment,
    )
    return _shown(request, risk_id)


@_route("get", "/{int:risk_id}/history", "risk_history", response=list[VersionOut])
def risk_history(request, risk_id: int):
    require(request, VIEW)
    return selectors.history_of(_risk(request, risk_id))


# The library as a whole


ROLLUP_NAMES = {
    "unit": ("unit__name", None),
    "department": ("department__name", "unit__name"),
    "post": ("post__name", "department__name"),
}


def _rollup(risks, by: str) -> list[dict]:
    name, parent = ROLLUP_NAMES[by]
    return [
        {
            "id": row[f"{by}_id"],
            "name": row[name],
            "parent_name": row[parent] if parent else None,
            **{k: row[k] for k in ("total", "l1", "l2", "l3")},
        }
        for row in selectors.rollup(risks, by)
    ]


def _heat_map(risks, matrix) -> list[dict]:
    """Counts per (likelihood, impact) cell, each with the level the matrix gives it now."""
    rows, cols = len(matrix), len(matrix[0])
    return [
        {
            "likelihood": cell["likelihood"],
            "impact": cell["impact"],
            "level": (
                matrix[cell["likelihood"] - 1][cell["impact"] - 1]
                if cell["likelihood"] <= rows and cell["impact"] <= cols
                else None
            ),
            "count": cell["total"],
        }
        for cell in selectors.heat_map(risks)
    ]


@_route("get", "/summary", "risk_summary", response=SummaryOut)
def risk_summary(
    request,
    filters: Query[RiskFilters],
    by: Literal["unit", "department", "post"] = "department",
):
    require(request, VIEW)
    risks = selectors.apply_filters(_risks(request), filters.dict())
    levels = selectors.level_counts(risks)
    category_labels = dict(Category.choices)
    matrix = services.active_matrix()
    return {
        "total": sum(levels.values()),
        "levels": [
            {"level": n, "label": _label(Level, n) or _("未定级"), "count": levels[n]}
            for n in (1, 2, 3, None)
        ],
        "categories": [
            {
                "category": c["category"],
                "label": str(category_labels[c["category"]]),
                "count": c["total"],
            }
            for c in selectors.category_counts(risks)
        ],
        "by": by,
        "rollup": _rollup(risks, by),
        "matrix": matrix,
        "heat_map": _heat_map(risks, matrix),
    }


@_route("get", "/progress", "risk_progress", response=list[ProgressRow])
def risk_progress(request, year: int | None = None):
    require(request, VIEW)
    year = year or timezone.localdate().year
    return [
        {
            "department": row["department_id"],
            "department_name": row["department__name"],
            "unit_name": row["department__unit__name"],
            "posts": row["posts"],
            "filed": row["filed"],
            "effective": row["effective"],
            "share": round(row["effective"] / row["posts"], 4) if row["posts"] else 0.0,
        }
        for row in selectors.identification_progress(request.user, year)
    ]


@_route("post", "/copy-forward", "risk_copy_forward", response=CopyForwardOut)
def risk_copy_forward(request, payload: CopyForwardIn):
    require(request, VIEW)
    if not rules.is_steward(request.user):
        raise PermissionDenied
    copied = services.library_copy_forward(
        actor=request.user,
        from_year=payload.from_year,
        to_year=payload.to_year,
        risks=_risks(request),
    )
    return {"copied": copied}
