"""The bureau's likelihood × impact matrix (风险矩阵), edited as data."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianfang.core.forms import submit
from lianfang.core.permissions import permission_required

from . import selectors, services
from .models import Level

SIZES = range(2, 7)


class MatrixForm(forms.Form):
    """One select per cell plus a label per row and column; the size comes from the URL."""

    def __init__(self, *args, rows: int, cols: int, matrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows, self.cols = rows, cols
        cells, l_labels, c_labels = matrix.cells, matrix.likelihood_labels, matrix.impact_labels
        for r in range(rows):
            self.fields[f"l{r}"] = forms.CharField(
                label=_("可能性 %(n)d") % {"n": r + 1},
                max_length=40,
                initial=l_labels[r] if r < len(l_labels) else "",
            )
            for c in range(cols):
                known = r < len(cells) and c < len(cells[r])
                self.fields[f"cell_{r}_{c}"] = forms.TypedChoiceField(
                    label=_("可能性 %(l)d × 影响程度 %(c)d") % {"l": r + 1, "c": c + 1},
                    choices=Level.choices,
                    coerce=int,
                    initial=cells[r][c] if known else Level.TWO,
                )
        for c in range(cols):
            self.fields[f"c{c}"] = forms.CharField(
                label=_("影响程度 %(n)d") % {"n": c + 1},
                max_length=40,
                initial=c_labels[c] if c < len(c_labels) else "",
            )

    def grid(self):
        """Rows of (row label field, [cell fields]) for the template."""
        return [
            (self[f"l{r}"], [self[f"cell_{r}_{c}"] for c in range(self.cols)])
            for r in range(self.rows)
        ]

    def column_labels(self):
        return [self[f"c{c}"] for c in range(self.cols)]

    def values(self, data):
        return {
            "cells": [[data[f"cell_{r}_{c}"] for c in range(self.cols)] for r in range(self.rows)],
            "likelihood_labels": [data[f"l{r}"] for r in range(self.rows)],
            "impact_labels": [data[f"c{c}"] for c in range(self.cols)],
        }


def _size(request, name: str, default: int) -> int:
    try:
        value = int(request.GET.get(name, default))
    except ValueError:
        return default
    return value if value in SIZES else default


@permission_required("risks.matrix")
def matrix(request):
    current = selectors.active_matrix()
    rows = _size(request, "rows", current.size[0])
    cols = _size(request, "cols", current.size[1])
    form = MatrixForm(request.POST or None, rows=rows, cols=cols, matrix=current)
    saved = submit(
        form, lambda data: services.matrix_update(actor=request.user, **form.values(data))
    )
    if saved is not None:
        messages.success(request, _("风险矩阵已保存，此后的评级按新矩阵计算。"))
        return redirect(request.get_full_path())
    return render(
        request,
        "risks/matrix.html",
        {"form": form, "sizes": SIZES, "rows": rows, "cols": cols, "title": TITLE},
    )


TITLE = gettext_lazy("风险矩阵")
urlpatterns = [path("matrix/", matrix, name="matrix")]
