"""A case's timeline against its deadlines, for the case page: its events with the working
days used at each, and the deadlines (each step's, the promised and the legal one), read by
the same rules as the case's clock (`clock.replay`)."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from lianfang.core import calendar
from lianfang.powers.selectors import monitored_step_limits

from . import clock
from .models import CLOCK_STOPPERS, Case, CaseStep, EventKind


def working_days_used(received_at: datetime, at: datetime, pauses) -> int:
    """Working days the clock ran from the day after receipt to `at`'s day, stopped days left
    out (the same counting as `calendar.deadline`)."""
    used = calendar.working_days_between(received_at, at)
    for begin, end in pauses:
        if begin >= at:
            continue
        end = at if end is None or end > at else end
        used -= max(0, calendar.working_days_between(max(begin, received_at), end))
    return max(0, used)


def step_limits(case: Case) -> dict[str, int]:
    rows = monitored_step_limits().filter(item_id=case.power_item_id)
    return {row["case_step"]: row["days"] for row in rows}


@dataclass
class TimelineRow:
    at: datetime
    kind: str  # "event", "deadline" or "pause"
    label: str
    actor: str = ""
    reason: str = ""
    used: int | None = None
    note: str = ""
    late: bool = False


def moment_text(value: datetime) -> str:
    return value.astimezone(calendar.SHANGHAI).strftime("%Y-%m-%d %H:%M")


def timeline(case: Case, events, now: datetime) -> tuple[list[TimelineRow], dict]:
    """The case's events (working days used at each) and its deadlines (each step's, the
    promised and legal ones) in time order, and the same as data for the timeline chart."""
    run = clock.replay(case.received_at, events)
    pauses = run.pauses
    limits = step_limits(case)
    rows = []
    for event in events:
        note = ""
        if event.kind in CLOCK_STOPPERS:
            note = _("停止计时")
        elif event.kind == EventKind.RESUME:
            note = _("恢复计时")
        rows.append(
            TimelineRow(
                at=event.at,
                kind="event",
                label=event.get_kind_display(),
                actor=event.actor,
                reason=event.reason,
                used=working_days_used(case.received_at, event.at, pauses),
                note=note,
            )
        )
    starts = run.steps
    ends = [at for _step, at in starts[1:]] + [case.completed_at or now]
    for (step, started), ended in zip(starts, ends, strict=True):
        days = limits.get(step)
        due = None if days is None else calendar.deadline(started, days, pauses)
        if due is None:
            continue
        label = _("%(step)s环节期限（%(n)d 个工作日）") % {"step": CaseStep(step).label, "n": days}
        late = ended > due
        note = _("环节超时") if late else ""
        rows.append(TimelineRow(at=due, kind="deadline", label=label, note=note, late=late))
    end = case.completed_at or now
    for due, label in ((case.due_at, _("承诺办结期限")), (case.legal_due_at, _("法定办结期限"))):
        if due is not None:
            rows.append(
                TimelineRow(
                    at=due,
                    kind="deadline",
                    label=label,
                    late=end > due,
                    note=_("已超期") if end > due else "",
                )
            )
    rows.sort(key=lambda r: (r.at, r.kind != "event"))
    chart = {
        "received": calendar.iso(case.received_at),
        "now": calendar.iso(end),
        "events": [[calendar.iso(r.at), r.label] for r in rows if r.kind == "event"],
        "deadlines": [[calendar.iso(r.at), r.label, r.late] for r in rows if r.kind == "deadline"],
        "pauses": [[calendar.iso(a), calendar.iso(b or end)] for a, b in pauses],
        "pauseLabel": _("停止计时"),
    }
    return rows, chart
