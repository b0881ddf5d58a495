"""Quarterly grades and the 监察建议书 issued for 不合格."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lianfang.core import audit, calendar

from ..models import (
    DepartmentScore,
    Grade,
    QuarterGrade,
    Recommendation,
)
from .month import TENTH, deduction_sentence, grade_for, month_name

REPLY_WORKING_DAYS = 15  # 监察建议书: rectification reported within 15 working days


@dataclass
class QuarterResult:
    grades: dict[str, int]
    recommendations: list[Recommendation]

    @property
    def graded(self) -> int:
        return sum(self.grades.values())


def _months(year: int, quarter: int) -> list[date]:
    return [date(year, 3 * quarter - 2 + i, 1) for i in range(3)]


def _next_number(year: int) -> str:
    """The next 文号 of the year. A document number is a fixed official form, the same in
    every interface language (not translated)."""
    prefix = f"监建〔{year}〕"
    taken = Recommendation.objects.select_for_update().filter(number__startswith=prefix)
    used = [
        int(n.removeprefix(prefix).rstrip("号")) for n in taken.values_list("number", flat=True)
    ]
    return f"{prefix}{max(used, default=0) + 1}号"


def _issues(grade: QuarterGrade, scores: list[DepartmentScore]) -> str:
    lines = [
        _("经电子监察绩效测评，你部门%(year)d年第%(q)d季度月均得分 %(avg)s 分，等次为不合格。")
        % {"year": grade.year, "q": grade.quarter, "avg": grade.average}
    ]
    for n, score in enumerate(scores, start=1):
        parts = [deduction_sentence(d) for d in score.deductions]
        detail = "；".join(parts) if parts else _("无扣分项")
        lines.append(
            _("%(n)d. %(month)s得分 %(total)s 分：%(detail)s。")
            % {"n": n, "month": month_name(score.month), "total": score.total, "detail": detail}
        )
    return "\n".join(lines)


def _suggestions(reply_due: date) -> str:
    return _(
        "请你部门对上述问题高度重视，认真分析原因，逐项制定整改措施，明确整改责任人和完成时限，"
        "严格执行办理时限和办事程序，切实提高依法行政和服务效能水平，并于%(due)s前"
        "（%(days)d个工作日内）将整改落实情况书面报送监察室。"
    ) % {
        "due": f"{reply_due.year}年{reply_due.month}月{reply_due.day}日",
        "days": REPLY_WORKING_DAYS,
    }


def _recommend(grade: QuarterGrade, now: datetime, actor) -> Recommendation:
    scores = list(
        DepartmentScore.objects.filter(
            department_id=grade.department_id, month__in=_months(grade.year, grade.quarter)
        ).order_by("month")
    )
    reply_due = calendar.add_working_days(now, REPLY_WORKING_DAYS)
    # An official document: written in the bureau's language, whoever's request scores it.
    with translation.override(settings.LANGUAGE_CODE):
        issues, suggestions = _issues(grade, scores), _suggestions(reply_due)
    recommendation = Recommendation.objects.create(
        grade=grade,
        number=_next_number(timezone.localtime(now, calendar.SHANGHAI).year),
        issues=issues,
        suggestions=suggestions,
        reply_due=reply_due,
        issued_at=now,
    )
    audit.record(
        actor=actor,
        action=audit.Action.CREATE,
        instance=recommendation,
        after=audit.snapshot(recommendation),
        actor_name="supervise score",
    )
    return recommendation


@transaction.atomic
def compute_quarter(year: int, quarter: int, *, now: datetime, actor=None) -> QuarterResult:
    """Grade every department with a monthly score in the quarter; see the module docstring."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter must be 1..4")
    means = (
        DepartmentScore.objects.filter(month__in=_months(year, quarter))
        .values("department_id", "department__unit_id")
        .annotate(mean=Avg("total"))
        .order_by("department_id")
    )
    result = QuarterResult(grades=dict.fromkeys(Grade.values, 0), recommendations=[])
    for row in means:
        average = Decimal(str(row["mean"])).quantize(TENTH, rounding=ROUND_HALF_UP)
        grade, _created = QuarterGrade.objects.update_or_create(
            department_id=row["department_id"],
            year=year,
            quarter=quarter,
            defaults={
                "unit_id": row["department__unit_id"],
                "average": average,
                "grade": grade_for(average),
                "computed_at": now,
            },
        )
        result.grades[grade.grade] += 1
        if grade.grade == Grade.FAIL and not Recommendation.objects.filter(grade=grade).exists():
            result.recommendations.append(_recommend(grade, now, actor))
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        object_type="supervision.grade",
        object_id=f"{year}Q{quarter}",
        object_repr=_("%(year)d年第%(q)d季度绩效等次") % {"year": year, "q": quarter},
        after={**result.grades, "recommendations": [r.number for r in result.recommendations]},
        actor_name="supervise score",
    )
    return result
