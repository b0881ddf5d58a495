"""Writes to the power list. Each validates, saves and leaves an audit entry."""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianfang.core import audit
from lianfang.core import services as core
from lianfang.core.scopes import scoped
from lianfang.risks import rules as risk_rules
from lianfang.risks.models import RiskPoint

from . import flows, selectors, texts
from .models import (
    Category,
    Circumstance,
    Decision,
    DiscretionStandard,
    FlowStep,
    FlowTransition,
    PowerItem,
    Process,
    Regulation,
    RiskLink,
)


def _require_manage(actor, instance) -> None:
    """Writers hold the power-list permission and the object lies in their unit."""
    if actor is None:
        return
    if not actor.has_permission("powers.manage"):
        raise PermissionDenied
    if instance.pk and not scoped(type(instance).objects.filter(pk=instance.pk), actor).exists():
        raise PermissionDenied


def _check_place(item: PowerItem, m2m: dict) -> None:
    errors = {}
    if item.department_id and item.unit_id and item.department.unit_id != item.unit_id:
        errors["department"] = _("承办机构须是实施主体的内设部门。")
    posts = m2m.get("posts") or ()
    if any(post.department_id != item.department_id for post in posts):
        errors["posts"] = _("承办岗位须属于承办机构。")
    if item.parent_id:
        if item.parent_id == item.pk or item.parent.parent_id:
            errors["parent"] = _("子项只能挂在一个主项下，不能再分子项。")
        elif item.parent.unit_id != item.unit_id:
            errors["parent"] = _("子项须与主项属于同一实施主体。")
    if errors:
        raise ValidationError(errors)


def code_help() -> str:
    return settings.POWER_CODE_HELP or _("16位数字：区划6位、主体3位、类型2位、事项3位、子项2位")


def _check_terms(item: PowerItem) -> None:
    errors = {}
    if not re.fullmatch(settings.POWER_CODE_PATTERN, item.code or ""):
        errors["code"] = _("事项编码格式不符合要求（%(help)s）。") % {"help": code_help()}
    if item.fee_amount is not None and not (item.fee_basis or "").strip():
        errors["fee_basis"] = _("收费的事项须写明收费依据。")
    if errors:
        raise ValidationError(errors)


def _rebound_match(item: PowerItem):
    """A cancelled item this one would bring back: same name or a same legal provision."""
    cancelled = PowerItem.objects.filter(decision=Decision.CANCEL).exclude(pk=item.pk)
    by_name = cancelled.filter(name=(item.name or "").strip()).first()
    if by_name:
        return by_name
    keys = texts.basis_keys(item.bases)
    for other in cancelled.filter(unit=item.unit_id).only("name", "basis_set", "basis_implement"):
        if keys & texts.basis_keys(other.bases):
            return other
    return None


def _check_cleanup(item: PowerItem, was_cancelled: bool) -> None:
    """权力清理: no basis, no power; cancelled powers come back only by legal procedure."""
    if item.is_cancelled:
        if not (item.decision_reason or "").strip():
            raise ValidationError({"decision_reason": _("取消事项须写明取消理由。")})
        return
    if not item.bases:
        raise ValidationError({"basis_set": _("没有法律法规依据的事项不能保留，应予取消。")})
    if (item.procedure_ref or "").strip():
        return
    if item.decision == Decision.NEW:
        raise ValidationError({"procedure_ref": _("新设事项须经法定程序，请填写批准文件文号。")})
    if was_cancelled:
        message = _("已取消的事项须经法定程序才能恢复，请填写批准文件文号。")
        raise ValidationError({"procedure_ref": message})
    match = _rebound_match(item) if item.pk is None else None
    if match is not None:
        message = _(
            "与已取消事项“%(name)s”（%(code)s）相同，须经法定程序才能设立，请填写批准文件文号。"
        )
        raise ValidationError({"procedure_ref": message % {"name": match.name, "code": match.code}})


