"""The library with its counts and charts, identification progress, copying a year forward
and overdue measures."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core.forms import submit
from lianfang.core.paging import page_of
from lianfang.core.permissions import permission_required
from lianfang.core.scopes import scoped

from .. import rules, selectors, services
from ..forms import (
    CopyForm,
    LibraryFilterForm,
    matrix_choices,
    registers_for,
)
from ..models import (
    Category,
    GradingMatrix,
    Level,
    Register,
    RiskPoint,
)

ROLLUP_ROWS = 100


def _years(user) -> tuple[list[int], int]:
    """The years the user has risks in, newest first, and the one to show by default."""
    years = list(selectors.years(user))
    return years, (years[0] if years else timezone.localdate().year)


def _charts(levels: dict, heat, matrix: GradingMatrix) -> dict:
    """What charts.js draws: the level distribution and the likelihood × impact heat map."""
    rows, cols = matrix.size
    cells = [
        [c["impact"] - 1, c["likelihood"] - 1, c["total"]]
        for c in heat
        if 1 <= c["likelihood"] <= rows and 1 <= c["impact"] <= cols
    ]
    return {
        "levels": {
            "labels": [str(label) for label in Level.labels] + [_("未定级")],
            "values": [levels[1], levels[2], levels[3], levels[None]],
            "empty": _("没有符合条件的风险点"),
        },
        "heat": {
            "x": [label for _n, label in matrix_choices(cols, matrix.impact_labels)],
            "y": [label for _n, label in matrix_choices(rows, matrix.likelihood_labels)],
            "xName": _("影响程度"),
            "yName": _("可能性"),
            "cells": cells,
            "max": max((c[2] for c in cells), default=0),
            "unit": _("个风险点"),
            "empty": _("暂无按风险矩阵评级的风险点"),
            "more": _("多"),
            "fewer": _("少"),
        },
    }


@permission_required("risks.view")
def library(request):
    user = request.user
    years, default_year = _years(user)
    data = request.GET.copy()
    if years:
        data.setdefault("year", str(default_year))
    form = LibraryFilterForm(data, user=user, years=years)
    filters = form.filters()
    by = form.cleaned_data.get("by") or "department"
    base = selectors.apply_filters(scoped(RiskPoint.objects.all(), user), filters)
    levels = selectors.level_counts(base)
    categories = [
        {"label": Category(row["category"]).label, "total": row["total"]}
        for row in selectors.category_counts(base)
    ]
    rollup = list(selectors.rollup(base, by)[: ROLLUP_ROWS + 1])
    context = {
        "form": form,
        "page": page_of(request, selectors.risk_list(user, filters)),
        "levels": [(n, Level(n).label, levels[n]) for n in (1, 2, 3)],
        "ungraded": levels[None],
        "total": sum(levels.values()),
        "categories": categories,
        "by": by,
        "rollup": rollup[:ROLLUP_ROWS],
        "rollup_cut": len(rollup) > ROLLUP_ROWS,
        "charts": _charts(levels, selectors.heat_map(base), selectors.active_matrix()),
        "is_steward": rules.is_steward(user),
        "registers": [(r, Register(r).label) for r in registers_for(user)],
    }
    return render(request, "risks/library.html", context)


@permission_required("risks.view")
def progress(request):
    years, year = _years(request.user)
    if (request.GET.get("year") or "").isdigit():
        year = int(request.GET["year"])
    rows = list(selectors.identification_progress(request.user, year))
    totals = {key: sum(row[key] for row in rows) for key in ("posts", "filed", "effective")}
    for row in [*rows, totals]:
        row["share"] = round(row["effective"] * 100 / row["posts"]) if row["posts"] else 0
    years = sorted({*years, year, timezone.localdate().year}, reverse=True)
    return render(
        request,
        "risks/progress.html",
        {"rows": rows, "totals": totals, "year": year, "years": years},
    )


@permission_required("risks.view")
def copy_forward(request):
    user = request.user
    if not rules.is_steward(user):
        raise PermissionDenied
    _all, year = _years(user)
    form = CopyForm(request.POST or None, initial={"from_year": year, "to_year": year + 1})
    count = submit(
        form,
        lambda data: services.library_copy_forward(
            actor=user, risks=scoped(RiskPoint.objects.all(), user), **data
        ),
    )
    if count is not None:
        to_year = form.cleaned_data["to_year"]
        messages.success(
            request,
            _("已将 %(n)d 条已生效的风险点复制到 %(year)d 年度，进入“自己找”环节。")
            % {"n": count, "year": to_year},
        )
        return redirect(reverse("risks:library") + f"?year={to_year}")
    return render(request, "risks/copy.html", {"form": form})


@permission_required("risks.view")
def overdue(request):
    measures = selectors.overdue_measures(request.user).select_related(
        "risk__unit", "risk__department", "risk__post"
    )
    context = {"page": page_of(request, measures), "today": timezone.localdate()}
    return render(request, "risks/overdue.html", context)
