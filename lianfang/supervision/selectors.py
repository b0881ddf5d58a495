"""Reads for the electronic supervision pages (and the API): the live board's aggregates, the
case list, a case and its events and findings, the cards a user may see, the quarter grades
(a case's timeline: `timeline`; a finding in words: `explain`). Every read goes through the
data scope (`core.scopes`).

The board's four selectors are set-based: each is one or two aggregate queries whatever the
number of cases. Cases and cards per department, item and day are summed from the daily
tallies ingest and the sweep keep (`tally`: a few rows per department and day instead of every
case); today's and this month's signals come from the findings (on `Finding.Meta.indexes`),
open and paused cases now from the status-led indexes of `Case`.
"""

from datetime import datetime, timedelta

from django.db.models import CharField, Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Cast
from django.http import Http404

from lianfang.core import calendar
from lianfang.core.models import Notification
from lianfang.core.scopes import get_scoped_or_404, scoped

from . import notify
from .models import (
    OPEN_STATUSES,
    CardLevel,
    Case,
    CaseEvent,
    CaseStatus,
    CaseTally,
    Finding,
    QuarterGrade,
    Recommendation,
)

BOARD_TOP = 10
NEAREST = 10
SIGNALS = (CardLevel.PROMPT, CardLevel.YELLOW, CardLevel.RED)
LEVEL_NAMES = {CardLevel.PROMPT: "prompt", CardLevel.YELLOW: "yellow", CardLevel.RED: "red"}


# --- the live board


def board_counts(user, now: datetime) -> dict:
    """Open and paused cases now; prompts, yellow and red cards found today and this month
    (Asia/Shanghai). Two queries: cases by status (on the status-led indexes), findings by
    level since the month began (on `finding_level_idx`)."""
    today = calendar.as_date(now)
    day, month = calendar.start_of_day(today), calendar.start_of_day(today.replace(day=1))
    cases = (
        scoped(Case.objects.filter(status__in=OPEN_STATUSES), user)
        .order_by()
        .aggregate(
            open=Count("pk", filter=Q(status=CaseStatus.OPEN)),
            paused=Count("pk", filter=Q(status=CaseStatus.PAUSED)),
        )
    )
    counts = {}
    for level, name in LEVEL_NAMES.items():
        counts[f"{name}_today"] = Count("pk", filter=Q(level=level, found_at__gte=day))
        counts[f"{name}_month"] = Count("pk", filter=Q(level=level))
    findings = (
        scoped(
            Finding.objects.filter(level__in=SIGNALS, found_at__gte=month, found_at__lte=now), user
        )
        .order_by()
        .aggregate(**counts)
    )
    return {**cases, **findings}


def _grouped(user, since: datetime, by: str) -> list[dict]:
    """Per `by` (department or power_item): cases received since `since` (all, still open,
    completed) and the yellow and red cards found since then, most cards first, top ten. One
    query over the daily tallies."""
    rows = (
        scoped(CaseTally.objects.filter(day__gte=calendar.as_date(since)), user)
        .order_by()
        .values(f"{by}_id", f"{by}__name")
        .annotate(
            received=Sum("received"),
            open=Sum("still_open"),
            completed=Sum("completed"),
            yellow=Sum("yellow"),
            red=Sum("red"),
        )
    )
    ranked = [
        {**row, "id": row[f"{by}_id"], "name": row[f"{by}__name"]}
        for row in rows
        if row["received"] or row["yellow"] or row["red"]
    ]
    ranked.sort(key=lambda r: (-r["red"], -r["yellow"], -r["received"], r["name"]))
    return ranked[:BOARD_TOP]


def board_by_department(user, since: datetime) -> list[dict]:
    """Top ten departments by cards since `since`, with their cases (two queries)."""
    return _grouped(user, since, "department")


def board_by_item(user, since: datetime) -> list[dict]:
    """Top ten power items by cards since `since`, with their cases (two queries)."""
    return _grouped(user, since, "power_item")


