"""Load a year of the demo bureau's approval cases (办件) through the real supervision path.

Called by `lianfang.demo.load` inside its transaction, after the power list. The cases come from
`demo_cases.generate` (seeded: the same `until` gives the same rows) for the published items
that have cases (approvals, filings, confirmations, payments, levies and penalties, with a time
limit); the handlers are the people holding the posts of the item's flowchart nodes, else its
department's staff, head and leader in charge, named by staff number (人员编号) so that cards
reach whoever of them has an account. The rows are replayed day by day as the handling system
would have sent them: each working day's events through `ingest`, then `sweep` at the end of
that day (at `cutoff` on the last day); then the monthly scores of the window and the grades of
the quarters that ended in it.
"""

import time as clock
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q

from lianfang.core import calendar
from lianfang.org.models import LeadershipRole, Tier
from lianfang.org.selectors import current_assignments, current_leaderships
from lianfang.powers.models import Decision, DiscretionStandard, FlowStep, PowerItem
from lianfang.powers.selectors import monitored_step_limits

from . import scores
from .demo_cases import RATES, SOURCE, ItemPlan, Standard, generate
from .ingest import ingest
from .models import STEP_ORDER, CardLevel, CaseStep, Finding
from .sweep import sweep

SOURCE_NAME = "demo"
# Working days generated past the cutoff: the longest limit (45) with 补正 and lateness.
TAIL_DAYS = 150


@dataclass
class Summary:
    cases: int = 0
    events: int = 0
    findings: dict[str, int] = field(default_factory=dict)
    cards: int = 0
    scores: int = 0
    grades: int = 0
    seconds: float = 0.0


def window(until: date, days: int | None) -> date:
    """The first day of the window ending at `until`: `days` days, else twelve months."""
    if days is not None:
        return until - timedelta(days=days - 1)
    try:
        return until.replace(year=until.year - 1) + timedelta(days=1)
    except ValueError:  # 29 February
        return until.replace(year=until.year - 1, day=28) + timedelta(days=1)


def cutoff_for(until: date) -> datetime:
    """The end of `until`, or now when `until` is today: the demo looks live."""
    now = datetime.now(calendar.SHANGHAI)
    return now if until == now.date() else calendar.end_of_day(until)


