"""Writes to the organisation. Each one validates, saves and leaves an audit entry."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core import services as core

from .models import Assignment, Department, Leadership, LeadershipRole, Person, Post, Unit


def _set_unit_path(unit: Unit, m2m) -> None:
    unit.path = f"{unit.parent.path if unit.parent_id else '/'}{unit.code}/"


def unit_create(*, actor, data: dict) -> Unit:
    return core.create(actor=actor, instance=Unit(), data=data, check=_set_unit_path)


@transaction.atomic
def unit_update(*, actor, unit: Unit, data: dict) -> Unit:
    old_path = unit.path
    parent = data.get("parent", unit.parent)
    if parent is not None and parent.path.startswith(old_path):
        raise ValidationError({"parent": _("上级单位不能是本单位或其下级单位。")})
    # "path" is listed so that it is saved; _set_unit_path recomputes it from parent and code.
    core.update(actor=actor, instance=unit, data={**data, "path": old_path}, check=_set_unit_path)
    if unit.path != old_path:
        # Re-root the whole subtree in one statement.
        Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
            path=Concat(Value(unit.path), Substr("path", len(old_path) + 1, Length("path")))
        )
    return unit


def unit_delete(*, actor, unit: Unit) -> None:
    core.delete(actor=actor, instance=unit)


def department_create(*, actor, data: dict) -> Department:
    return core.create(actor=actor, instance=Department(), data=data)


def department_update(*, actor, department: Department, data: dict) -> Department:
    return core.update(actor=actor, instance=department, data=data)


def department_delete(*, actor, department: Department) -> None:
    core.delete(actor=actor, instance=department)


def post_create(*, actor, data: dict) -> Post:
    return core.create(actor=actor, instance=Post(), data=data)


def post_update(*, actor, post: Post, data: dict) -> Post:
    if "duties" in data and data["duties"] != post.duties:
        # Risks of the post assessed before this date are due for re-assessment.
        data = {**data, "duties_changed_on": timezone.localdate()}
    return core.update(actor=actor, instance=post, data=data)


def post_delete(*, actor, post: Post) -> None:
    core.delete(actor=actor, instance=post)


def _check_person(person: Person, m2m) -> None:
    if person.department_id and person.department.unit_id != person.unit_id:
        raise ValidationError({"department": _("所在部门不属于所选单位。")})


def person_create(*, actor, data: dict) -> Person:
    return core.create(actor=actor, instance=Person(), data=data, check=_check_person)


def person_update(*, actor, person: Person, data: dict) -> Person:
    return core.update(actor=actor, instance=person, data=data, check=_check_person)


def person_delete(*, actor, person: Person) -> None:
    core.delete(actor=actor, instance=person)


def _overlapping(start, end) -> Q:
    """Periods that meet [start, end]; an open end runs forever."""
    q = Q(end_date__isnull=True) | Q(end_date__gte=start)
    return q & Q(start_date__lte=end) if end else q


def _check_assignment(a: Assignment, m2m) -> None:
    if a.start_date is None or a.person_id is None or a.post_id is None:
        return  # full_clean names the missing field
    if a.end_date and a.end_date < a.start_date:
        raise ValidationError({"end_date": _("离任日期不能早于任职日期。")})
    others = Assignment.objects.filter(person_id=a.person_id).exclude(pk=a.pk)
    others = others.filter(_overlapping(a.start_date, a.end_date)).select_related("post")
    clash = others.filter(post_id=a.post_id).first()
    if clash is None and not a.concurrent:
        clash = others.filter(concurrent=False).first()
    if clash is not None:
        raise ValidationError(
            {
                "start_date": _("与该人员在“%(post)s”的任职（%(start)s 起）时间重叠。")
                % {"post": clash.post, "start": clash.start_date}
            }
        )
    _check_headcount(a)


def _holders_at(others, moment) -> int:
    return sum(
        1 for o in others if o.start_date <= moment and (o.end_date is None or o.end_date >= moment)
    )


def _check_headcount(a: Assignment) -> None:
    """At no moment of the new period may the post have more holders than its headcount."""
    others = list(
        Assignment.objects.filter(post_id=a.post_id)
        .exclude(pk=a.pk)
        .exclude(person_id=a.person_id)
        .filter(_overlapping(a.start_date, a.end_date))
    )
    # The number of holders only rises where a period starts, so checking there suffices.
    moments = {a.start_date} | {o.start_date for o in others if o.start_date > a.start_date}
    full = next((m for m in sorted(moments) if _holders_at(others, m) >= a.post.headcount), None)
    if full is not None:
        raise ValidationError(
            {
                "post": _("“%(post)s”编制 %(n)d 人，%(day)s 起已满员。")
                % {"post": a.post, "n": a.post.headcount, "day": full}
            }
        )


def assignment_create(*, actor, data: dict) -> Assignment:
    return core.create(actor=actor, instance=Assignment(), data=data, check=_check_assignment)


def assignment_update(*, actor, assignment: Assignment, data: dict) -> Assignment:
    return core.update(actor=actor, instance=assignment, data=data, check=_check_assignment)


def assignment_delete(*, actor, assignment: Assignment) -> None:
    core.delete(actor=actor, instance=assignment)


def _check_leadership(item: Leadership, m2m: dict) -> None:
    errors = {}
    if item.person_id and item.unit_id and item.person.unit_id != item.unit_id:
        errors["person"] = _("该人员不属于所选单位。")
    if item.role == LeadershipRole.DEPT_HEAD:
        if item.department_id is None:
            errors["department"] = _("部门负责人须指定负责部门。")
        elif item.department.unit_id != item.unit_id:
            errors["department"] = _("负责部门不属于所选单位。")
    elif item.department_id is not None:
        errors["department"] = _("只有部门负责人填写负责部门。")
    departments = m2m.get("departments_in_charge")
    if departments is None and item.pk:
        departments = item.departments_in_charge.all()
    if any(d.unit_id != item.unit_id for d in departments or ()):
        errors["departments_in_charge"] = _("分管部门须属于所选单位。")
    # One principal per unit and one head per department at any moment.
    same_time = Leadership.objects.filter(role=item.role).exclude(pk=item.pk)
    if item.start_date:
        same_time = same_time.filter(_overlapping(item.start_date, item.end_date))
    if item.role == LeadershipRole.PRINCIPAL and same_time.filter(unit_id=item.unit_id).exists():
        errors["unit"] = _("该单位在此期间已有主要领导，请先为其填写结束日期。")
    if (
        item.role == LeadershipRole.DEPT_HEAD
        and item.department_id
        and same_time.filter(department_id=item.department_id).exists()
    ):
        errors["department"] = _("该部门在此期间已有负责人，请先为其填写结束日期。")
    if errors:
        raise ValidationError(errors)


def leadership_create(*, actor, data: dict) -> Leadership:
    return core.create(actor=actor, instance=Leadership(), data=data, check=_check_leadership)


def leadership_update(*, actor, leadership: Leadership, data: dict) -> Leadership:
    return core.update(actor=actor, instance=leadership, data=data, check=_check_leadership)


def leadership_delete(*, actor, leadership: Leadership) -> None:
    core.delete(actor=actor, instance=leadership)
