"""A case's clock: its state and deadlines from its events. Pure (no database writes); the
working-day arithmetic is `lianfang.core.calendar`'s.

`case_state(received_at, events, limits)` gives a `State` with what `Case` stores:

- Events are taken in order of time (`at`); events at the same instant keep the order given.
- Pauses: a 补正 or 暂停 opens a pause when none is open (one while a pause is already open is
  part of it); the next 恢复 closes it. 恢复 without an open pause is ignored here (ingest
  refuses it).
- `step` / `step_started_at`: a step event (受理, 承办, 审核, 批准, 办结) makes its step the
  current one, from its time, in whatever order it comes (a step out of order is a finding for
  the sweep, not something the clock corrects). 退回 sends the case back one step (not before
  受理) and that step starts again at the time of the 退回.
- `due_at` = `calendar.deadline(received_at, promised limit or, when None, legal limit,
  pauses)`; `legal_due_at` the same with the legal limit; None when the limit is None or while
  a pause is open (the clock is stopped).
- `prompt_at` = 00:00 Asia/Shanghai of the working day `prompt_days` working days before the
  day of `due_at` (default `settings.SUPERVISION_PROMPT_DAYS`; 0 → the start of the due day);
  None when `due_at` is None. Always ≤ `due_at`.
- `step_due_at` = `calendar.deadline(step_started_at, the current step's limit, pauses)`;
  pauses that ended by the step's start add nothing (the calendar counts none of their days
  before the start day), an open one gives None. No limit for the step (the item has no
  flowchart node for it) → None.
- `early_at` = `calendar.deadline(received_at, promised * SUPERVISION_EARLY_PERCENT // 100,
  pauses)`: a case completed by then finished early (提前办结); None like `due_at`.
- `paused_at`: start of the open pause, else None. `status`: paused while a pause is open,
  else open.
- 办结 or 并案 closes the case: `status` completed or merged, `completed_at` its time, `step`
  办结 after 办结 (unchanged after 并案), `paused_at` None. The deadlines are kept as they were
  when it closed, for reports: any pause still open is taken to end at the closing time, and
  `step_started_at` / `step_due_at` stay those of the step before 办结. Events after the
  closing one are ignored (ingest refuses them).
- `last_event_at` is the latest event's time (`received_at` when there are none).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings

from lianfang.core import calendar

from .models import CLOCK_STOPPERS, STEP_ORDER, CaseStatus, CaseStep, EventKind

STEP_KINDS = frozenset(STEP_ORDER)
CLOSERS = {EventKind.COMPLETE: CaseStatus.COMPLETED, EventKind.MERGE: CaseStatus.MERGED}


@dataclass(frozen=True)
class Limits:
    """An item's limits in working days: legal and promised (either may be None) and per
    monitored step (`CaseStep` value → days; a step missing has no limit)."""

    legal: int | None
    promised: int | None
    steps: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    kind: str
    at: datetime


@dataclass(frozen=True)
class State:
    step: str
    status: str
    paused_at: datetime | None
    due_at: datetime | None
    legal_due_at: datetime | None
    prompt_at: datetime | None
    step_started_at: datetime | None
    step_due_at: datetime | None
    early_at: datetime | None
    completed_at: datetime | None
    last_event_at: datetime


def prompt_time(due_at: datetime | None, prompt_days: int) -> datetime | None:
    """00:00 Asia/Shanghai of the working day `prompt_days` working days before `due_at`'s day."""
    if due_at is None:
        return None
    day = calendar.add_working_days(calendar.as_date(due_at), -prompt_days)
    return calendar.start_of_day(day)


def _deadline(start: datetime, limit: int | None, pauses) -> datetime | None:
    return None if limit is None else calendar.deadline(start, limit, pauses)


@dataclass
class Replay:
    """The case's events read in order: its clock stops (the last may be open), each time a
    step became current (the first is 受理 at receipt), and whether and when it closed."""

    pauses: list[tuple[datetime, datetime | None]]
    steps: list[tuple[str, datetime]]
    status: str
    completed_at: datetime | None
    last_event_at: datetime


def replay(received_at: datetime, events: Iterable) -> Replay:
    """Read `events` (objects with `kind` and `at`) by the rules of the module docstring."""
    pauses: list[tuple[datetime, datetime | None]] = []
    steps = [(STEP_ORDER[0], received_at)]
    status, completed_at = CaseStatus.OPEN, None
    last_event_at = received_at
    for event in sorted(events, key=lambda e: e.at):
        kind, at = event.kind, event.at
        last_event_at = max(last_event_at, at)
        open_pause = bool(pauses) and pauses[-1][1] is None
        if kind in CLOSERS:
            if open_pause:
                pauses[-1] = (pauses[-1][0], at)
            status, completed_at = CLOSERS[kind], at
            break
        if kind in CLOCK_STOPPERS:
            if not open_pause:
                pauses.append((at, None))
        elif kind == EventKind.RESUME:
            if open_pause:
                pauses[-1] = (pauses[-1][0], at)
        elif kind == EventKind.RETURN:
            step = steps[-1][0]
            steps.append((STEP_ORDER[max(0, STEP_ORDER.index(step) - 1)], at))
        elif kind in STEP_KINDS and (str(kind), at) != steps[-1]:  # 受理 at receipt: once
            steps.append((str(kind), at))
    return Replay(pauses, steps, str(status), completed_at, last_event_at)


def case_state(
    received_at: datetime,
    events: Iterable,
    limits: Limits,
    *,
    prompt_days: int | None = None,
) -> State:
    """The case's state after `events` (objects with `kind` and `at`); see the module doc."""
    if prompt_days is None:
        prompt_days = settings.SUPERVISION_PROMPT_DAYS
    run = replay(received_at, events)
    pauses, status = run.pauses, run.status
    step, step_started_at = run.steps[-1]

    promised = limits.promised if limits.promised is not None else limits.legal
    due_at = _deadline(received_at, promised, pauses)
    early = None if promised is None else promised * settings.SUPERVISION_EARLY_PERCENT // 100
    step_due_at = _deadline(step_started_at, limits.steps.get(step), pauses)
    if status == CaseStatus.COMPLETED:
        step = CaseStep.COMPLETE.value  # the start and limit stay those of the step it ended
    paused_at = pauses[-1][0] if pauses and pauses[-1][1] is None else None
    if status == CaseStatus.OPEN and paused_at is not None:
        status = CaseStatus.PAUSED
    return State(
        step=step,
        status=str(status),
        paused_at=paused_at,
        due_at=due_at,
        legal_due_at=_deadline(received_at, limits.legal, pauses),
        prompt_at=prompt_time(due_at, prompt_days),
        step_started_at=step_started_at,
        step_due_at=step_due_at,
        early_at=None if due_at is None else _deadline(received_at, early, pauses),
        completed_at=run.completed_at,
        last_event_at=run.last_event_at,
    )
