"""The working-day calendar: which days are working days in China, and time limits in them.

Sources, strongest first: a `CalendarDay` row (set by the administrator, see
`calendar_services`), then the `chinesecalendar` library (public holidays and the make-up
working days, 调休, for the years it knows: 2004–2026 in version 1.11), then the weekday rule
(Monday to Friday). A year is *maintained* when the library knows it or it has at least one
`CalendarDay` row; for any other year the weekday rule alone applies and `is_maintained` says
so, so pages can warn that its holidays are missing.

Dates: a `date` is taken as it is; a timezone-aware `datetime` is first converted to its date in
Asia/Shanghai (the legal calendar is China's, whatever the server's zone); a naive `datetime` is
refused (ValueError).

Counting (DOMAIN.md §5, 期间开始之日不计算在内): the day a period starts never counts.

- `add_working_days(day, n)`: the n-th working day after `day`. 2026-09-30 (Wed) + 1 →
  2026-10-08 (Thu): 10-01..10-07 is the National Day holiday. 2026-10-09 (Fri) + 1 →
  2026-10-10, a 调休 Saturday. n = 0 gives `day` itself, working day or not; n < 0 gives the
  |n|-th working day before `day` (2026-10-08 − 1 → 2026-09-30), for prompts "N working days
  before a deadline".
- `working_days_between(start, end)`: the working days in (start, end], i.e. after `start` up to
  and including `end`; 2026-09-30 → 2026-10-08 is 1. When end < start it is minus the working
  days in (end, start], so `between(a, b) == -between(b, a)`; when end == start it is 0. For
  every day d and n ≥ 0: `working_days_between(d, add_working_days(d, n)) == n`.
- `deadline(received_at, limit_days, pauses)`: see its docstring.

Speed: the calendar is held per process as arrays over the years the library or the overrides
cover (one flag and one running count per day, and the sorted working-day ordinals), so
`is_workday`, `add_working_days` and `working_days_between` are one or two array look-ups; days
outside the covered years follow the weekday rule by closed formulas, so no date is out of
range and no loop runs per day.

Cache invalidation: every `CHECK_SECONDS` (5 s) at most, a process asks the database for the
overrides' signature, (number of rows, latest `updated_at`) — one aggregate over a table of a few
hundred rows — and rebuilds (a few milliseconds) when it changed. The count catches deletions,
which a max(updated_at) alone would miss; the timestamp catches edits. Every service write also
calls `invalidate()`, at once and again when its transaction commits, so the process that made
a change sees it immediately and a rebuild raced by another thread before the commit is thrown
away. Why not a version number: it needs a table of its own and still needs the periodic check
for other processes (web, task worker, `supervise watch`); why not a check on every call: ingest
calls this millions of times. Staleness in other processes is therefore at most 5 s, which a
calendar edited for dates weeks or months ahead can afford. Deadlines already stored by other
apps are not recomputed by this module.
"""

import threading
import time
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar.constants import Holiday
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import CalendarDay, DayKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHECK_SECONDS = 5.0
# The years an override may be set for (the service refuses others).
MIN_YEAR, MAX_YEAR = 2000, 2099

HOLIDAY_NAMES = {
    Holiday.new_years_day.value: gettext_lazy("元旦"),
    Holiday.spring_festival.value: gettext_lazy("春节"),
    Holiday.tomb_sweeping_day.value: gettext_lazy("清明节"),
    Holiday.labour_day.value: gettext_lazy("劳动节"),
    Holiday.dragon_boat_festival.value: gettext_lazy("端午节"),
    Holiday.national_day.value: gettext_lazy("国庆节"),
    Holiday.mid_autumn_festival.value: gettext_lazy("中秋节"),
    Holiday.anti_fascist_70th_day.value: gettext_lazy("抗战胜利70周年纪念日"),
}
LIBRARY_HOLIDAYS: Mapping[date, str] = dict(chinese_calendar.holidays)
LIBRARY_WORKDAYS: Mapping[date, str] = dict(chinese_calendar.workdays)
LIBRARY_YEARS = frozenset(range(min(LIBRARY_HOLIDAYS).year, max(LIBRARY_HOLIDAYS).year + 1))