def _check_flow_fits(item: PowerItem) -> None:
    """Shortening a limit must not leave the saved flowchart over it."""
    total = sum(item.steps.values_list("limit_days", flat=True))
    message = flows.over_limit(total, item.promised_limit, item.legal_limit)
    if message:
        field = "promised_limit" if item.promised_limit is not None else "legal_limit"
        raise ValidationError({field: message})


def _check_publishable(item: PowerItem) -> None:
    """Every risky step shows at least one measure on the public flowchart."""
    bare = RiskLink.objects.filter(item=item, step__isnull=False, risk__measures__isnull=True)
    link = bare.select_related("risk").first()
    if link is not None:
        message = _("风险点“%(title)s”还没有防控措施，补充后才能公开。")
        raise ValidationError({"published": message % {"title": link.risk.title}})


def _item_check(was_cancelled: bool):
    def check(item: PowerItem, m2m: dict) -> None:
        _check_place(item, m2m)
        _check_terms(item)
        _check_cleanup(item, was_cancelled)
        if item.pk:
            _check_flow_fits(item)
            if item.published:
                _check_publishable(item)

    return check


def _create(actor, instance, data: dict, check):
    """Create through the audited path; a writer may only create inside their own unit."""
    _require_manage(actor, instance)
    instance = core.create(actor=actor, instance=instance, data=data, check=check)
    model = type(instance)
    if actor is not None and not scoped(model.objects.filter(pk=instance.pk), actor).exists():
        raise PermissionDenied  # rolls the row and its audit entry back
    return instance


@transaction.atomic
def power_item_create(*, actor, data: dict) -> PowerItem:
    return _create(actor, PowerItem(), data, _item_check(False))


@transaction.atomic
def power_item_update(*, actor, item: PowerItem, data: dict) -> PowerItem:
    _require_manage(actor, item)
    was_cancelled = item.is_cancelled
    if data.get("decision") == Decision.CANCEL:
        data = {**data, "published": False}
    return core.update(actor=actor, instance=item, data=data, check=_item_check(was_cancelled))


def power_item_delete(*, actor, item: PowerItem) -> None:
    _require_manage(actor, item)
    if item.is_cancelled:
        # Kept on record so that the same power cannot quietly come back (防止反弹).
        raise ValidationError(_("已取消的事项须保留备查，不能删除。"))
    core.delete(actor=actor, instance=item)


# --- Flowcharts -------------------------------------------------------------------------


def flow_snapshot(item: PowerItem) -> dict:
    steps = list(
        item.steps.values("key", "kind", "name", "post", "limit_days", "documents").order_by(
            "order", "pk"
        )
    )
    return {"steps": steps, "edges": selectors.flow_edges(item)}


STEP_FIELDS = ("key", "kind", "name", "limit_days", "documents", "case_step")
CONDITION_LENGTH = FlowTransition._meta.get_field("condition").max_length


def _check_step_fields(item: PowerItem, steps: list[dict], edges: list[dict]) -> None:
    """Each step and connection holds to its model's fields (lengths, slug keys, kinds)."""
    for number, data in enumerate(steps, start=1):
        step = FlowStep(item=item, **{k: data.get(k) or "" for k in STEP_FIELDS})
        step.limit_days = data.get("limit_days") or 0
        try:
            step.full_clean(exclude=["item", "post"], validate_unique=False)
        except ValidationError as exc:
            message = _("第%(n)d个环节：%(e)s") % {"n": number, "e": " ".join(exc.messages)}
            raise ValidationError({"steps": message}) from exc
    for number, edge in enumerate(edges, start=1):
        if len((edge.get("condition") or "").strip()) > CONDITION_LENGTH:
            message = _("第%(n)d条连线：条件不能超过%(max)d个字。")
            raise ValidationError({"edges": message % {"n": number, "max": CONDITION_LENGTH}})


