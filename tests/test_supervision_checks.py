"""The event rules (lianfang.supervision.checks) and the findings ingest makes of them."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from lianfang.core.calendar import SHANGHAI, add_working_days, end_of_day
from lianfang.core.models import AuditEntry
from lianfang.supervision import checks
from lianfang.supervision.checks import EventFacts, ItemFacts, Standard, case_findings
from lianfang.supervision.clock import Limits
from lianfang.supervision.ingest import ingest
from lianfang.supervision.models import CardLevel, Case, Finding

from . import case_events
from .case_events import at, ingested, row
from .power_factories import MONITORED, DiscretionStandardFactory, PowerItemFactory, simple_flow

pytestmark = pytest.mark.django_db

US = timedelta(microseconds=1)
RECEIVED = datetime(2026, 9, 30, 10, tzinfo=SHANGHAI)
# No time limits: the process, fee and penalty rules alone.
UNTIMED = ItemFacts(Limits(None, None))


def ev(kind, hours, **extra) -> EventFacts:
    """An event `hours` after RECEIVED (受理 at 0)."""
    return EventFacts(kind, RECEIVED + timedelta(hours=hours), f"E{hours}", **extra)


def rules_of(drafts) -> set[tuple[str, str]]:
    return {(d.rule, d.key) for d in drafts}


def judged(*events, item=UNTIMED):
    return case_findings(RECEIVED, [ev("accept", 0), *events], item)


def full(*closing, item=UNTIMED):
    """受理 → 承办 → 审核 → 批准 and the given closing events."""
    steps = [ev("undertake", 1), ev("review", 2), ev("approve", 3)]
    return case_findings(RECEIVED, [ev("accept", 0), *steps, *closing], item)


# --- the pure rules


def test_a_complete_case_in_order_breaks_nothing():
    assert full(ev("complete", 4, data={"result": "granted"})) == []


def test_it_finds_a_step_before_the_current_one_but_not_after_a_return():
    drafts = judged(ev("review", 1), ev("undertake", 2))
    assert rules_of(drafts) == {("skipped_step", "undertake"), ("out_of_order", "undertake")}
    out = next(d for d in drafts if d.rule == "out_of_order")
    assert out.found_at == RECEIVED + timedelta(hours=2)
    assert out.evidence["step"] == "review"
    assert out.evidence["event_id"] == "E2"
    assert out.evidence["kind"] == "undertake"
    assert out.evidence["at"] == "2026-09-30T12:00:00+08:00"
    returned = judged(
        ev("undertake", 1), ev("review", 2), ev("return", 3, reason="材料不全"), ev("undertake", 4)
    )
    assert returned == []


def test_it_finds_the_skipped_steps_with_their_labels():
    [draft] = judged(ev("undertake", 1), ev("complete", 2, data={"result": "granted"}))
    assert (draft.rule, draft.key) == ("skipped_step", "review")
    assert draft.evidence["skipped"] == [
        {"step": "review", "label": "审核"},
        {"step": "approve", "label": "批准"},
    ]


def test_only_the_steps_the_flowchart_maps_are_mandatory():
    mapped = ItemFacts(Limits(None, None, {"accept": 1, "approve": 2}))
    assert judged(ev("approve", 1), item=mapped) == []
    assert rules_of(judged(ev("complete", 1, data={"result": "granted"}), item=mapped)) == {
        ("outside_system", "")
    }
    on_the_spot = ItemFacts(Limits(None, None, {"accept": 0}))
    assert judged(ev("complete", 1, data={"result": "granted"}), item=on_the_spot) == []


def test_a_completion_without_the_steps_between_is_outside_the_system_not_skipped():
    drafts = judged(ev("complete", 1, data={"result": "granted"}))
    assert rules_of(drafts) == {("outside_system", "")}
    drafts = judged(ev("approve", 1), ev("complete", 2, data={"result": "granted"}))
    assert rules_of(drafts) == {("skipped_step", "undertake")}


def test_it_wants_a_reason_for_a_return_and_a_refusal():
    assert rules_of(judged(ev("undertake", 1), ev("return", 2))) == {("no_reason", "return")}
    assert judged(ev("undertake", 1), ev("return", 2, reason="材料不全")) == []
    refused = full(ev("complete", 4, data={"result": "refused"}))
    assert rules_of(refused) == {("no_reason", "complete")}
    assert full(ev("complete", 4, data={"result": "refused"}, reason="不符合条件")) == []
    assert full(ev("complete", 4, data={"result": "granted"})) == []


def _fee(fee, amount, basis="《收费标准》"):
    item = ItemFacts(Limits(None, None), fee_amount=amount, fee_basis=basis, fee_standard="每件")
    return full(ev("complete", 4, data={"result": "granted", "fee": fee}), item=item)


def test_a_fee_equal_to_the_standard_is_fine_and_a_cent_off_is_not():
    assert _fee("10.00", Decimal("10.00")) == []
    assert _fee("10", Decimal("10.00")) == []
    [draft] = _fee("10.01", Decimal("10.00"))
    assert (draft.rule, draft.key) == ("fee_mismatch", "")
    assert draft.evidence["charged"] == "10.01"
    assert draft.evidence["standard"] == "10.00"
    assert draft.evidence["basis"] == "《收费标准》"
    assert rules_of(_fee("0", Decimal("10.00"))) == {("fee_mismatch", "")}


def test_a_fee_on_an_item_without_one_has_no_basis():
    assert _fee("0", None, basis="") == []
    [draft] = _fee("0.01", None, basis="")
    assert draft.rule == "fee_no_basis"
    assert draft.evidence["standard"] is None
    item = ItemFacts(Limits(None, None), fee_amount=Decimal("10.00"))
    assert full(ev("complete", 4, data={"result": "granted"}), item=item) == []  # none given


STANDARDS = ItemFacts(
    Limits(None, None),
    standards=(
        Standard("ordinary", "警告，并处罚款", Decimal("5000.00"), Decimal("10000.00")),
        Standard("serious", "罚款；吊销许可证", Decimal("10000.00"), None),
    ),
)


def _penalty(item=STANDARDS, **data):
    return full(ev("complete", 4, data={"result": "granted", **data}), item=item)


def test_a_penalty_at_either_end_of_the_range_is_within_it():
    assert _penalty(circumstance="ordinary", penalty_type="罚款", penalty_amount="5000.00") == []
    assert _penalty(circumstance="ordinary", penalty_type="罚款", penalty_amount="10000.00") == []
    assert _penalty(circumstance="ordinary", penalty_type="警告") == []
    assert _penalty(circumstance="serious", penalty_type="罚款", penalty_amount="99999.00") == []


@pytest.mark.parametrize("amount", ["4999.99", "10000.01"])
def test_a_penalty_a_cent_outside_the_range_is_found(amount):
    [draft] = _penalty(circumstance="ordinary", penalty_type="罚款", penalty_amount=amount)
    assert (draft.rule, draft.key) == ("penalty_range", "")
    assert draft.evidence["problem"] == "amount"
    assert draft.evidence["amount"] == amount
    assert draft.evidence["allowed"] == [
        {"types": ["罚款", "警告"], "min": "5000.00", "max": "10000.00"}
    ]


def test_a_penalty_of_another_type_or_circumstance_is_found():
    [draft] = _penalty(circumstance="ordinary", penalty_type="吊销许可证")
    assert draft.evidence["problem"] == "type"
    [draft] = _penalty(circumstance="minor", penalty_type="警告")
    assert draft.evidence["problem"] == "circumstance"
    assert draft.evidence["allowed"] == []
    assert _penalty(circumstance="minor") == []  # no penalty given
    assert _penalty(item=UNTIMED, circumstance="minor", penalty_type="警告") == []


def test_it_splits_penalty_types_on_the_usual_separators():
    assert checks.penalty_types("警告，并处罚款") == {"警告", "罚款"}
    assert checks.penalty_types("警告、罚款; 没收违法所得；或者吊销许可证") == {
        "警告",
        "罚款",
        "没收违法所得",
        "吊销许可证",
    }


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cents=st.integers(min_value=0, max_value=2_000_000))
def test_a_penalty_is_found_exactly_when_outside_the_range(cents):
    amount = Decimal(cents).scaleb(-2)
    drafts = _penalty(circumstance="ordinary", penalty_type="罚款", penalty_amount=str(amount))
    assert bool(drafts) == (not Decimal(5000) <= amount <= Decimal(10000))


TIMED = ItemFacts(Limits(20, 1, {"accept": 1, "undertake": 1, "review": 3, "approve": 2}))


def test_a_step_late_by_a_microsecond_is_found_with_the_sweeps_evidence():
    # 受理 on 09-30 with 1 day: due at the end of 10-08 (after National Day).
    due = end_of_day(date(2026, 10, 8))
    on_time = EventFacts("undertake", due, "E1")
    assert case_findings(RECEIVED, [ev("accept", 0), on_time], TIMED) == []
    late = EventFacts("undertake", due + US, "E1")
    [draft] = case_findings(RECEIVED, [ev("accept", 0), late], TIMED)
    assert (draft.rule, draft.key, draft.deadline_at) == ("step_overdue", "accept", due)
    assert draft.found_at == due + US
    assert draft.evidence == {
        "rule": "step_overdue",
        "deadline": "2026-10-08T23:59:59.999999+08:00",
        "limit_days": 1,
        "working_days_late": 1,
        "step": "accept",
        "received_at": "2026-09-30T10:00:00+08:00",
        "event_id": "E1",
        "kind": "undertake",
        "at": "2026-10-09T00:00:00+08:00",
    }


def test_the_step_clock_stops_while_suspended():
    # 受理 due at the end of 10-08; suspended that morning, resumed on 10-12: the 3 working days
    # in (10-08, 10-12] (10-10 a 调休 Saturday) move the step's limit to the end of 10-12.
    events = [
        ev("accept", 0),
        EventFacts("suspend", at(2026, 10, 8, 9), "S", reason="听证"),
        EventFacts("resume", at(2026, 10, 12, 9), "R"),
        EventFacts("undertake", at(2026, 10, 12, 15), "U"),
    ]
    assert case_findings(RECEIVED, events, TIMED) == []


def test_only_new_events_are_judged():
    events = [ev("accept", 0), EventFacts("review", RECEIVED + timedelta(hours=1), new=False)]
    assert case_findings(RECEIVED, events, UNTIMED) == []


# --- through ingest


@pytest.fixture
def item(org):
    """1-day promised, 20-day legal; flowchart maps 受理 1, 审核 3, 批准 2 (承办 is not mapped)."""
    item = PowerItemFactory(
        department=org.approval,
        legal_limit=20,
        promised_limit=1,
        fee_amount="10.00",
        fee_basis="《行政事业性收费标准》",
        fee_standard="每件10元",
    )
    simple_flow(item, case_steps=MONITORED)
    return item


def accept(item, case="C1", when="2026-09-30T10:00:00+08:00"):
    return case_events.accept(item, case, when)


def flow(item, case="C1", *, done, received="2026-09-30T10:00:00+08:00", **closing):
    """受理, 审核 and 批准 on the day after National Day, and 办结 at `done`."""
    return [
        accept(item, case, received),
        row("review", f"{case}-2", "2026-10-08T09:00:00+08:00", case),
        row("approve", f"{case}-3", "2026-10-08T10:00:00+08:00", case),
        row("complete", f"{case}-4", done, case, **{"result": "granted", **closing}),
    ]


def found() -> set[tuple[str, str]]:
    return set(Finding.objects.values_list("rule", "key"))


def test_it_completes_on_the_due_day_in_time_and_late_on_the_working_day_after(item):
    ingested(flow(item, done="2026-10-08T23:59:59.999999+08:00"))
    assert found() == set()
    result = ingested(flow(item, "C2", done="2026-10-09T09:00:00+08:00"))
    assert result.findings == 1
    finding = Finding.objects.get()
    assert (finding.rule, finding.level) == ("promised_overdue", CardLevel.RED)
    assert finding.found_at == at(2026, 10, 9, 9)
    assert finding.deadline_at == end_of_day(date(2026, 10, 8))
    assert finding.evidence["working_days_late"] == 1
    assert finding.evidence["step"] == "approve"
    assert finding.evidence["event_id"] == "C2-4"
    # The reply limit counts from the event, not from the time of ingest.
    assert finding.reply_due_at == end_of_day(add_working_days(date(2026, 10, 9), 5))
    assert result.finding_ids == [finding.pk]
    assert Case.objects.get(external_no="C2").card_level == CardLevel.RED
    assert Case.objects.get(external_no="C1").card_level == CardLevel.NONE


def test_a_make_up_saturday_counts(item):
    # Received Fri 10-09 with 1 day: due on Sat 10-10, a 调休 working day.
    def rows(case, done):
        return [
            accept(item, case, "2026-10-09T09:00:00+08:00"),
            row("review", f"{case}-2", "2026-10-09T10:00:00+08:00", case),
            row("approve", f"{case}-3", "2026-10-09T11:00:00+08:00", case),
            row("complete", f"{case}-4", done, case, result="granted"),
        ]

    ingested(rows("C1", "2026-10-10T17:00:00+08:00"))
    assert found() == set()
    ingested(rows("C2", "2026-10-11T09:00:00+08:00"))
    assert found() == {("promised_overdue", "")}
    assert Finding.objects.get().evidence["working_days_late"] == 0  # Sunday is not one


def test_a_step_event_after_the_last_microsecond_of_the_step_is_late(item):
    ingested([accept(item), row("review", "C1-2", "2026-10-08T23:59:59.999999+08:00")])
    assert found() == set()
    ingested([accept(item, "C2"), row("review", "C2-2", "2026-10-09T00:00:00+08:00", "C2")])
    finding = Finding.objects.get()
    assert (finding.rule, finding.key, finding.level) == ("step_overdue", "accept", 2)
    assert finding.evidence["limit_days"] == 1


def test_it_judges_new_events_against_the_stored_ones(item):
    ingested([accept(item), row("approve", "C1-2", "2026-10-08T09:00:00+08:00")])
    assert found() == {("skipped_step", "review")}
    result = ingested([row("review", "C1-3", "2026-10-08T10:00:00+08:00", reason="")])
    assert found() == {("skipped_step", "review"), ("out_of_order", "review")}
    assert result.findings == 1
    assert Case.objects.get().card_level == CardLevel.YELLOW


def test_it_finds_a_fee_and_penalty_at_completion_and_raises_the_card(item):
    DiscretionStandardFactory(item=item)  # 一般: 警告，并处罚款 5000–10000
    rows = flow(
        item,
        done="2026-10-08T16:00:00+08:00",
        fee="12.00",
        penalty_type="罚款",
        penalty_amount="10000.01",
        circumstance="一般",
    )
    result = ingested(rows)
    assert found() == {("fee_mismatch", ""), ("penalty_range", "")}
    assert result.findings == 2
    assert sorted(result.finding_ids) == sorted(Finding.objects.values_list("pk", flat=True))
    fee = Finding.objects.get(rule="fee_mismatch")
    assert fee.evidence["charged"] == "12.00"
    assert fee.evidence["standard"] == "10.00"
    assert fee.evidence["basis"] == "《行政事业性收费标准》"
    assert Case.objects.get().card_level == CardLevel.RED
    entry = AuditEntry.objects.get(object_type="supervision.batch")
    assert entry.after["findings"] == 2


def test_a_fee_at_the_standard_and_a_penalty_at_the_bounds_give_nothing(item):
    DiscretionStandardFactory(item=item)
    for n, amount in enumerate(("5000.00", "10000.00")):
        rows = flow(
            item,
            f"C{n}",
            done="2026-10-08T16:00:00+08:00",
            fee="10.00",
            penalty_type="罚款",
            penalty_amount=amount,
            circumstance="ordinary",
        )
        assert ingested(rows).findings == 0
    assert not Finding.objects.exists()


def test_a_disabled_rule_finds_nothing(item, settings):
    settings.SUPERVISION_RULES_OFF = ["fee_mismatch"]
    result = ingested(flow(item, done="2026-10-08T16:00:00+08:00", fee="12.00"))
    assert result.findings == 0
    assert not Finding.objects.exists()
    assert Case.objects.get().card_level == CardLevel.NONE


def test_a_rule_level_can_be_changed(item, settings):
    settings.SUPERVISION_RULE_LEVELS = {"fee_mismatch": "red"}
    ingested(flow(item, done="2026-10-08T16:00:00+08:00", fee="12.00"))
    assert Finding.objects.get().level == CardLevel.RED
    assert Case.objects.get().card_level == CardLevel.RED
    settings.SUPERVISION_RULE_LEVELS = {"fee_mismatch": "prompt"}
    ingested(flow(item, "C2", done="2026-10-08T16:00:00+08:00", fee="12.00"))
    prompt = Finding.objects.get(case__external_no="C2")
    assert (prompt.level, prompt.reply_due_at) == (CardLevel.PROMPT, None)
    assert Case.objects.get(external_no="C2").card_level == CardLevel.PROMPT


def test_it_never_lowers_a_card_nor_finds_a_finding_twice(item):
    ingested([accept(item)])
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(card_level=CardLevel.RED)
    # The sweep found the 受理 step overdue already.
    Finding.objects.create(
        case=case, rule="step_overdue", key="accept", level=2, found_at=at(2026, 10, 9)
    )
    result = ingested([row("review", "C1-2", "2026-10-12T09:00:00+08:00", reason="")])
    assert result.findings == 0
    assert Finding.objects.count() == 1
    case.refresh_from_db()
    assert case.card_level == CardLevel.RED


def test_a_replayed_batch_finds_nothing_new(item):
    rows = [accept(item), row("approve", "C1-2", "2026-10-12T09:00:00+08:00")]
    first = ingested(rows)
    assert first.findings == 2  # review skipped; 受理 step late
    before = list(Finding.objects.order_by("pk").values())
    again = ingested(rows)
    assert (again.applied, again.replayed, again.findings) == (0, 2, 0)
    assert list(Finding.objects.order_by("pk").values()) == before


def test_the_same_events_give_the_same_findings_in_one_batch_or_several(item):
    events = [
        accept(item),
        row("approve", "C1-2", "2026-10-12T09:00:00+08:00"),
        row("return", "C1-3", "2026-10-12T10:00:00+08:00"),
        row("complete", "C1-4", "2026-10-20T09:00:00+08:00", result="refused", fee="1"),
    ]
    ingested(events)
    other = [{**e, "source": "zwfw"} for e in events]
    ingested(other[:2])
    ingested(other[2:3])
    ingested(other[3:])
    fields = ("rule", "key", "level", "found_at", "deadline_at", "evidence", "reply_due_at")

    def of(source):
        return sorted(Finding.objects.filter(case__source=source).values_list(*fields), key=repr)

    assert {(f[0], f[1]) for f in of("wsbs")} == {
        ("skipped_step", "review"),
        ("step_overdue", "accept"),
        ("no_reason", "return"),
        # Sent back to 审核 (restarted 10-12, 3 days), then completed without 批准.
        ("skipped_step", "approve"),
        ("step_overdue", "review"),
        ("no_reason", "complete"),
        ("fee_mismatch", ""),
        ("promised_overdue", ""),
    }
    assert of("zwfw") == of("wsbs")


def test_a_rejected_batch_creates_no_finding(item):
    rows = [*flow(item, done="2026-10-08T16:00:00+08:00", fee="12.00"), {"source": "wsbs"}]
    result = ingest(rows, actor=None, source_name="test")
    assert (result.applied, result.findings, result.finding_ids) == (0, 0, [])
    assert not Finding.objects.exists()


def _queries(item, cases: int, start: int) -> int:
    first = [
        r
        for n in range(start, start + cases)
        for r in (
            accept(item, f"K{n}"),
            row("approve", f"K{n}-2", "2026-10-12T09:00:00+08:00", f"K{n}"),
        )
    ]
    second = [
        row("complete", f"K{n}-3", "2026-10-13T09:00:00+08:00", f"K{n}", result="refused", fee="1")
        for n in range(start, start + cases)
    ]
    counts = []
    for rows in (first, second):
        with CaptureQueriesContext(connection) as queries:
            result = ingested(rows)
        # skipped 审核 and 受理 late; then no reason, fee, promised limit.
        assert result.findings == cases * (2 if rows is first else 3)
        counts.append(len(queries))
    return counts


def test_the_queries_of_a_chunk_do_not_grow_with_its_cases(item):
    _queries(item, 1, 1000)  # the first call loads the calendar and caches
    assert _queries(item, 10, 0) == _queries(item, 50, 100)
