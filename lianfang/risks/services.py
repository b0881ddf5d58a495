"""Writes to the risk library. Each validates, saves, versions and leaves an audit entry."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core import audit
from lianfang.core import services as core
from lianfang.core.text import join_list

from . import grading, rules, selectors
from .models import (
    REGISTER_CATEGORIES,
    Grading,
    GradingMatrix,
    GradingMethod,
    Measure,
    Register,
    RiskPoint,
    Status,
    Step,
    WorkflowAction,
    WorkflowRecord,
)


def _place(risk: RiskPoint, m2m) -> None:
    """Derive the department and unit from the post (and the unit from the department), and
    refuse a category the register does not have."""
    errors = {}
    register = risk.register
    if register == Register.POST:
        if risk.post_id is None:
            errors["post"] = _("个人岗位登记表须填写岗位。")
        else:
            risk.department = risk.post.department
            risk.unit_id = risk.department.unit_id
        if risk.person_id is None:
            errors["person"] = _("个人岗位登记表须填写填报人。")
    elif register == Register.DEPARTMENT:
        risk.post = None
        if risk.department_id is None:
            errors["department"] = _("内设部门登记表须填写部门。")
        else:
            risk.unit_id = risk.department.unit_id
    elif register == Register.UNIT:
        risk.post, risk.department = None, None
    allowed = REGISTER_CATEGORIES.get(register, ())
    if risk.category and register in REGISTER_CATEGORIES and risk.category not in allowed:
        labels = join_list(c.label for c in allowed)
        errors["category"] = _("该登记表的风险类别只能是：%(c)s。") % {"c": labels}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def risk_create(*, actor, data: dict) -> RiskPoint:
    """File a risk; the filer must hold a person and the risk must fall inside their scope."""
    if actor is not None and not rules.can_create(actor):
        raise PermissionDenied
    risk = core.create(actor=actor, instance=RiskPoint(), data=data, check=_place)
    if actor is not None and not rules.in_scope(actor, risk):
        raise PermissionDenied  # rolls the row and its audit entry back
    return risk


def risk_update(*, actor, risk: RiskPoint, data: dict) -> RiskPoint:
    if actor is not None and not rules.can_edit(actor, risk):
        raise PermissionDenied
    # _place may re-derive the place from a new post or register: save all of it with the change.
    place = {"post": risk.post, "department": risk.department, "unit": risk.unit}
    return core.update(actor=actor, instance=risk, data={**place, **data}, check=_place)


def active_matrix() -> list[list[int]]:
    return selectors.active_matrix().cells


def grade(method: str, inputs: dict) -> grading.Result:
    """Run one grading method on its inputs; errors name the input at fault."""
    try:
        if method == GradingMethod.MATRIX:
            return grading.by_matrix(
                inputs.get("likelihood"), inputs.get("impact"), active_matrix()
            )
        if method == GradingMethod.CRITERIA:
            return grading.by_criteria(inputs.get("criteria", []))
        if method == GradingMethod.POWER_TYPE:
            base = grading.by_matrix(
                inputs.get("likelihood"), inputs.get("impact"), active_matrix()
            )
            return grading.by_power_type(inputs.get("power_type"), base)
    except grading.GradingError as exc:
        raise ValidationError({exc.field: exc.message}) from exc
    raise ValidationError({"method": _("未知的定级方法：%(m)s") % {"m": method}})


@transaction.atomic
def risk_grade(*, actor, risk: RiskPoint, method: str = "", inputs: dict) -> Grading:
    """Grade a risk: store the method, inputs, level and rationale; the risk takes the level."""
    if actor is not None and not rules.can_edit(actor, risk):
        raise PermissionDenied
    method = method or settings.RISK_GRADING_METHOD
    result = grade(method, inputs)
    record = Grading.objects.create(
        risk=risk,
        method=method,
        inputs=inputs,
        level=result.level,
        rationale=result.rationale,
        graded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor, action=audit.Action.CREATE, instance=record, after=audit.snapshot(record)
    )
    core.update(
        actor=actor,
        instance=risk,
        data={
            "level": result.level,
            "assessed_on": timezone.localdate(),
            "likelihood": inputs.get("likelihood") if method != GradingMethod.CRITERIA else None,
            "impact": inputs.get("impact") if method != GradingMethod.CRITERIA else None,
        },
    )
    return record


def _check_measure(measure: Measure, m2m) -> None:
    if measure.owner_id is None:
        raise ValidationError({"owner": _("防控措施须指定责任人。")})


def measure_create(*, actor, risk: RiskPoint, data: dict) -> Measure:
    if actor is not None and not rules.can_edit(actor, risk):
        raise PermissionDenied
    return core.create(actor=actor, instance=Measure(risk=risk), data=data, check=_check_measure)


def measure_update(*, actor, measure: Measure, data: dict) -> Measure:
    if actor is not None and not rules.can_edit(actor, measure.risk):
        raise PermissionDenied
    return core.update(actor=actor, instance=measure, data=data, check=_check_measure)


def measure_delete(*, actor, measure: Measure) -> None:
    if actor is not None and not rules.can_edit(actor, measure.risk):
        raise PermissionDenied
    if getattr(actor, "is_authenticated", False):
        measure._history_user = actor  # the deletion's history row names who deleted
    core.delete(actor=actor, instance=measure)


def _record(actor, risk, action, comment="", **extra) -> WorkflowRecord:
    return WorkflowRecord.objects.create(
        risk=risk, step=risk.step, action=action, actor=actor, comment=comment, **extra
    )


def _move(actor, risk: RiskPoint, **fields) -> RiskPoint:
    return core.update(actor=actor, instance=risk, data=fields)


@transaction.atomic
def workflow_submit(*, actor, risk: RiskPoint, comment: str = "") -> RiskPoint:
    """Pass the risk to the next step (自己找 → 大家提 → 组织点 → 群众议 → 集体定)."""
    if not rules.can_submit(actor, risk):
        raise PermissionDenied
    if risk.step == Step.SELF:
        _require_content(risk)
    _record(actor, risk, WorkflowAction.SUBMIT, comment)
    return _move(actor, risk, step=risk.step + 1, status=Status.IN_PROGRESS)


@transaction.atomic
def workflow_comment(*, actor, risk: RiskPoint, comment: str) -> WorkflowRecord:
    """Views and additions at the current step (大家提, 群众议 …), without moving on."""
    if not rules.can_comment(actor, risk):
        raise PermissionDenied
    if not comment.strip():
        raise ValidationError({"comment": _("请填写意见。")})
    record = _record(actor, risk, WorkflowAction.COMMENT, comment)
    audit.record(actor=actor, action=audit.Action.UPDATE, instance=risk, after={"comment": comment})
    return record


@transaction.atomic
def workflow_return(*, actor, risk: RiskPoint, reason: str) -> RiskPoint:
    """Send the risk back to 自己找 with a reason."""
    if not rules.can_return(actor, risk):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"comment": _("退回须说明理由。")})
    _record(actor, risk, WorkflowAction.RETURN, reason)
    return _move(actor, risk, step=Step.SELF, status=Status.RETURNED)


def _require_content(risk: RiskPoint) -> None:
    if not risk.title or not risk.manifestation:
        raise ValidationError({"manifestation": _("请先填写风险点及其表现形式。")})


def effectiveness_errors(risk: RiskPoint) -> dict:
    """What still stops the risk from becoming effective, by field."""
    errors = {}
    if risk.level is None:
        errors["level"] = _("尚未评定风险等级。")
    if not risk.measures.exclude(status="cancelled").exists():
        errors["measures"] = _("至少须有一项防控措施。")
    if risk.responsible_person_id is None:
        errors["responsible_person"] = _("尚未指定直接责任人。")
    if risk.level is not None and selectors.responsible_leader(risk) is None:
        errors["responsible_leader"] = _("按分级负责无法确定责任领导，请先完善领导分工。")
    return errors


@transaction.atomic
def workflow_decide(
    *, actor, risk: RiskPoint, meeting_date: date, meeting_ref: str, comment: str = ""
) -> RiskPoint:
    """集体定: the leadership's collective decision makes the risk effective."""
    if not rules.can_decide(actor, risk):
        raise PermissionDenied
    errors = effectiveness_errors(risk)
    if meeting_date is None:
        errors["meeting_date"] = _("请填写会议日期。")
    if not meeting_ref.strip():
        errors["meeting_ref"] = _("请填写会议纪要文号。")
    if errors:
        raise ValidationError(errors)
    _record(
        actor,
        risk,
        WorkflowAction.DECIDE,
        comment,
        meeting_date=meeting_date,
        meeting_ref=meeting_ref,
    )
    return _move(actor, risk, status=Status.EFFECTIVE, effective_on=meeting_date)