def workdays(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if calendar.is_workday(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def load_supervision(*, until: date | None = None, days: int | None = None) -> Summary:
    """Generate and replay the demo's cases for the window ending at `until` (default: today in
    Asia/Shanghai); see the module docstring."""
    began = clock.monotonic()
    until = until or datetime.now(calendar.SHANGHAI).date()
    start = window(until, days)
    cutoff = cutoff_for(until)
    span = workdays(start, until + timedelta(days=TAIL_DAYS))
    scale = ((until - start).days + 1) / 365
    generated = generate(plans(until), span, cutoff=cutoff, scale=scale)

    by_day = defaultdict(list)
    for row in generated.rows:
        by_day[calendar.as_date(datetime.fromisoformat(row["at"]))].append(row)
    summary = Summary(cases=generated.cases, events=len(generated.rows))
    swept = None
    for day in span:
        if day > cutoff.date():
            break
        rows = by_day.pop(day, [])
        if rows:
            result = ingest(rows, actor=None, source_name=SOURCE_NAME)
            if result.rejected:  # a bug of the generator: the demo must not hide it
                raise RuntimeError(f"demo cases rejected by ingest: {result.rejected[:5]}")
        swept = min(calendar.end_of_day(day), cutoff)
        sweep(swept)
    if swept != cutoff:
        sweep(cutoff)

    months = _months(start, cutoff.date())
    summary.scores = sum(scores.compute_month(month, now=cutoff) for month in months)
    for year, quarter in _quarters(start, cutoff.date()):
        summary.grades += sum(scores.compute_quarter(year, quarter, now=cutoff).grades.values())
    findings = Finding.objects.filter(case__source=SOURCE)
    summary.findings = dict(Counter(findings.values_list("rule", flat=True)))
    summary.cards = findings.filter(level__gte=CardLevel.YELLOW).count()
    summary.seconds = clock.monotonic() - began
    return summary


def _months(start: date, end: date) -> list[date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _quarters(start: date, end: date) -> list[tuple[int, int]]:
    """The quarters with a month in the window that ended by `end`."""
    found = []
    for month in _months(start, end):
        year, quarter = month.year, (month.month - 1) // 3 + 1
        last = date(year + quarter // 4, quarter % 4 * 3 + 1, 1) - timedelta(days=1)
        if last <= end and (year, quarter) not in found:
            found.append((year, quarter))
    return found


# --- what the generator needs of the items, in a fixed number of queries


def plans(day: date) -> list[ItemPlan]:
    """The published items that have cases, with their limits, fee, discretion standards and
    handlers as of `day`."""
    items = list(
        PowerItem.objects.filter(published=True, category__in=list(RATES))
        .exclude(decision=Decision.CANCEL)
        .filter(Q(promised_limit__isnull=False) | Q(legal_limit__isnull=False))
        .order_by("code")
        .values(
            "pk", "code", "category", "department_id", "legal_limit", "promised_limit", "fee_amount"
        )
    )
    ids = [i["pk"] for i in items]
    steps: dict[int, dict[str, int]] = defaultdict(dict)
    for row in monitored_step_limits().filter(item_id__in=ids):
        steps[row["item_id"]][row["case_step"]] = row["days"]
    standards = defaultdict(list)
    rows = (
        DiscretionStandard.objects.filter(item_id__in=ids)
        .order_by("item_id", "order", "pk")
        .values_list("item_id", "circumstance", "penalty_types", "amount_min", "amount_max")
    )
    for item_id, *standard in rows:
        standards[item_id].append(Standard(*standard))
    actors = _actors(ids, {i["department_id"] for i in items}, day)
    return [
        ItemPlan(
            code=i["code"],
            category=i["category"],
            promised=i["promised_limit"] or i["legal_limit"],
            steps=dict(steps[i["pk"]]),
            fee=i["fee_amount"],
            standards=tuple(standards[i["pk"]]),
            actors=actors(i["pk"], i["department_id"]),
        )
        for i in items
    ]


def _actors(item_ids, department_ids, day: date):
    """A function (item id, department id) → case step → staff numbers."""
    holders = defaultdict(set)  # post id → staff numbers
    staff, heads = defaultdict(set), defaultdict(set)  # department id → staff numbers
    rows = current_assignments(day).filter(post__department_id__in=department_ids)
    for post_id, department_id, tier, number in rows.values_list(
        "post_id", "post__department_id", "post__tier", "person__staff_no"
    ):
        holders[post_id].add(number)
        (heads if tier in (Tier.MIDDLE, Tier.LEADER) else staff)[department_id].add(number)
    # Flowchart posts may sit in another department (法制审核 for the enforcement team).
    nodes = (
        FlowStep.objects.filter(item_id__in=item_ids, post__isnull=False)
        .exclude(case_step="")
        .order_by("item_id", "order", "pk")
        .values_list("item_id", "case_step", "post_id")
    )
    node_posts: dict[int, dict[str, int]] = defaultdict(dict)
    for item_id, case_step, post_id in nodes:
        node_posts[item_id].setdefault(case_step, post_id)
    other_posts = {p for posts in node_posts.values() for p in posts.values()} - set(holders)
    for post_id, number in (
        current_assignments(day)
        .filter(post_id__in=other_posts)
        .values_list("post_id", "person__staff_no")
    ):
        holders[post_id].add(number)
    leaders = defaultdict(set)
    offices = current_leaderships(day).filter(
        role=LeadershipRole.IN_CHARGE, departments_in_charge__in=department_ids
    )
    for department_id, number in offices.values_list(
        "departments_in_charge", "person__staff_no"
    ).order_by():
        leaders[department_id].add(number)

    def of(item_id: int, department_id: int) -> dict[str, tuple[str, ...]]:
        crew = staff[department_id] or heads[department_id]
        head = heads[department_id] or crew
        chosen = {
            CaseStep.ACCEPT: crew,
            CaseStep.UNDERTAKE: crew,
            CaseStep.REVIEW: head,
            CaseStep.APPROVE: leaders[department_id] or head,
            CaseStep.COMPLETE: crew,
        }
        for case_step, post_id in node_posts[item_id].items():
            if holders[post_id]:
                chosen[case_step] = holders[post_id]
        return {step: tuple(sorted(chosen[step])) for step in STEP_ORDER}

    return of
