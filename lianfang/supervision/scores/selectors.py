"""Reads of scores for pages and the API, always through the data scope."""

from dataclasses import dataclass
from datetime import date

from django.db.models import F
from django.utils import timezone

from lianfang.core import calendar
from lianfang.core.scopes import get_scoped_or_404, scoped

from ..models import (
    CardLevel,
    DepartmentScore,
    Dimension,
    Finding,
    Rule,
    ScoreAdjustment,
)
from .month import deduction_sentence, month_start


def month_table(user, month: date):
    """The month's scores the user may see, lowest first, with the department's name."""
    rows = DepartmentScore.objects.filter(month=month_start(month)).select_related(
        "department", "unit"
    )
    return (
        scoped(rows, user)
        .annotate(department_name=F("department__name"))
        .order_by("total", "department__code", "pk")
    )


@dataclass
class ScoreDetail:
    score: DepartmentScore
    deductions: list[dict]


def score_detail(user, pk) -> ScoreDetail:
    """One score in the user's scope (else 404), each deduction with its findings (rule label,
    case number, found_at in Asia/Shanghai) and adjustments resolved: three queries in all."""
    rows = DepartmentScore.objects.select_related("department", "unit")
    score = get_scoped_or_404(rows, user, pk=pk)
    finding_ids = [i for d in score.deductions for i in d.get("finding_ids", [])]
    adjustment_ids = [i for d in score.deductions for i in d.get("adjustment_ids", [])]
    findings = {
        f["pk"]: {
            "id": f["pk"],
            "rule": f["rule"],
            "rule_label": Rule(f["rule"]).label,
            "level": CardLevel(f["level"]).label,
            "external_no": f["case__external_no"],
            "case_id": f["case_id"],
            "found_at": timezone.localtime(f["found_at"], calendar.SHANGHAI),
        }
        for f in Finding.objects.filter(pk__in=finding_ids).values(
            "pk", "rule", "level", "case_id", "case__external_no", "found_at"
        )
    }
    adjustments = {
        a.pk: a
        for a in ScoreAdjustment.objects.filter(pk__in=adjustment_ids).select_related("created_by")
    }
    resolved = []
    for d in score.deductions:
        resolved.append(
            {
                **d,
                "dimension_label": Dimension(d["dimension"]).label,
                "sentence": deduction_sentence(d),
                "findings": [findings[i] for i in d.get("finding_ids", []) if i in findings],
                "adjustments": [
                    adjustments[i] for i in d.get("adjustment_ids", []) if i in adjustments
                ],
            }
        )
    return ScoreDetail(score=score, deductions=resolved)
