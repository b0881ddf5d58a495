"""The supervision sweep (lianfang.supervision.sweep) and `lianfang supervise sweep/watch`."""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from lianfang.core.calendar import SHANGHAI, add_working_days, end_of_day
from lianfang.core.models import AuditEntry
from lianfang.supervision.ingest import ingest
from lianfang.supervision.models import CardLevel, Case, CaseStatus, DepartmentScore, Finding, Rule
from lianfang.supervision.sweep import sweep

from .case_events import accept, at, ingested, row
from .power_factories import MONITORED, PowerItemFactory, simple_flow

US = timedelta(microseconds=1)


@pytest.fixture
def item(org):
    """1-day promised, 20-day legal; flowchart times 受理 1, 审核 3, 批准 2 working days."""
    item = PowerItemFactory(department=org.approval, legal_limit=20, promised_limit=1)
    simple_flow(item, case_steps=MONITORED)
    return item


@pytest.fixture
def plain(org):
    """3-day promised, 20-day legal, no step limits (so no step_overdue)."""
    return PowerItemFactory(department=org.approval, legal_limit=20, promised_limit=3)


def run(*rows):
    ingested(rows)
    return Case.objects.get(external_no=rows[0]["case"])


def found(case=None) -> set[tuple[str, str]]:
    qs = Finding.objects.all() if case is None else Finding.objects.filter(case=case)
    return set(qs.values_list("rule", "key"))


def level(case) -> int:
    case.refresh_from_db()
    return case.card_level


def test_it_prompts_from_the_working_day_before_the_deadline(plain):
    # Received Mon 09-28, 3 days → 09-29, 09-30, 10-08 (after National Day): due 10-08.
    case = run(accept(plain))
    assert case.due_at == end_of_day(date(2026, 10, 8))
    assert case.prompt_at == at(2026, 9, 30)  # 1 working day before 10-08
    assert sweep(at(2026, 9, 30) - US).found == 0
    result = sweep(at(2026, 9, 30))
    assert result.counts == {
        "prompt": 1,
        "near_deadline": 0,
        "step_overdue": 0,
        "promised_overdue": 0,
        "legal_overdue": 0,
    }
    finding = Finding.objects.get()
    assert (finding.rule, finding.key, finding.level) == ("prompt", "", CardLevel.PROMPT)
    assert finding.deadline_at == case.due_at
    assert finding.reply_due_at is None  # a prompt is not a card
    assert level(case) == CardLevel.PROMPT


def test_it_gives_a_yellow_card_when_the_due_day_begins_and_the_case_is_open(plain):
    case = run(accept(plain))
    assert sweep(at(2026, 10, 8) - US).counts["near_deadline"] == 0  # in the holiday
    assert sweep(at(2026, 10, 8)).counts["near_deadline"] == 1
    finding = Finding.objects.get(rule=Rule.NEAR_DEADLINE)
    assert finding.level == CardLevel.YELLOW
    # 5 working days after 10-08: 10-09, 10-10 (调休 Saturday), 10-12, 10-13, 10-14.
    assert finding.reply_due_at == end_of_day(date(2026, 10, 14))
    assert level(case) == CardLevel.YELLOW


def test_it_can_widen_the_yellow_window(plain):
    run(accept(plain))
    assert sweep(at(2026, 9, 30, 12), near_days=1).counts["near_deadline"] == 1


def test_it_gives_a_red_card_one_microsecond_after_the_promised_deadline(plain):
    case = run(accept(plain))
    assert sweep(case.due_at).counts["promised_overdue"] == 0  # the last instant still in time
    assert level(case) == CardLevel.YELLOW
    result = sweep(case.due_at + US)
    assert result.counts["promised_overdue"] == 1
    assert result.counts["near_deadline"] == 0  # already found
    assert level(case) == CardLevel.RED
    assert found(case) == {("prompt", ""), ("near_deadline", ""), ("promised_overdue", "")}