@transaction.atomic
def risk_retire(*, actor, risk: RiskPoint, reason: str) -> RiskPoint:
    if not (rules.is_steward(actor) and rules.in_scope(actor, risk)):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"comment": _("撤销须说明理由。")})
    _record(actor, risk, WorkflowAction.RETIRE, reason)
    return _move(actor, risk, status=Status.RETIRED)


@transaction.atomic
def library_copy_forward(*, actor, from_year: int, to_year: int, risks) -> int:
    """Copy effective risks (with their measures) into the next year's review, at 自己找.

    `risks` is the caller's scoped queryset; risks already copied into `to_year` are skipped,
    so running it twice copies nothing more.
    """
    if to_year <= from_year:
        raise ValidationError({"to_year": _("目标年度须晚于原年度。")})
    already = RiskPoint.objects.filter(year=to_year, copied_from__isnull=False).values(
        "copied_from"
    )
    sources = list(
        risks.filter(year=from_year, status=Status.EFFECTIVE)
        .exclude(pk__in=already)
        .prefetch_related("measures")
    )
    copies = []
    for source in sources:
        copy = RiskPoint(
            **{
                f.attname: getattr(source, f.attname)
                for f in RiskPoint._meta.concrete_fields
                if f.name
                not in (
                    "id",
                    "year",
                    "step",
                    "status",
                    "effective_on",
                    "copied_from",
                    "created_at",
                    "updated_at",
                )
            },
            year=to_year,
            copied_from=source,
        )
        copies.append(copy)
    RiskPoint.objects.bulk_create(copies)  # history rows below; audit as one entry
    RiskPoint.history.bulk_history_create(copies, default_user=actor if actor else None)
    measures = [
        Measure(
            risk=copy,
            type=m.type,
            content=m.content,
            owner_id=m.owner_id,
            status="planned",
        )
        for source, copy in zip(sources, copies, strict=True)
        for m in source.measures.all()
        if m.status != "cancelled"
    ]
    Measure.objects.bulk_create(measures)
    Measure.history.bulk_history_create(measures, default_user=actor if actor else None)
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        object_type="risks.riskpoint",
        object_repr=_("%(from)d 年度风险库复制到 %(to)d 年度") % {"from": from_year, "to": to_year},
        after={
            "from_year": from_year,
            "to_year": to_year,
            "risks": len(copies),
            "measures": len(measures),
        },
    )
    return len(copies)


@transaction.atomic
def matrix_update(*, actor, cells, likelihood_labels, impact_labels) -> GradingMatrix:
    """Replace the bureau's likelihood × impact matrix. Gradings already made keep their level;
    the new matrix applies from the next grading."""
    try:
        grading.check_matrix(cells)
    except grading.GradingError as exc:
        raise ValidationError({exc.field: exc.message}) from exc
    rows, cols = len(cells), len(cells[0])
    if len(likelihood_labels) != rows:
        raise ValidationError(
            {"likelihood_labels": _("可能性等级说明须有 %(n)d 项。") % {"n": rows}}
        )
    if len(impact_labels) != cols:
        raise ValidationError({"impact_labels": _("影响程度说明须有 %(n)d 项。") % {"n": cols}})
    matrix = GradingMatrix.objects.filter(is_active=True).first()
    data = {
        "cells": cells,
        "likelihood_labels": likelihood_labels,
        "impact_labels": impact_labels,
        "name": _("%(r)d×%(c)d 风险矩阵") % {"r": rows, "c": cols},
    }
    if matrix is None:
        return core.create(actor=actor, instance=GradingMatrix(is_active=True), data=data)
    return core.update(actor=actor, instance=matrix, data=data)
