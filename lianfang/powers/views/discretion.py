"""Discretion standards (自由裁量基准) of a penalty item, edited as one list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lianfang.core.permissions import permission_required

from .. import services
from ..forms import DiscretionFormSet
from ..models import Category
from .items import MANAGE, scoped_item

FIELDS = ("circumstance", "description", "penalty_types", "amount_min", "amount_max")


@permission_required(MANAGE)
def discretion_edit(request, pk):
    item = scoped_item(request, pk)
    if item.category != Category.PENALTY:
        raise Http404
    data = request.POST if request.method == "POST" else None
    initial = None if data else list(item.discretion.values(*FIELDS))
    formset = DiscretionFormSet(data, initial=initial, prefix="rows")
    errors = []
    if data is not None and formset.is_valid():
        rows = [
            {k: f.cleaned_data[k] for k in FIELDS}
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.discretion_save(actor=request.user, item=item, rows=rows)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("自由裁量基准已保存。"))
            return redirect("powers:detail", pk=pk)
    return render(
        request,
        "powers/discretion_edit.html",
        {"item": item, "formset": formset, "errors": errors},
    )
