"""A risk's versions (动态管理): what changed, who changed it and when."""

from datetime import date

from django.db.models import ForeignKey
from django.shortcuts import get_object_or_404, render

from lianfang.core.permissions import permission_required

from .. import selectors
from ..models import (
    RiskPoint,
)
from .risk import scoped_risk


def _changes_in_words(records) -> None:
    """Give each version's changes field labels and readable values (names, not ids)."""
    opts = RiskPoint._meta
    wanted = {}
    for record in records:
        for change in record.changes:
            field = opts.get_field(change.field)
            if isinstance(field, ForeignKey):
                wanted.setdefault(field.related_model, set()).update({change.old, change.new})
    names = {
        model: {obj.pk: str(obj) for obj in model._base_manager.filter(pk__in=ids - {None})}
        for model, ids in wanted.items()
    }

    def show(field, value):
        if value in (None, ""):
            return "—"
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(field, ForeignKey):
            return names[field.related_model].get(value, f"#{value}")
        return dict(field.flatchoices).get(value, value) if field.choices else value

    for record in records:
        record.rows = [
            {
                "label": opts.get_field(c.field).verbose_name,
                "old": None if c.old in (None, "") else show(opts.get_field(c.field), c.old),
                "new": show(opts.get_field(c.field), c.new),
            }
            for c in record.changes
        ]


@permission_required("risks.view")
def history(request, pk):
    risk = scoped_risk(request, pk)
    records = selectors.history_of(risk)
    _changes_in_words(records)
    context = {"risk": risk, "records": records, "tab": "history"}
    return render(request, "risks/history.html", context)


@permission_required("risks.view")
def version(request, pk, history_id):
    risk = scoped_risk(request, pk)
    versions = risk.history.select_related(
        "history_user", "unit", "department", "post", "person", "responsible_person"
    )
    record = get_object_or_404(versions, history_id=history_id)
    context = {"risk": risk, "record": record, "tab": "history"}
    return render(request, "risks/version.html", context)