def board_trend(user, since: datetime, until: datetime) -> list[dict]:
    """Per day (Asia/Shanghai) from `since` to `until`: yellow and red cards found and cases
    completed (已办结). One query over the daily tallies; days without any are zeros."""
    first, last = calendar.as_date(since), calendar.as_date(until)
    rows = (
        scoped(CaseTally.objects.filter(day__gte=first, day__lte=last), user)
        .order_by()
        .values("day")
        .annotate(yellow=Sum("yellow"), red=Sum("red"), completed=Sum("completed_on"))
    )
    days = {
        first + timedelta(days=i): {"yellow": 0, "red": 0, "completed": 0}
        for i in range((last - first).days + 1)
    }
    for row in rows:
        days[row["day"]] = {k: row[k] for k in ("yellow", "red", "completed")}
    return [{"day": day, **days[day]} for day in sorted(days)]


def nearest_deadline(user, now: datetime, limit: int = NEAREST):
    """The open cases whose promised deadline comes next (on `case_due_idx`)."""
    cases = Case.objects.filter(status=CaseStatus.OPEN, due_at__gte=now).order_by("due_at", "pk")
    return scoped(cases, user).select_related("power_item", "department")[:limit]


# --- cases


def case_list(user, filters: dict | None = None):
    """The cases the user may see, newest first, with what a list row shows (no N+1)."""
    filters = filters or {}
    cases = scoped(Case.objects.all(), user)
    for name in ("status", "card_level", "department", "power_item"):
        if filters.get(name) not in (None, ""):
            cases = cases.filter(**{name: filters[name]})
    if filters.get("received_from"):
        cases = cases.filter(received_at__gte=calendar.start_of_day(filters["received_from"]))
    if filters.get("received_to"):
        cases = cases.filter(received_at__lte=calendar.end_of_day(filters["received_to"]))
    if filters.get("q"):
        cases = cases.filter(external_no__icontains=filters["q"].strip())
    return cases.select_related("power_item", "department", "unit").order_by("-received_at", "pk")


def case_of(user, pk) -> Case:
    """One case in the user's scope, else 404."""
    cases = Case.objects.select_related("power_item", "department", "unit")
    return get_scoped_or_404(cases, user, pk=pk)


def events_of(case: Case) -> list[CaseEvent]:
    return list(case.events.order_by("at", "pk"))


def findings_of(case: Case):
    return case.findings.select_related("replied_by").order_by("found_at", "pk")


# --- cards and grades


def cards_for(user):
    """The cards (yellow and red findings) `user` may see: those in their data scope, and
    those they were notified of — a handler's own cards, whatever their scope."""
    if not (user.has_permission("supervision.view") or user.has_permission("supervision.reply")):
        return Finding.objects.none()
    notified = Notification.objects.filter(
        recipient=user,
        object_type=notify.OBJECT_TYPE,
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    in_scope = scoped(Finding.objects.all(), user).filter(pk=OuterRef("pk"))
    return Finding.objects.filter(level__gte=CardLevel.YELLOW).filter(
        Exists(in_scope) | Exists(notified)
    )


def card_list(user, state: str = "", now: datetime | None = None):
    """The cards the user may see: `unreplied`, `overdue` (unanswered past the reply limit) or
    `replied`; any state when empty."""
    cards = cards_for(user).select_related("case__power_item", "case__department")
    if state == "unreplied":
        cards = cards.filter(replied_at__isnull=True)
    elif state == "overdue":
        cards = cards.filter(replied_at__isnull=True, reply_due_at__lt=now)
    elif state == "replied":
        cards = cards.filter(replied_at__isnull=False)
    return cards.order_by("replied_at", "reply_due_at", "-found_at", "pk")


def card_of(user, pk) -> Finding:
    cards = cards_for(user).select_related(
        "case__power_item", "case__department", "case__unit", "replied_by"
    )
    try:
        return cards.get(pk=pk)
    except (Finding.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def grade_table(user, year: int, quarter: int):
    grades = QuarterGrade.objects.filter(year=year, quarter=quarter)
    return (
        scoped(grades, user)
        .select_related("department", "unit", "recommendation")
        .order_by("average", "department__code", "pk")
    )


def recommendation_of(user, pk) -> Recommendation:
    rows = Recommendation.objects.select_related("grade__department", "grade__unit")
    return get_scoped_or_404(rows, user, pk=pk)