# --- the weekday rule, in closed form over date ordinals (ordinal 1, 0001-01-01, is a Monday)


def _weekday_count(o: int) -> int:
    """Monday–Friday days with ordinal 1..o."""
    return 5 * (o // 7) + min(o % 7, 5)


def _nth_weekday(k: int) -> int:
    """The ordinal of the k-th Monday–Friday day from ordinal 1 (k ≥ 1)."""
    if k < 1:
        raise ValueError("date out of range")
    q, r = divmod(k - 1, 5)
    return 7 * q + r + 1


def _is_weekday(o: int) -> bool:
    return (o - 1) % 7 < 5


# --- one immutable calendar


@dataclass(frozen=True, eq=False)
class WorkCalendar:
    """Working days over the ordinals [start, end]; the weekday rule outside them.

    `cum[i]` counts the working days with ordinal ≤ start + i, on the same origin as the
    weekday rule's count before `start`, so one count `_count(o)` runs across the boundaries.
    """

    start: int
    end: int
    flags: bytes
    cum: array
    ordinals: array
    maintained: frozenset[int]

    @classmethod
    def build(
        cls,
        overrides: Mapping[date, bool],
        holidays: Iterable[date] = LIBRARY_HOLIDAYS,
        workdays: Iterable[date] = LIBRARY_WORKDAYS,
        library_years: Iterable[int] = LIBRARY_YEARS,
    ) -> "WorkCalendar":
        """Pure: the library's days merged with `overrides` (date → is a working day)."""
        library_years = set(library_years)
        maintained = frozenset(library_years | {d.year for d in overrides})
        years = maintained or {MIN_YEAR}
        start = date(min(years), 1, 1).toordinal()
        end = date(max(years), 12, 31).toordinal()
        off = {d.toordinal() for d in holidays}
        on = {d.toordinal() for d in workdays}
        forced = {d.toordinal(): bool(v) for d, v in overrides.items()}
        flags = bytearray(end - start + 1)
        cum = array("q", bytes(8 * len(flags)))
        ordinals = array("q")
        running = _weekday_count(start - 1)
        for i in range(len(flags)):
            o = start + i
            work = forced.get(o)
            if work is None:
                work = o in on or (_is_weekday(o) and o not in off)
            if work:
                flags[i] = 1
                running += 1
                ordinals.append(o)
            cum[i] = running
        return cls(start, end, bytes(flags), cum, ordinals, maintained)

    def _is_work(self, o: int) -> bool:
        if self.start <= o <= self.end:
            return bool(self.flags[o - self.start])
        return _is_weekday(o)

    def _count(self, o: int) -> int:
        """Working days with ordinal ≤ o (from a fixed origin)."""
        if o < self.start:
            return _weekday_count(o)
        if o > self.end:
            return self.cum[-1] + _weekday_count(o) - _weekday_count(self.end)
        return self.cum[o - self.start]

    def _nth(self, k: int) -> int:
        """The ordinal of the k-th working day from the origin."""
        first = _weekday_count(self.start - 1)
        if k <= first:
            return _nth_weekday(k)
        last = self.cum[-1]
        if k <= last:
            return self.ordinals[k - first - 1]
        return _nth_weekday(k - last + _weekday_count(self.end))

    def is_workday(self, day: date) -> bool:
        return self._is_work(day.toordinal())

    def add(self, day: date, n: int) -> date:
        if n == 0:
            return day
        o = day.toordinal()
        if n > 0:
            return date.fromordinal(self._nth(self._count(o) + n))
        before = self._count(o) - self._is_work(o)  # working days strictly before `day`
        return date.fromordinal(self._nth(before + n + 1))

    def between(self, start: date, end: date) -> int:
        return self._count(end.toordinal()) - self._count(start.toordinal())

    def deadline_day(
        self, received: date, limit: int, pauses: Iterable[tuple[date, date | None]] = ()
    ) -> date | None:
        """The last day of the limit (see `deadline`), or None while a pause is open."""
        if limit < 0:
            raise ValueError("limit_days must be 0 or more")
        due = self.add(received, limit)
        for begin, end in _merged(pauses):
            if begin > due:
                break  # pauses start in order and `due` only grows: none of the rest counts
            if end is None:
                return None
            if end > received:
                due = self.add(due, max(0, self.between(max(begin, received), end)))
        return due

    def is_maintained(self, year: int) -> bool:
        return year in self.maintained


def _merged(pauses: Iterable[tuple[date, date | None]]) -> list[tuple[date, date | None]]:
    """Pauses sorted by start, overlapping or touching ones joined (an open one absorbs every
    later one), so a stopped day is never added twice."""
    spans = []
    for begin, end in sorted(pauses, key=lambda p: p[0]):
        if end is not None and end < begin:
            raise ValueError("a pause ends before it starts")
        if spans and (spans[-1][1] is None or begin <= spans[-1][1]):
            last_begin, last_end = spans[-1]
            spans[-1] = (last_begin, None if end is None else max(last_end, end))
        else:
            spans.append((begin, end))
    return spans


# --- the process's calendar, rebuilt when the overrides change

_lock = threading.Lock()
_calendar: WorkCalendar | None = None
_signature: tuple | None = None
_checked = 0.0


def _db_signature() -> tuple:
    row = CalendarDay.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return row["n"], row["last"]


def _overrides() -> dict[date, bool]:
    return {
        day: kind == DayKind.WORKDAY for day, kind in CalendarDay.objects.values_list("day", "kind")
    }


def current() -> WorkCalendar:
    """This process's calendar; checks the overrides' signature at most every CHECK_SECONDS."""
    global _calendar, _signature, _checked
    cal = _calendar
    if cal is not None and time.monotonic() - _checked < CHECK_SECONDS:
        return cal
    with _lock:
        signature = _db_signature()
        if _calendar is None or signature != _signature:
            _calendar, _signature = WorkCalendar.build(_overrides()), signature
        _checked = time.monotonic()
        return _calendar


def forget() -> None:
    """Drop this process's calendar; the next call rebuilds it (tests start from here)."""
    global _calendar
    with _lock:
        _calendar = None


def invalidate() -> None:
    """Forget this process's calendar now and once more when the current transaction commits."""
    forget()
    transaction.on_commit(forget)


# --- the public functions


def as_date(value: date | datetime) -> date:
    """A date as it is; an aware datetime as its date in Asia/Shanghai; naive is refused."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime: give a timezone-aware one")
        return value.astimezone(SHANGHAI).date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date or datetime, got {type(value).__name__}")


def iso(value: datetime | None) -> str | None:
    """An aware datetime as ISO-8601 in Asia/Shanghai (for evidence and exports); None stays."""
    return None if value is None else value.astimezone(SHANGHAI).isoformat()


def start_of_day(day: date) -> datetime:
    """00:00 of `day` in Asia/Shanghai."""
    return datetime.combine(day, dtime.min, tzinfo=SHANGHAI)


def end_of_day(day: date) -> datetime:
    """23:59:59.999999 of `day` in Asia/Shanghai."""
    return datetime.combine(day, dtime.max, tzinfo=SHANGHAI)


def is_workday(day: date | datetime) -> bool:
    return current().is_workday(as_date(day))


def add_working_days(day: date | datetime, n: int) -> date:
    """The n-th working day after `day` (`day` itself not counted); see the module docstring."""
    return current().add(as_date(day), n)


def working_days_between(start: date | datetime, end: date | datetime) -> int:
    """Working days in (start, end]; negative (minus those in (end, start]) when end < start."""
    return current().between(as_date(start), as_date(end))


def deadline(
    received_at: datetime,
    limit_days: int,
    pauses: Iterable[tuple[datetime, datetime | None]] = (),
) -> datetime | None:
    """The end (23:59:59.999999 Asia/Shanghai) of the `limit_days`-th working day after the day
    of receipt, moved later by the working days the clock was stopped (补正, 暂停 → 恢复).

    A pause from day A to day B stops the clock for the working days in (A, B]: day A still
    counts (the clock ran that day), day B does not (a restarted period does not count its first
    day either). So a pause that starts and ends on the same day adds nothing, and a pause that
    begins on the last day of the limit ends the limit on day B (when B is a working day).
    Pauses are applied in order of their start; one that starts after the deadline as extended
    so far is ignored (the case was already late: a later suspension does not cure it); one that
    overlaps or touches another is joined to it (no day added twice); days before the receipt
    day add nothing. An open pause (end None) that began on or before the deadline means the
    clock is stopped: there is no deadline yet, and the result is None. `limit_days` = 0 gives
    the end of the receipt day. Pauses only ever move a deadline later.

    Examples (2026; 10-01..10-07 National Day, 10-10 a 调休 Saturday):
    - received 2026-09-30 10:00, 1 day → 2026-10-08 23:59:59.999999.
    - received 2026-09-28 (Mon), 5 days → 09-29, 09-30, 10-08, 10-09, 10-10: 2026-10-10.
    - received 2026-09-28, 3 days → 2026-10-08. With 暂停 on 09-29 and 恢复 on 10-09, a
      suspension spanning that deadline: (09-29, 10-09] holds 3 working days (09-30, 10-08,
      10-09), so the limit ends on the 3 + 3 = 6th working day after 09-28: 2026-10-12.
    - same, 补正 on 09-29 with no 恢复 yet → None.
    - same, 暂停 on 10-12 (after the 10-08 deadline) → 2026-10-08: ignored.
    """
    spans = [(as_date(a), None if b is None else as_date(b)) for a, b in pauses]
    day = current().deadline_day(as_date(received_at), limit_days, spans)
    return None if day is None else end_of_day(day)


def years_maintained() -> set[int]:
    """The years the library knows or the administrator has set at least one day of."""
    return set(current().maintained)


def is_maintained(year: int) -> bool:
    return current().is_maintained(year)


# --- one year, for the calendar page and `lianfang calendar show` (read fresh, not cached)


@dataclass(frozen=True)
class YearDay:
    """A day of a year that is not plain Monday–Friday work and weekend rest, or is overridden."""

    day: date
    kind: str  # DayKind
    name: str
    note: str
    override: CalendarDay | None
    library_kind: str  # what the library (or the weekday rule) says
    library_name: str

    @property
    def kind_label(self) -> str:
        return str(DayKind(self.kind).label)

    @property
    def library_kind_label(self) -> str:
        return str(DayKind(self.library_kind).label)


def library_day(day: date) -> tuple[str, str]:
    """(kind, name) of `day` by the library, or by the weekday rule (name "") when it has none."""
    if day in LIBRARY_WORKDAYS:
        holiday = HOLIDAY_NAMES.get(LIBRARY_WORKDAYS[day], LIBRARY_WORKDAYS[day])
        return DayKind.WORKDAY, _("%(name)s调休上班") % {"name": holiday}
    if day in LIBRARY_HOLIDAYS:
        return DayKind.HOLIDAY, str(HOLIDAY_NAMES.get(LIBRARY_HOLIDAYS[day], LIBRARY_HOLIDAYS[day]))
    return (DayKind.WORKDAY if day.weekday() < 5 else DayKind.HOLIDAY), ""


def year_days(year: int) -> list[YearDay]:
    """The year's holidays and make-up working days, the library's merged with the overrides."""
    overrides = {o.day: o for o in CalendarDay.objects.filter(day__year=year)}
    days = {d for d in (*LIBRARY_HOLIDAYS, *LIBRARY_WORKDAYS) if d.year == year} | set(overrides)
    rows = []
    for day in sorted(days):
        kind, name = library_day(day)
        o = overrides.get(day)
        rows.append(
            YearDay(
                day=day,
                kind=o.kind if o else kind,
                name=(o.name or (name if o.kind == kind else "")) if o else name,
                note=o.note if o else "",
                override=o,
                library_kind=kind,
                library_name=name,
            )
        )
    return rows


def year_maintained(year: int) -> bool:
    """Like `is_maintained`, read from the database now (for the page right after an edit)."""
    return year in LIBRARY_YEARS or CalendarDay.objects.filter(day__year=year).exists()


def year_working_days(year: int) -> int:
    return working_days_between(date(year, 1, 1) - timedelta(days=1), date(year, 12, 31))
