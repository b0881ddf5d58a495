"""A department's monthly score: the settings, the computation and the words for its deductions."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Case as Switch
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core import audit, calendar
from lianfang.org.models import Department

from .. import rules
from ..models import (
    CardLevel,
    Case,
    CaseStatus,
    DepartmentScore,
    Dimension,
    Finding,
    Grade,
    Rule,
    ScoreAdjustment,
)

FULL = Decimal(100)
TENTH = Decimal("0.1")
MAX_IDS = 50  # finding ids kept per deduction for the drill-down
MANUAL, PROMPTS3 = "manual", "prompts3"


def _number(name: str, key: str, text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise ImproperlyConfigured(f"{name}: {key}={text} is not a number ≥ 0")
    return value


def check_settings() -> None:
    """Refuse score settings that would give a meaningless score (called at start-up)."""
    weights = settings.SUPERVISION_SCORE_WEIGHTS
    if set(weights) != set(Dimension.values):
        raise ImproperlyConfigured(
            f"LIANFANG_SUPERVISION_SCORE_WEIGHTS: need exactly {sorted(Dimension.values)}"
        )
    total = sum(_number("LIANFANG_SUPERVISION_SCORE_WEIGHTS", k, v) for k, v in weights.items())
    if total != FULL:
        raise ImproperlyConfigured(f"LIANFANG_SUPERVISION_SCORE_WEIGHTS add to {total}, not 100")
    deductions = settings.SUPERVISION_DEDUCTIONS
    if set(deductions) != {PROMPTS3, "yellow", "red"}:
        raise ImproperlyConfigured("LIANFANG_SUPERVISION_DEDUCTIONS: need prompts3, yellow, red")
    for key, text in deductions.items():
        _number("LIANFANG_SUPERVISION_DEDUCTIONS", key, text)
    floors = settings.SUPERVISION_GRADE_FLOORS
    if set(floors) != {"excellent", "good", "pass"}:
        raise ImproperlyConfigured("LIANFANG_SUPERVISION_GRADE_FLOORS: need excellent, good, pass")
    values = [_number("LIANFANG_SUPERVISION_GRADE_FLOORS", k, floors[k]) for k in GRADE_ORDER]
    if not (FULL >= values[0] > values[1] > values[2]):
        raise ImproperlyConfigured("LIANFANG_SUPERVISION_GRADE_FLOORS must descend, ≤ 100")
    if not 1 <= settings.SUPERVISION_EARLY_PERCENT <= 100:
        raise ImproperlyConfigured("LIANFANG_SUPERVISION_EARLY_PERCENT must be 1..100")


GRADE_ORDER = ("excellent", "good", "pass")


def weights() -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in settings.SUPERVISION_SCORE_WEIGHTS.items()}


def grade_for(average: Decimal) -> Grade:
    floors = settings.SUPERVISION_GRADE_FLOORS
    for name in GRADE_ORDER:
        if average >= Decimal(floors[name]):
            return Grade(name)
    return Grade.FAIL


def bonus_points(completed: int, early: int) -> int:
    """+1 per full 10% of the completed cases finished early (integer arithmetic: 10% is 10%)."""
    return early * 10 // completed if completed else 0


def totals(
    taken: dict[str, Decimal], bonus: Decimal, weight: dict[str, Decimal] | None = None
) -> tuple[dict[str, Decimal], Decimal]:
    """Points kept per dimension (never below 0) and the total (never above 100)."""
    weight = weights() if weight is None else weight
    kept = {d: max(Decimal(0), w - taken.get(d, Decimal(0))) for d, w in weight.items()}
    return kept, min(FULL, sum(kept.values(), Decimal(0)) + bonus).quantize(TENTH)


def month_start(value: date) -> date:
    return value.replace(day=1)


def _bounds(month: date) -> tuple[datetime, datetime]:
    first = month_start(month)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (
        datetime.combine(first, datetime.min.time(), tzinfo=calendar.SHANGHAI),
        datetime.combine(following, datetime.min.time(), tzinfo=calendar.SHANGHAI),
    )


def _dimension_of():
    by_dimension: dict[str, list[str]] = {}
    for rule, dimension in rules.DIMENSIONS.items():
        by_dimension.setdefault(str(dimension), []).append(str(rule))
    whens = [When(rule__in=rs, then=Value(d)) for d, rs in by_dimension.items()]
    return Switch(*whens, default=Value(""), output_field=CharField())


def _counting_findings(start: datetime, end: datetime, department_ids=None):
    """Per (case, dimension) the one finding that counts: highest level, then lowest pk; with
    its department's per-(rule, level) count and rank (the first MAX_IDS rows are kept)."""
    month = Finding.objects.filter(found_at__gte=start, found_at__lt=end).annotate(
        dim=_dimension_of()
    )
    if department_ids is not None:
        month = month.filter(case__department_id__in=department_ids)
    outranked = month.filter(case_id=OuterRef("case_id"), dim=OuterRef("dim")).filter(
        Q(level__gt=OuterRef("level")) | Q(level=OuterRef("level"), pk__lt=OuterRef("pk"))
    )
    group = [F("case__department_id"), F("rule"), F("level")]
    return (
        month.filter(~Exists(outranked))
        .annotate(
            department=F("case__department_id"),
            rank=Window(RowNumber(), partition_by=group, order_by=F("pk").asc()),
            n=Window(Count("pk"), partition_by=group),
        )
        .filter(rank__lte=MAX_IDS)
        .order_by("department", "rule", "level", "pk")
        .values("department", "dim", "rule", "level", "pk", "n")
    )