def test_it_gives_a_red_card_past_the_legal_deadline(plain):
    case = run(accept(plain))
    legal = end_of_day(add_working_days(date(2026, 9, 28), 20))
    assert case.legal_due_at == legal
    assert sweep(legal).counts["legal_overdue"] == 0
    assert sweep(legal + US).counts["legal_overdue"] == 1
    finding = Finding.objects.get(rule=Rule.LEGAL_OVERDUE)
    assert (finding.level, finding.deadline_at) == (CardLevel.RED, legal)
    assert finding.evidence["limit_days"] == 20


def test_it_handles_the_working_day_before_a_holiday(item):
    # Received 09-30, 1 day → due 10-08; prompt from 09-30 00:00 (1 working day before 10-08).
    case = run(accept(item, when="2026-09-30T10:00:00+08:00"))
    assert sweep(at(2026, 10, 7, 23)).counts["prompt"] == 1
    result = sweep(at(2026, 10, 9))
    assert result.counts["promised_overdue"] == 1
    assert result.counts["step_overdue"] == 1  # 受理 was due 10-08 too
    assert level(case) == CardLevel.RED
    red = Finding.objects.get(rule=Rule.PROMISED_OVERDUE)
    assert red.evidence == {
        "rule": "promised_overdue",
        "deadline": "2026-10-08T23:59:59.999999+08:00",
        "limit_days": 1,
        "working_days_late": 1,
        "step": "accept",
        "received_at": "2026-09-30T10:00:00+08:00",
    }


def test_it_counts_a_make_up_saturday(item):
    # Received Fri 10-09, 1 day → Sat 10-10, a 调休 working day.
    case = run(accept(item, when="2026-10-09T09:00:00+08:00"))
    assert case.due_at == end_of_day(date(2026, 10, 10))
    assert sweep(at(2026, 10, 10, 12)).counts["near_deadline"] == 1
    assert sweep(at(2026, 10, 11)).counts["promised_overdue"] == 1
    red = Finding.objects.get(rule=Rule.PROMISED_OVERDUE)
    assert red.evidence["working_days_late"] == 0  # Sunday 10-11 is not a working day


def test_it_counts_the_working_days_late(plain):
    run(accept(plain))
    sweep(at(2026, 10, 13, 12))
    # (10-08, 10-13]: 10-09, 10-10 (调休), 10-12, 10-13.
    assert Finding.objects.get(rule=Rule.PROMISED_OVERDUE).evidence["working_days_late"] == 4
    # A sweep that first runs after the deadline gives the red card only.
    assert found() == {("promised_overdue", "")}


def test_it_gives_nothing_while_suspended_and_the_later_deadline_after_resuming(plain):
    case = run(
        accept(plain), row("suspend", "C1-2", "2026-09-29T15:00:00+08:00", reason="专家评审")
    )
    assert case.status == CaseStatus.PAUSED
    assert sweep(at(2026, 10, 9, 10)).found == 0  # past the original 10-08, but paused
    run(row("resume", "C1-3", "2026-10-09T11:00:00+08:00", case="C1"))
    case.refresh_from_db()
    assert case.due_at == end_of_day(date(2026, 10, 12))
    result = sweep(at(2026, 10, 12, 12))
    assert result.counts["promised_overdue"] == 0
    assert result.counts["near_deadline"] == 1
    assert sweep(at(2026, 10, 13)).counts["promised_overdue"] == 1
    assert Finding.objects.get(rule=Rule.PROMISED_OVERDUE).deadline_at == case.due_at


def test_it_gives_nothing_to_a_completed_case(item):
    run(
        accept(item, when="2026-09-30T10:00:00+08:00"),
        row("complete", "C1-2", "2026-10-12T10:00:00+08:00", result="granted"),
    )
    # What went wrong is found from the events as they arrive (test_supervision_checks); the
    # sweep adds nothing once the case is closed.
    at_ingest = found()
    assert at_ingest == {
        ("outside_system", ""),
        ("step_overdue", "accept"),
        ("promised_overdue", ""),
    }
    result = sweep(at(2026, 12, 1))
    assert result.found == 0
    assert found() == at_ingest
    assert result.escalated == 3  # nobody answered the three cards: that goes on