def _check_step_posts(item: PowerItem, steps: list[dict]) -> None:
    """A step may be handled by any post of the implementing unit (a penalty's legal review
    sits in another department than its investigation)."""
    for number, step in enumerate(steps, start=1):
        post = step.get("post")
        if post is not None and post.department.unit_id != item.unit_id:
            message = _("第%(n)d个环节的承办岗位须属于本事项的实施主体。") % {"n": number}
            raise ValidationError({"steps": message})


@transaction.atomic
def flow_save(*, actor, item: PowerItem, steps: list[dict], edges: list[dict]) -> None:
    """Replace the item's flowchart with `steps` and `edges` after checking it as a whole.

    Steps are matched by key, so a step that stays keeps its risk points; a step with risk
    points cannot be dropped until they are moved.
    """
    _require_manage(actor, item)
    _check_step_fields(item, steps, edges)
    errors = flows.flow_errors(steps, edges, item.promised_limit, item.legal_limit)
    if errors:
        raise ValidationError({e.field: e.message for e in reversed(errors)})
    _check_step_posts(item, steps)
    before = flow_snapshot(item)
    keys = {s["key"] for s in steps}
    dropped = item.steps.exclude(key__in=keys)
    linked = dropped.filter(risk_links__isnull=False).first()
    if linked is not None:
        message = _("环节“%(name)s”已关联廉政风险点，请先将风险点改挂到其他环节。")
        raise ValidationError({"steps": message % {"name": linked.name}})
    item.transitions.all().delete()
    dropped.delete()
    saved = {}
    for order, data in enumerate(steps, start=1):
        fields = {k: data.get(k) for k in ("kind", "name", "post", "documents")}
        fields["documents"] = fields["documents"] or ""
        fields["limit_days"] = data.get("limit_days") or 0
        fields["supervision_point"] = bool(data.get("supervision_point"))
        fields["case_step"] = data.get("case_step") or ""
        saved[data["key"]], _created = FlowStep.objects.update_or_create(
            item=item, key=data["key"], defaults={**fields, "order": order}
        )
    FlowTransition.objects.bulk_create(
        FlowTransition(
            item=item,
            source=saved[e["source"]],
            target=saved[e["target"]],
            condition=e["condition"].strip(),
        )
        for e in edges
    )
    after = flow_snapshot(item)
    if before != after:
        audit.record(
            actor=actor, action=audit.Action.UPDATE, instance=item, before=before, after=after
        )


# --- Risk points on powers and steps ---------------------------------------------------------


def _may_link(actor, risk: RiskPoint) -> bool:
    """The legal office ties risks of its scope; a risk's own editors may tie it too."""
    if actor.has_permission("powers.manage") and risk_rules.in_scope(actor, risk):
        return True
    return risk_rules.can_edit(actor, risk)


def _check_link(link: RiskLink, m2m) -> None:
    if link.step_id and link.step.item_id != link.item_id:
        raise ValidationError({"step": _("所选环节不属于该权力事项。")})
    if not link.risk.unit.path.startswith(link.item.unit.path):
        raise ValidationError({"risk": _("风险点须属于该事项的实施主体。")})
    if link.step_id and not link.risk.measures.exists():
        message = _("风险点“%(title)s”还没有防控措施，不能标在流程环节上。")
        raise ValidationError({"risk": message % {"title": link.risk.title}})


@transaction.atomic
def risk_link_set(*, actor, risk: RiskPoint, item: PowerItem, step: FlowStep | None) -> RiskLink:
    """Tie a risk point to the power item (and step) it arises from; one link per risk."""
    if actor is not None and not _may_link(actor, risk):
        raise PermissionDenied
    data = {"item": item, "step": step}
    link = RiskLink.objects.filter(risk=risk).first()
    if link is None:
        return core.create(actor=actor, instance=RiskLink(risk=risk), data=data, check=_check_link)
    return core.update(actor=actor, instance=link, data=data, check=_check_link)


def risk_link_remove(*, actor, link: RiskLink) -> None:
    if actor is not None and not _may_link(actor, link.risk):
        raise PermissionDenied
    core.delete(actor=actor, instance=link)


# --- Discretion standards --------------------------------------------------------------------