@dataclass
class _Sheet:
    """One department's month while it is being added up."""

    unit_id: int
    deductions: list[dict] = field(default_factory=list)
    prompts: dict[str, dict] = field(default_factory=dict)  # dimension → {count, ids}
    taken: dict[str, Decimal] = field(default_factory=dict)  # dimension → points deducted
    completed: int = 0
    early: int = 0

    def deduct(self, dimension, rule, points, count, finding_ids=(), adjustment_ids=()):
        self.taken[str(dimension)] = self.taken.get(str(dimension), Decimal(0)) + points
        self.deductions.append(
            {
                "dimension": str(dimension),
                "rule": str(rule),
                "points": float(points),
                "count": count,
                "finding_ids": list(finding_ids),
                "adjustment_ids": list(adjustment_ids),
            }
        )


def _departments(start, end, first: date, only=None) -> set[int]:
    """The departments that received or completed a case, had a finding found, or were given
    an adjustment in the month. One EXISTS per department and source, each an index probe on
    (department, received_at / completed_at): no scan of the month's cases."""
    mine = {"department_id": OuterRef("pk")}
    received = Case.objects.filter(**mine, received_at__gte=start, received_at__lt=end)
    completed = Case.objects.filter(**mine, completed_at__gte=start, completed_at__lt=end)
    found = Finding.objects.filter(
        case__department_id=OuterRef("pk"), found_at__gte=start, found_at__lt=end
    )
    adjusted = ScoreAdjustment.objects.filter(**mine, month=first)
    departments = Department.objects.filter(
        Exists(received) | Exists(completed) | Exists(found) | Exists(adjusted)
    )
    if only is not None:
        departments = departments.filter(pk=only)
    return set(departments.values_list("pk", flat=True))