def test_it_is_idempotent(plain):
    run(accept(plain), accept(plain, case="C2"))
    first = sweep(at(2026, 10, 9))
    assert first.counts["promised_overdue"] == 2
    assert first.found == 2
    before = list(Finding.objects.order_by("pk").values())
    assert sweep(at(2026, 10, 9)).found == 0
    # A later sweep, still within the cards' reply limit (escalation is test_supervision_cards).
    assert sweep(at(2026, 10, 14)).found == 0
    assert list(Finding.objects.order_by("pk").values()) == before
    entries = AuditEntry.objects.filter(object_type="supervision.sweep")
    assert entries.count() == 1
    assert entries.get().after["promised_overdue"] == 2


def test_it_finds_each_step_overdue_once(item):
    case = run(accept(item, when="2026-09-30T10:00:00+08:00"))
    sweep(at(2026, 10, 9))
    assert ("step_overdue", "accept") in found(case)
    # 审核 from 10-09 10:00 with 3 days: 10-10, 10-12, 10-13.
    run(row("review", "C1-2", "2026-10-09T10:00:00+08:00"))
    case.refresh_from_db()
    assert case.step_due_at == end_of_day(date(2026, 10, 13))
    assert sweep(case.step_due_at).counts["step_overdue"] == 0
    assert sweep(case.step_due_at + US).counts["step_overdue"] == 1
    finding = Finding.objects.get(rule=Rule.STEP_OVERDUE, key="review")
    assert finding.evidence["limit_days"] == 3
    assert finding.evidence["step"] == "review"
    assert finding.reply_due_at == end_of_day(add_working_days(date(2026, 10, 14), 5))
    assert sweep(at(2026, 11, 1)).counts["step_overdue"] == 0


def test_it_never_lowers_a_card(plain):
    case = run(accept(plain))
    Case.objects.filter(pk=case.pk).update(card_level=CardLevel.RED)
    assert sweep(at(2026, 10, 8)).found == 2  # prompt and near_deadline
    assert level(case) == CardLevel.RED


def test_it_sweeps_many_cases_in_a_bounded_number_of_queries(item, django_assert_max_num_queries):
    rows = [accept(item, case=f"C{i:03d}", when="2026-09-30T10:00:00+08:00") for i in range(300)]
    ingest(rows, actor=None, source_name="test")
    with django_assert_max_num_queries(25):
        result = sweep(at(2026, 10, 9))
    assert result.counts["promised_overdue"] == 300
    assert result.counts["step_overdue"] == 300
    assert Case.objects.filter(card_level=CardLevel.RED).count() == 300


def test_it_refuses_a_naive_now(plain):
    with pytest.raises(ValueError):
        sweep(datetime(2026, 10, 9))


def test_the_command_sweeps_at_the_given_time(plain):
    run(accept(plain))
    out = StringIO()
    call_command("supervise", "sweep", "--now", "2026-10-09T00:00:00+08:00", stdout=out)
    text = out.getvalue()
    assert "新发现 1 条" in text
    assert "超过承诺时限（promised_overdue）：1" in text
    assert "超过法定时限（legal_overdue）：0" in text
    assert Finding.objects.count() == 1


@pytest.mark.parametrize("value", ["2026-13-01T00:00:00+08:00", "tomorrow", "2026-10-09T00:00"])
def test_the_command_refuses_a_malformed_now(plain, value):
    with pytest.raises(CommandError, match="--now"):
        call_command("supervise", "sweep", "--now", value, stdout=StringIO())


def test_the_command_watches_once(plain):
    out = StringIO()
    call_command("supervise", "watch", "--once", stdout=out)
    assert "新发现" in out.getvalue()


def test_the_watch_keeps_the_months_scores(plain):
    yesterday = timezone.localdate() - timedelta(days=1)
    received = datetime.combine(yesterday, datetime.min.time().replace(hour=9), tzinfo=SHANGHAI)
    run(accept(plain, when=received.isoformat()))
    out = StringIO()
    call_command("supervise", "watch", "--once", stdout=out)
    score = DepartmentScore.objects.get()
    assert (score.department, score.month) == (plain.department, yesterday.replace(day=1))
    assert "绩效得分" in out.getvalue()
