"""A case's clock (lianfang.supervision.clock): deadlines, prompt, steps and pauses."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianfang.core import calendar
from lianfang.core.calendar import SHANGHAI, end_of_day
from lianfang.supervision.clock import Event, Limits, case_state
from lianfang.supervision.models import CaseStatus

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def ev(kind: str, when: str) -> Event:
    return Event(kind, at(when))


def midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI)


def test_it_ends_one_day_after_the_working_day_before_a_holiday():
    received = at("2026-09-30 10:00")
    state = case_state(received, [ev("accept", "2026-09-30 10:00")], Limits(20, 1))
    assert state.due_at == end_of_day(date(2026, 10, 8))
    assert state.prompt_at == midnight(date(2026, 9, 30))
    assert state.legal_due_at == calendar.deadline(received, 20)
    assert state.status == CaseStatus.OPEN
    assert state.step == "accept"
    assert state.step_started_at == received
    assert state.paused_at is None


def test_it_counts_a_make_up_saturday():
    state = case_state(at("2026-10-09 09:00"), [], Limits(None, 1))
    assert state.due_at == end_of_day(date(2026, 10, 10))
    assert state.legal_due_at is None


def test_it_uses_the_legal_limit_when_nothing_is_promised():
    received = at("2026-09-30 10:00")
    state = case_state(received, [], Limits(1, None))
    assert state.due_at == state.legal_due_at == end_of_day(date(2026, 10, 8))


def test_it_has_no_deadline_without_limits():
    state = case_state(at("2026-09-30 10:00"), [], Limits(None, None))
    assert state.due_at is state.legal_due_at is state.prompt_at is None


def test_it_stops_the_clock_while_suspended():
    events = [ev("accept", "2026-09-28 09:00"), ev("suspend", "2026-09-29 15:00")]
    state = case_state(at("2026-09-28 09:00"), events, Limits(20, 3))
    assert state.status == CaseStatus.PAUSED
    assert state.paused_at == at("2026-09-29 15:00")
    assert state.due_at is state.legal_due_at is state.prompt_at is state.step_due_at is None


def test_it_extends_a_deadline_by_a_suspension_spanning_it():
    events = [
        ev("accept", "2026-09-28 09:00"),
        ev("suspend", "2026-09-29 15:00"),
        ev("resume", "2026-10-09 11:00"),
    ]
    state = case_state(at("2026-09-28 09:00"), events, Limits(20, 3))
    # Without the suspension: 2026-10-08. (09-29, 10-09] holds 3 working days.
    assert state.due_at == end_of_day(date(2026, 10, 12))
    assert state.prompt_at == midnight(date(2026, 10, 10))  # the 调休 Saturday
    assert state.status == CaseStatus.OPEN
    assert state.paused_at is None


def test_it_treats_a_correction_like_a_suspension_and_joins_nested_stops():
    events = [
        ev("correct", "2026-09-29 15:00"),
        ev("suspend", "2026-09-30 10:00"),  # already stopped: part of the same pause
        ev("resume", "2026-10-09 11:00"),
    ]
    state = case_state(at("2026-09-28 09:00"), events, Limits(20, 3))
    assert state.due_at == end_of_day(date(2026, 10, 12))


def test_it_ignores_a_suspension_after_the_deadline():
    events = [ev("suspend", "2026-10-12 09:00"), ev("resume", "2026-10-14 09:00")]
    state = case_state(at("2026-09-28 09:00"), events, Limits(20, 3))
    assert state.due_at == end_of_day(date(2026, 10, 8))


def test_it_times_the_current_step_from_its_start():
    limits = Limits(20, 10, {"accept": 1, "undertake": 2})
    events = [ev("accept", "2026-09-30 09:00"), ev("undertake", "2026-10-09 09:00")]
    state = case_state(at("2026-09-30 09:00"), events, limits)
    assert state.step == "undertake"
    assert state.step_started_at == at("2026-10-09 09:00")
    assert state.step_due_at == end_of_day(date(2026, 10, 12))  # 10-10 (调休), 10-12


def test_it_has_no_step_deadline_for_a_step_without_a_limit():
    events = [ev("accept", "2026-09-30 09:00"), ev("review", "2026-10-09 09:00")]
    state = case_state(at("2026-09-30 09:00"), events, Limits(20, 10, {"accept": 1}))
    assert state.step == "review"
    assert state.step_due_at is None


def test_it_moves_a_step_deadline_by_a_pause_within_the_step():
    limits = Limits(20, 10, {"undertake": 1})
    events = [
        ev("undertake", "2026-09-29 09:00"),
        ev("correct", "2026-09-29 10:00"),
        ev("resume", "2026-10-08 10:00"),
    ]
    state = case_state(at("2026-09-28 09:00"), events, limits)
    # 1 day after 09-29 is 09-30; stopped for (09-29, 10-08] = 09-30, 10-08: 2 more → 10-09.
    assert state.step_due_at == end_of_day(date(2026, 10, 9))


def test_it_takes_steps_in_the_order_they_happened_not_the_order_given():
    events = [ev("review", "2026-10-09 09:00"), ev("undertake", "2026-10-08 09:00")]
    state = case_state(at("2026-09-30 09:00"), events, Limits(20, 10))
    assert state.step == "review"


def test_it_accepts_a_step_out_of_order():
    events = [ev("accept", "2026-09-30 09:00"), ev("approve", "2026-10-08 09:00")]
    state = case_state(at("2026-09-30 09:00"), events, Limits(20, 10))
    assert state.step == "approve"


def test_it_sends_a_case_back_one_step_on_return():
    limits = Limits(20, 10, {"undertake": 2})
    events = [
        ev("undertake", "2026-10-08 09:00"),
        ev("review", "2026-10-09 09:00"),
        ev("return", "2026-10-12 09:00"),
    ]
    state = case_state(at("2026-09-30 09:00"), events, limits)
    assert state.step == "undertake"
    assert state.step_started_at == at("2026-10-12 09:00")
    assert state.step_due_at == end_of_day(date(2026, 10, 14))


def test_it_keeps_the_deadlines_of_a_completed_case():
    limits = Limits(20, 3, {"approve": 1})
    open_events = [ev("accept", "2026-09-28 09:00"), ev("approve", "2026-09-29 09:00")]
    before = case_state(at("2026-09-28 09:00"), open_events, limits)
    done = case_state(
        at("2026-09-28 09:00"), [*open_events, ev("complete", "2026-10-12 16:00")], limits
    )
    assert done.status == CaseStatus.COMPLETED
    assert done.step == "complete"
    assert done.completed_at == at("2026-10-12 16:00")
    assert done.last_event_at == at("2026-10-12 16:00")
    for name in ("due_at", "legal_due_at", "prompt_at", "step_started_at", "step_due_at"):
        assert getattr(done, name) == getattr(before, name)


def test_it_closes_an_open_pause_at_completion():
    events = [ev("suspend", "2026-09-29 15:00"), ev("complete", "2026-10-09 11:00")]
    state = case_state(at("2026-09-28 09:00"), events, Limits(20, 3))
    assert state.status == CaseStatus.COMPLETED
    assert state.paused_at is None
    assert state.due_at == end_of_day(date(2026, 10, 12))


def test_it_marks_a_merged_case_and_ignores_later_events():
    events = [
        ev("undertake", "2026-09-29 09:00"),
        ev("merge", "2026-09-30 09:00"),
        ev("review", "2026-10-08 09:00"),
    ]
    state = case_state(at("2026-09-28 09:00"), events, Limits(20, 3))
    assert state.status == CaseStatus.MERGED
    assert state.step == "undertake"
    assert state.completed_at == at("2026-09-30 09:00")


def test_it_prompts_the_configured_number_of_working_days_before(settings):
    settings.SUPERVISION_PROMPT_DAYS = 2
    state = case_state(at("2026-09-28 09:00"), [], Limits(20, 3))
    assert state.due_at == end_of_day(date(2026, 10, 8))
    assert state.prompt_at == midnight(date(2026, 9, 29))
    zero = case_state(at("2026-09-28 09:00"), [], Limits(20, 3), prompt_days=0)
    assert zero.prompt_at == midnight(date(2026, 10, 8))


# --- properties

START = datetime(2025, 1, 1, tzinfo=SHANGHAI)
instants = st.integers(min_value=0, max_value=700 * 24).map(lambda h: START + timedelta(hours=h))
limits_st = st.integers(min_value=0, max_value=40)
pause_st = st.tuples(
    st.integers(min_value=0, max_value=60 * 24), st.integers(min_value=0, max_value=30 * 24)
)
relaxed = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _with_pauses(received, pauses):
    """Closed pause events (offsets in hours after receipt), one after another."""
    events, cursor = [], received
    for gap, length in pauses:
        begin = cursor + timedelta(hours=gap)
        end = begin + timedelta(hours=length)
        events += [Event("suspend", begin), Event("resume", end)]
        cursor = end
    return events


@relaxed
@given(received=instants, limit=limits_st, pauses=st.lists(pause_st, max_size=4))
def test_pauses_never_make_a_deadline_earlier(received, limit, pauses):
    plain = case_state(received, [], Limits(limit + 5, limit))
    paused = case_state(received, _with_pauses(received, pauses), Limits(limit + 5, limit))
    assert paused.due_at >= plain.due_at
    assert paused.legal_due_at >= plain.legal_due_at


@relaxed
@given(
    received=instants,
    limit=limits_st,
    pauses=st.lists(pause_st, max_size=3),
    prompt_days=st.integers(min_value=0, max_value=5),
)
def test_the_prompt_is_never_after_the_deadline(received, limit, pauses, prompt_days):
    state = case_state(
        received, _with_pauses(received, pauses), Limits(None, limit), prompt_days=prompt_days
    )
    assert state.prompt_at <= state.due_at


@relaxed
@given(received=instants, limit=limits_st, steps=st.lists(st.sampled_from(["undertake", "review"])))
def test_without_pauses_the_deadline_is_the_calendars(received, limit, steps):
    events = [Event(kind, received + timedelta(hours=i)) for i, kind in enumerate(steps)]
    state = case_state(received, events, Limits(None, limit))
    assert state.due_at == calendar.deadline(received, limit)
