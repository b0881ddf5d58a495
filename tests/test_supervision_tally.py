"""The board's daily counts (lianfang.supervision.tally): kept by ingest and the sweep as cases
arrive and close and cards are found, always equal to counting afresh."""

from datetime import date

from lianfang.core.calendar import end_of_day
from lianfang.supervision import tally
from lianfang.supervision.models import CaseTally
from lianfang.supervision.sweep import sweep

from .case_events import accept, ingested, row
from .power_factories import PowerItemFactory


def counts() -> dict:
    """(day, department, item) → the non-zero counts, in the order of `tally.COUNTS`."""
    found = {}
    for t in CaseTally.objects.all():
        values = tuple(getattr(t, name) for name in tally.COUNTS)
        if any(values):
            found[(t.day, t.department_id, t.power_item_id)] = values
    return found


def test_it_counts_cases_as_they_arrive_and_close_like_a_fresh_count(org):
    item = PowerItemFactory(department=org.approval, legal_limit=20, promised_limit=5)
    other = PowerItemFactory(department=org.finance, legal_limit=20, promised_limit=5)
    ingested([accept(item, "A"), accept(item, "B"), accept(other, "C")])  # 09-28
    ingested(
        [
            accept(item, "D", "2026-09-29T23:30:00+08:00"),  # 15:30 UTC: still the 29th here
            row("complete", "A-2", "2026-09-30T10:00:00+08:00", "A", result="granted"),
            row("suspend", "B-2", "2026-09-30T10:00:00+08:00", "B", reason="听证"),
            row("merge", "C-2", "2026-10-08T10:00:00+08:00", "C", reason="同一申请人重复申请"),
        ]
    )
    kept = counts()
    assert kept[(date(2026, 9, 28), org.approval.pk, item.pk)] == (2, 1, 1, 0, 0, 0)
    assert kept[(date(2026, 9, 29), org.approval.pk, item.pk)] == (1, 1, 0, 0, 0, 0)
    # A's 办结 came with no step between: completed that day, and a red card (体外办结).
    assert kept[(date(2026, 9, 30), org.approval.pk, item.pk)] == (0, 0, 0, 1, 0, 1)
    assert kept[(date(2026, 9, 28), org.finance.pk, other.pk)] == (1, 0, 0, 0, 0, 0)  # merged
    ingested([row("complete", "A-2", "2026-09-30T10:00:00+08:00", "A", result="granted")])
    assert counts() == kept  # a replay changes nothing
    tally.rebuild()
    assert counts() == kept


def test_it_counts_a_card_found_at_the_last_microsecond_on_its_day(org):
    item = PowerItemFactory(department=org.approval, legal_limit=20, promised_limit=1)
    ingested([accept(item, "A")])  # received Mon 09-28, due Tue 09-29
    sweep(end_of_day(date(2026, 9, 29)))  # the due day's last instant: a yellow card
    kept = counts()
    assert kept[(date(2026, 9, 29), org.approval.pk, item.pk)][4] == 1
    tally.rebuild()  # SQLite rounds to milliseconds: 23:59:59.999999 must not become the 30th
    assert counts() == kept
