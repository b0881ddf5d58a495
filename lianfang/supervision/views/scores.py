"""绩效评估: the departments' monthly scores, the drill-down of one score, the quarter grades and
the printable 监察建议书."""

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lianfang.core import calendar
from lianfang.core.forms import submit
from lianfang.core.permissions import permission_required
from lianfang.core.scopes import scoped

from .. import scores, selectors
from ..models import DepartmentScore, Dimension, ScoreAdjustment

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def _month(text: str | None) -> date:
    """`2026-10` → 2026-10-01; anything else → last month (the latest complete one)."""
    match = MONTH.match(text or "")
    if match and 1 <= int(match[2]) <= 12:
        return date(int(match[1]), int(match[2]), 1)
    first = timezone.localdate(timezone=calendar.SHANGHAI).replace(day=1)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def _quarter(text: str | None) -> tuple[int, int]:
    match = QUARTER.match(text or "")
    if match:
        return int(match[1]), int(match[2])
    today = timezone.localdate(timezone=calendar.SHANGHAI)
    quarter = (today.month - 1) // 3  # the last complete quarter
    return (today.year, quarter) if quarter else (today.year - 1, 4)


def _shift(month: date, by: int) -> date:
    index = month.year * 12 + month.month - 1 + by
    return date(index // 12, index % 12 + 1, 1)


class AdjustmentForm(forms.Form):
    dimension = forms.ChoiceField(label=gettext_lazy("考核项目"), choices=Dimension.choices)
    points = forms.DecimalField(
        label=gettext_lazy("扣分"), min_value=Decimal("0.1"), max_digits=4, decimal_places=1
    )
    reason = forms.CharField(
        label=gettext_lazy("扣分理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


@permission_required("supervision.view")
def score_table(request):
    month = _month(request.GET.get("month"))
    dimensions = list(Dimension)
    rows = []
    for score in scores.month_table(request.user, month):
        kept = score.dimensions or {}
        rows.append((score, [kept.get(d.value) for d in dimensions]))
    context = {
        "month": month,
        "previous": _shift(month, -1),
        "next": _shift(month, 1),
        "dimensions": dimensions,
        "rows": rows,
    }
    return render(request, "supervision/scores.html", context)


@permission_required("supervision.view")
@require_http_methods(["GET", "POST"])
def score_detail(request, pk):
    """One score with its deductions; the supervision office records a manual deduction here
    (政务公开, 满意度 … what the cases cannot show), which rescores the month at once."""
    user = request.user
    detail = scores.score_detail(user, pk)
    score = detail.score
    may_adjust = user.has_permission("supervision.manage")
    if request.method == "POST" and not may_adjust:
        raise PermissionDenied("supervision.manage")
    form = AdjustmentForm(request.POST or None) if may_adjust else None

    def save(data):
        return scores.adjustment_create(
            user=user, department=score.department, month=score.month, **data
        )

    if form is not None and submit(form, save) is not None:
        messages.success(request, _("扣分已录入，本月得分已重新计算。"))
        return redirect("supervision:score", pk=score.pk)
    kept = score.dimensions or {}
    context = {
        "score": score,
        "deductions": detail.deductions,
        "dimensions": [(d.label, kept.get(d.value)) for d in Dimension],
        "form": form,
    }
    return render(
        request, "supervision/score.html", context, status=400 if form and form.errors else 200
    )


@permission_required("supervision.manage")
@require_POST
def adjustment_delete(request, pk):
    adjustment = get_object_or_404(
        scoped(ScoreAdjustment.objects.select_related("department"), request.user), pk=pk
    )
    scores.adjustment_delete(user=request.user, adjustment=adjustment)
    messages.success(request, _("已撤销该项扣分，本月得分已重新计算。"))
    score = DepartmentScore.objects.filter(
        department_id=adjustment.department_id, month=adjustment.month
    ).first()
    return redirect("supervision:score", pk=score.pk) if score else redirect("supervision:scores")


@permission_required("supervision.view")
def grade_table(request):
    year, quarter = _quarter(request.GET.get("quarter"))
    previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    following = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    context = {
        "year": year,
        "quarter": quarter,
        "previous": "{}Q{}".format(*previous),
        "next": "{}Q{}".format(*following),
        "grades": selectors.grade_table(request.user, year, quarter),
        "title": _("%(y)d 年第 %(q)d 季度绩效等次") % {"y": year, "q": quarter},
    }
    return render(request, "supervision/grades.html", context)


DIGITS = "〇一二三四五六七八九"


def _number_text(n: int) -> str:
    """1..31 as in an official date: 十, 十八, 二十一, 三十一."""
    tens, ones = divmod(n, 10)
    return (
        (DIGITS[tens] if tens > 1 else "") + ("十" if tens else "") + (DIGITS[ones] if ones else "")
    )


def official_date(day: date) -> str:
    """A date as an official document writes it: 二〇二六年十月八日."""
    year = "".join(DIGITS[int(c)] for c in str(day.year))
    return _("%(y)s年%(m)s月%(d)s日") % {
        "y": year,
        "m": _number_text(day.month),
        "d": _number_text(day.day),
    }


@permission_required("supervision.view")
def recommendation(request, pk):
    rec = selectors.recommendation_of(request.user, pk)
    context = {
        "rec": rec,
        "office": _("%(unit)s监察室") % {"unit": rec.grade.unit.name},
        "issues": [line for line in rec.issues.splitlines() if line.strip()],
        "suggestions": [line for line in rec.suggestions.splitlines() if line.strip()],
        "reply_due": official_date(rec.reply_due),
        "issued": official_date(calendar.as_date(rec.issued_at)),
    }
    return render(request, "supervision/recommendation.html", context)
