"""Reads for the public portal (公开): only published items still in force, only risk points
published to society, and only the fields the public may see.

Every read returns plain dicts built from an explicit list of public fields, so the templates
and the JSON views cannot reach an internal field (清理理由, 法定程序文号, risk filers, measure
owners) by accident.
"""

from decimal import Decimal

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from lianfang.org.models import Unit
from lianfang.powers import selectors as powers
from lianfang.powers.models import PowerItem
from lianfang.risks.models import Level


def bureau() -> Unit | None:
    """The bureau the portal speaks for: the root of the unit tree."""
    return Unit.objects.filter(parent=None).order_by(Length("path"), "path").first()


def items(filters: dict | None = None):
    return powers.public_items(filters)


def item(code: str) -> PowerItem | None:
    """A published item in force by its code, or None (cancelled and unpublished alike)."""
    return powers.public_items().select_related("parent").filter(code=code).first()


def departments() -> list[dict]:
    """The departments that handle published items, with how many, in the order of the org
    tree (one aggregate query)."""
    rows = (
        powers.public_items()
        .order_by("department__unit__path", "department__sort", "department_id")
        .values(
            "department_id",
            "department__name",
            "department__unit_id",
            "department__unit__name",
            "department__unit__short_name",
        )
        .annotate(n=Count("pk"))
    )
    return [
        {
            "pk": row["department_id"],
            "name": row["department__name"],
            "unit_id": row["department__unit_id"],
            "unit": row["department__unit__short_name"] or row["department__unit__name"],
            "count": row["n"],
        }
        for row in rows
    ]


def category_tiles() -> list[dict]:
    """Every category with its label (as the bureau names it) and its number of public items."""
    counts = powers.public_category_counts()
    return [
        {"code": code, "label": label, "count": counts.get(code, 0)}
        for code, label in powers.category_labels().items()
    ]


def regulations():
    return powers.public_regulations().only("title", "number", "issuer", "issued_on", "summary")


def regulation_row(regulation) -> dict:
    return {
        "title": regulation.title,
        "number": regulation.number,
        "issuer": regulation.issuer,
        "issued_on": regulation.issued_on,
        "summary": regulation.summary,
    }


def item_row(item: PowerItem, labels: dict[str, str]) -> dict:
    """What a list shows of an item (its unit and department selected with it)."""
    return {
        "code": item.code,
        "name": item.name,
        "category": item.category,
        "category_label": labels.get(item.category, item.category),
        "unit": item.unit.name,
        "department": item.department.name,
        "legal_limit": item.legal_limit,
        "promised_limit": item.promised_limit,
    }


def _bases(bases: list[dict]) -> list[dict]:
    return [
        {key: str(basis.get(key) or "") for key in ("document", "article", "excerpt")}
        for basis in bases
        if isinstance(basis, dict)
    ]


def _responsibilities(entries: list[dict]) -> list[dict]:
    return [
        {key: str(entry.get(key) or "") for key in ("stage", "content")}
        for entry in entries
        if isinstance(entry, dict)
    ]


def yuan(amount: Decimal | None) -> str:
    """An amount as the public reads it: 5000, 2500.50."""
    if amount is None:
        return ""
    return str(int(amount)) if amount == amount.to_integral_value() else f"{amount:.2f}"


def _fee(item: PowerItem) -> dict:
    charged = bool(item.fee_basis.strip() or item.fee_standard.strip() or item.fee_amount)
    return {
        "charged": charged,
        "basis": item.fee_basis if charged else "",
        "standard": item.fee_standard if charged else "",
        "amount": yuan(item.fee_amount) if charged and item.fee_amount else "",
    }


def fine_range(minimum: Decimal | None, maximum: Decimal | None) -> str:
    low, high = yuan(minimum), yuan(maximum)
    if low and high:
        if low == high:
            return _("%(amount)s元") % {"amount": low}
        return _("%(low)s元至%(high)s元") % {"low": low, "high": high}
    if low:
        return _("%(low)s元以上") % {"low": low}
    if high:
        return _("%(high)s元以下") % {"high": high}
    return ""


def _discretion(item: PowerItem) -> list[dict]:
    return [
        {
            "circumstance": d.circumstance,
            "circumstance_label": d.get_circumstance_display(),
            "description": d.description,
            "penalty_types": d.penalty_types,
            "amount_min": yuan(d.amount_min) or None,
            "amount_max": yuan(d.amount_max) or None,
            "fine_range": fine_range(d.amount_min, d.amount_max),
        }
        for d in item.discretion.all()
    ]


def _risk(risk) -> dict:
    marks = settings.RISK_LEVEL_MARKS
    measures = risk.measures.all()
    return {
        "title": risk.title,
        "manifestation": risk.manifestation,
        "level": risk.level,
        "level_label": risk.get_level_display() if risk.level else "",
        "mark": marks[risk.level - 1] if risk.level else "",
        "measures": [m.content for m in measures],
    }


def level_legend() -> list[dict]:
    marks = settings.RISK_LEVEL_MARKS
    return [{"level": lv, "mark": marks[lv - 1], "label": label} for lv, label in Level.choices]


def _step(row: powers.FlowRow) -> dict:
    step = row.step
    level = row.level
    return {
        "key": step.key,
        "kind": step.kind,
        "kind_label": step.get_kind_display(),
        "name": step.name,
        "post": step.post.name if step.post_id else "",
        "limit_days": step.limit_days,
        "documents": step.documents,
        "supervision_point": step.supervision_point,
        "level": level,
        "mark": settings.RISK_LEVEL_MARKS[level - 1] if level else "",
        "risks": [_risk(r) for r in row.risks],
    }


def _unplaced_risks(item: PowerItem) -> list[dict]:
    """Public risk points of the item that sit on no particular step."""
    risks = (
        powers.public_risks()
        .filter(power_link__item=item, power_link__step__isnull=True)
        .prefetch_related(powers.shown_measures())
        .order_by("level", "pk")
    )
    return [_risk(r) for r in risks]


def _flow(item: PowerItem) -> dict:
    rows = powers.flow_rows(item, powers.public_risks())
    if not rows:
        return {"steps": [], "edges": [], "mermaid": ""}
    edges = powers.flow_edges(item)
    return {
        "steps": [_step(row) for row in rows],
        "edges": edges,
        "mermaid": powers.flow_mermaid(item, rows, edges),
    }


def item_detail(item: PowerItem, labels: dict[str, str]) -> dict:
    """Everything the public may read about one published item."""
    parent = item.parent
    if parent is not None and (not parent.published or parent.is_cancelled):
        parent = None
    sub_items = items().filter(parent=item).values_list("code", "name")
    return {
        **item_row(item, labels),
        "parent": {"code": parent.code, "name": parent.name} if parent else None,
        "sub_items": [{"code": code, "name": name} for code, name in sub_items],
        "basis_set": _bases(item.basis_set),
        "basis_implement": _bases(item.basis_implement),
        "posts": list(item.posts.order_by("sort", "pk").values_list("name", flat=True)),
        "responsibilities": _responsibilities(item.responsibilities),
        "accountability": item.accountability,
        "fee": _fee(item),
        "supervision_phone": powers.supervision_phone(item),
        "relief": item.relief,
        "discretion": _discretion(item),
        "regulations": [regulation_row(r) for r in regulations().filter(power_items=item)],
        "flow": _flow(item),
        "unplaced_risks": _unplaced_risks(item),
        "updated_at": item.updated_at,
    }