def _sheets(month: date, only: int | None = None) -> dict[int, _Sheet]:
    first = month_start(month)
    start, end = _bounds(first)
    ids = _departments(start, end, first, only)
    units = dict(Department.objects.filter(pk__in=ids).values_list("pk", "unit_id"))
    sheets = {pk: _Sheet(unit_id=units[pk]) for pk in sorted(ids)}
    cost = {k: Decimal(v) for k, v in settings.SUPERVISION_DEDUCTIONS.items()}
    card_cost = {CardLevel.YELLOW: cost["yellow"], CardLevel.RED: cost["red"]}

    groups: dict[tuple, dict] = {}  # (department, dimension, rule, level) → {n, ids}
    for row in _counting_findings(start, end, None if only is None else [only]):
        key = (row["department"], row["dim"], row["rule"], row["level"])
        groups.setdefault(key, {"n": row["n"], "ids": []})["ids"].append(row["pk"])
    for (department, dim, rule, level), group in groups.items():
        sheet = sheets[department]
        if level == CardLevel.PROMPT:
            bucket = sheet.prompts.setdefault(dim, {"n": 0, "ids": []})
            bucket["n"] += group["n"]
            bucket["ids"] = sorted(bucket["ids"] + group["ids"])[:MAX_IDS]
        else:
            points = card_cost[level] * group["n"]
            sheet.deduct(dim, rule, points, group["n"], group["ids"])
    for sheet in sheets.values():
        for dim, bucket in sorted(sheet.prompts.items()):
            if bucket["n"] >= 3:
                points = cost[PROMPTS3] * (bucket["n"] // 3)
                sheet.deduct(dim, PROMPTS3, points, bucket["n"], bucket["ids"])

    adjustments = (
        ScoreAdjustment.objects.filter(month=first, department_id__in=ids)
        .order_by("department_id", "dimension", "pk")
        .values_list("department_id", "dimension", "pk", "points")
    )
    manual: dict[tuple, list] = {}
    for department, dim, pk, points in adjustments:
        manual.setdefault((department, dim), []).append((pk, points))
    for (department, dim), rows in manual.items():
        points = sum((p for _pk, p in rows), Decimal(0))
        sheets[department].deduct(dim, MANUAL, points, len(rows), (), [pk for pk, _p in rows])

    done = (
        Case.objects.filter(
            department_id__in=ids,
            status=CaseStatus.COMPLETED,
            completed_at__gte=start,
            completed_at__lt=end,
        )
        .values("department_id")
        .annotate(n=Count("pk"), early=Count("pk", filter=Q(completed_at__lte=F("early_at"))))
        .order_by()
    )
    for row in done:
        sheets[row["department_id"]].completed = row["n"]
        sheets[row["department_id"]].early = row["early"]
    return sheets


def _store(month: date, sheets: dict[int, _Sheet], now: datetime) -> None:
    weight = weights()
    for department, sheet in sheets.items():
        bonus = Decimal(bonus_points(sheet.completed, sheet.early))
        kept, total = totals(sheet.taken, bonus, weight)
        DepartmentScore.objects.update_or_create(
            department_id=department,
            month=month,
            defaults={
                "unit_id": sheet.unit_id,
                "total": total,
                "bonus": bonus,
                "dimensions": {d: float(v) for d, v in kept.items()},
                "deductions": sheet.deductions,
                "cases_completed": sheet.completed,
                "cases_early": sheet.early,
                "computed_at": now,
            },
        )


@transaction.atomic
def compute_month(month: date, *, now: datetime, actor=None) -> int:
    """Score every department with cases in `month`; returns how many were scored."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("naive datetime: give a timezone-aware one")
    first = month_start(month)
    sheets = _sheets(first)
    _store(first, sheets, now)
    DepartmentScore.objects.filter(month=first).exclude(department_id__in=sheets).delete()
    lowest = DepartmentScore.objects.filter(month=first).order_by("total").first()
    audit.record(
        actor=actor,
        action=audit.Action.UPDATE,
        object_type="supervision.score",
        object_id=f"{first:%Y-%m}",
        object_repr=_("%(year)d年%(month)d月绩效得分") % {"year": first.year, "month": first.month},
        after={
            "month": f"{first:%Y-%m}",
            "departments": len(sheets),
            "lowest": None if lowest is None else str(lowest.total),
            "now": now.isoformat(),
        },
        actor_name="supervise score",
    )
    return len(sheets)


def refresh(department_id: int, month: date) -> None:
    """An adjustment changes an already computed month at once (no audit of its own: the
    adjustment's entry says why); a department left with nothing to score that month loses
    its row, as `compute_month` would drop it."""
    rows = DepartmentScore.objects.filter(department_id=department_id, month=month)
    if rows.exists():
        sheets = _sheets(month, only=department_id)
        if department_id in sheets:
            _store(month, {department_id: sheets[department_id]}, timezone.now())
        else:
            rows.delete()


def month_name(month: date) -> str:
    return _("%(year)d年%(month)d月") % {"year": month.year, "month": month.month}


def deduction_sentence(d: dict) -> str:
    dimension = Dimension(d["dimension"]).label
    if d["rule"] == MANUAL:
        what = _("监察室录入扣分 %(n)d 次") % {"n": d["count"]}
    elif d["rule"] == PROMPTS3:
        what = _("预警提示 %(n)d 次（每满 3 次扣分）") % {"n": d["count"]}
    else:
        what = _("“%(rule)s”%(n)d 件") % {"rule": Rule(d["rule"]).label, "n": d["count"]}
    points = Decimal(str(d["points"])).normalize()
    return _("%(dimension)s：%(what)s，扣 %(points)s 分") % {
        "dimension": dimension,
        "what": what,
        "points": f"{points:f}",
    }