CIRCUMSTANCE_ORDER = [Circumstance.MINOR, Circumstance.ORDINARY, Circumstance.SERIOUS]


def _cleaned_standards(item: PowerItem, rows: list[dict]) -> list[DiscretionStandard]:
    """The rows as standards with their values converted (amounts as Decimal), each row's
    own error named with its number."""
    standards = []
    for number, row in enumerate(rows, start=1):
        standard = DiscretionStandard(item=item, order=number, **row)
        try:
            standard.full_clean(exclude=["item"], validate_constraints=False)
        except ValidationError as exc:
            raise ValidationError(
                {
                    field: [_("第%(n)d条：%(e)s") % {"n": number, "e": e} for e in errors]
                    for field, errors in exc.message_dict.items()
                }
            ) from exc
        standards.append(standard)
    return standards


def _check_discretion(item: PowerItem, standards: list[DiscretionStandard]) -> None:
    if standards and item.category != Category.PENALTY:
        raise ValidationError({"category": _("只有行政处罚事项才有自由裁量基准。")})
    ranks = [
        CIRCUMSTANCE_ORDER.index(s.circumstance)
        for s in standards
        if s.circumstance in CIRCUMSTANCE_ORDER
    ]
    if ranks != sorted(ranks):
        raise ValidationError({"circumstance": _("违法情节应按轻微、一般、严重的顺序排列。")})


def _discretion_snapshot(item: PowerItem) -> list[dict]:
    fields = ("circumstance", "description", "penalty_types", "amount_min", "amount_max")
    return audit.jsonable(list(item.discretion.values(*fields)))


@transaction.atomic
def discretion_save(*, actor, item: PowerItem, rows: list[dict]) -> None:
    """Replace the item's discretion standards (自由裁量基准) with `rows`, checked as a whole."""
    _require_manage(actor, item)
    standards = _cleaned_standards(item, rows)
    _check_discretion(item, standards)
    before = _discretion_snapshot(item)
    item.discretion.all().delete()
    DiscretionStandard.objects.bulk_create(standards)
    after = _discretion_snapshot(item)
    if before != after:
        audit.record(
            actor=actor,
            action=audit.Action.UPDATE,
            instance=item,
            before={"discretion": before},
            after={"discretion": after},
        )


# --- Catalogues --------------------------------------------------------------------------------


def _related_units(a, b) -> bool:
    """One unit is the other or above it: a bureau's rule may govern its units' powers, and a
    unit works under the bureau's."""
    return a.path.startswith(b.path) or b.path.startswith(a.path)


def _check_catalogue_entry(entry, m2m: dict) -> None:
    department = getattr(entry, "department", None)
    if department is not None and department.unit_id != entry.unit_id:
        raise ValidationError({"department": _("部门须属于所选单位。")})
    items = m2m.get("power_items") or ()
    if any(not _related_units(entry.unit, item.unit) for item in items):
        message = _("权力事项须属于本单位、其上级单位或所属单位。")
        raise ValidationError({"power_items": message})


@transaction.atomic
def regulation_create(*, actor, data: dict) -> Regulation:
    return _create(actor, Regulation(), data, _check_catalogue_entry)


def regulation_update(*, actor, regulation: Regulation, data: dict) -> Regulation:
    _require_manage(actor, regulation)
    return core.update(actor=actor, instance=regulation, data=data, check=_check_catalogue_entry)


def regulation_delete(*, actor, regulation: Regulation) -> None:
    _require_manage(actor, regulation)
    core.delete(actor=actor, instance=regulation)


@transaction.atomic
def process_create(*, actor, data: dict) -> Process:
    return _create(actor, Process(), data, _check_catalogue_entry)


def process_update(*, actor, process: Process, data: dict) -> Process:
    _require_manage(actor, process)
    return core.update(actor=actor, instance=process, data=data, check=_check_catalogue_entry)


def process_delete(*, actor, process: Process) -> None:
    _require_manage(actor, process)
    core.delete(actor=actor, instance=process)
