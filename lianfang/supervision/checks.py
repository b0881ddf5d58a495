"""The event rules of electronic supervision (DOMAIN.md §5): what a case's new events break, as
drafts of findings. Pure: no database writes and no queries of its own (the working-day
arithmetic is `lianfang.core.calendar`'s, the case's clock `clock.case_state`); ingest loads the
facts set-based, turns the drafts of enabled rules into `Finding`s and raises the card.

`case_findings(received_at, events, item)` walks the case's events in order of time (stable:
events at the same instant keep the order given, stored ones before new ones) and, for each
event marked `new`, compares it with the case's state just before it (`clock.case_state` over
the earlier events). Each draft's `found_at` is the event's time, never the wall clock, so
replaying the same events gives the same findings. Rules and keys:

- `out_of_order` (环节顺序异常): a step event (受理 承办 审核 批准 办结) whose step comes before
  the case's current step; going back is only allowed by 退回. Key: the event's step.
- `skipped_step` (缺少必经环节): a step event that jumps over one or more mandatory steps from
  the current one (承办 → 批准 skips 审核). Mandatory are the case steps the item's flowchart
  maps (`FlowStep.case_step`, given as the keys of `Limits.steps`, the same mapping that times
  the steps); with no mapping, all five are. Key: the first step skipped; evidence lists them.
  Not given when the event is a 办结 found `outside_system`.
- `outside_system` (体外办结): a 办结 with none of 承办/审核/批准 before it, on an item for which at
  least one of them is mandatory (an item whose flowchart maps only 受理 is done on the spot,
  即办件). Key "".
- `no_reason` (未说明理由): a 退回, or a 办结 refusing the application (不予), without a reason.
  Key: the event's kind.
- `fee_no_basis` (无依据收费): a 办结 with a fee > 0 on an item with no fee amount (no basis).
  `fee_mismatch` (收费与标准不符): a fee given that differs from the item's fee amount. Key "".
  No fee given: nothing is known, nothing found.
- `penalty_range` (处罚超出裁量基准): a 办结 reporting a penalty (a type or an amount) on an item
  with discretion standards, when no standard of the case's circumstance allows it: the
  circumstance has no standard (`problem` "circumstance"), or none lists every type given
  (`problem` "type"), or none of those that do has the amount within [min, max] (a bound left
  empty is open; `problem` "amount"). Types are split on 、，,；; and spaces, a leading 并处 / 或者
  / 或 / 并 / 及 / 和 dropped ("警告，并处罚款" allows 警告 and 罚款). Key "".
- Time, at the closing and step events (so a case closed between two sweeps still gets its
  card): a step event after the step due time of the step the case was in → `step_overdue`, key
  that step; a 办结 after `due_at` → `promised_overdue`, after `legal_due_at` → `legal_overdue`
  (key ""). The deadlines are those standing at the event's instant: a pause still open then is
  taken to end at the event, as `clock` does for a 办结. Evidence as the sweep's time findings:
  `rule`, `deadline`, `limit_days`, `working_days_late`, `step` (the step the case was in),
  `received_at`. The deadline itself is in time (deadlines are the day's last microsecond).

Every draft's evidence also names the event: `event_id`, `kind`, `at` (ISO-8601, Asia/Shanghai).
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils import translation

from lianfang.core import calendar

from . import clock
from .models import STEP_ORDER, CaseStep, EventKind, Result, Rule

# The steps between 受理 and 办结: the ones that can be skipped.
MIDDLE = (CaseStep.UNDERTAKE, CaseStep.REVIEW, CaseStep.APPROVE)
_SEPARATORS = re.compile(r"[、，,；;\s]+")
_CONNECTIVES = ("并处", "或者", "或", "并", "及", "和")


@dataclass(frozen=True)
class Standard:
    """One discretion standard (自由裁量基准) of the item."""

    circumstance: str
    penalty_types: str
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None


@dataclass(frozen=True)
class ItemFacts:
    """What the rules need of the case's power item."""

    limits: clock.Limits
    fee_amount: Decimal | None = None
    fee_basis: str = ""
    fee_standard: str = ""
    standards: tuple[Standard, ...] = ()


@dataclass(frozen=True)
class EventFacts:
    """One event of the case; `new` when it arrived in this batch (only those are judged)."""

    kind: str
    at: datetime
    event_id: str = ""
    reason: str = ""
    data: Mapping = field(default_factory=dict)
    new: bool = True


@dataclass(frozen=True)
class Draft:
    rule: str
    key: str
    found_at: datetime
    deadline_at: datetime | None
    evidence: dict


def penalty_types(text: str) -> set[str]:
    """The penalty types named in `text` ("警告，并处罚款" → {"警告", "罚款"})."""
    found = set()
    for part in _SEPARATORS.split(text):
        for word in _CONNECTIVES:
            if part.startswith(word) and len(part) > len(word):
                part = part[len(word) :]
                break
        if part:
            found.add(part)
    return found


def mandatory_steps(limits: clock.Limits) -> set[str]:
    """The case steps the item's flowchart maps, or all five when it maps none."""
    return set(limits.steps) if limits.steps else set(STEP_ORDER)


def _label(step: str) -> str:
    with translation.override(None):  # the msgid: stored evidence does not depend on the reader
        return str(CaseStep(step).label)


def case_findings(
    received_at: datetime, events: Iterable[EventFacts], item: ItemFacts
) -> list[Draft]:
    """The drafts of findings the case's new events give; see the module docstring."""
    ordered = sorted(events, key=lambda e: e.at)
    drafts: list[Draft] = []
    for index, event in enumerate(ordered):
        if event.new:
            drafts += _event_findings(received_at, ordered[:index], event, item)
    return drafts


def _event_findings(
    received_at: datetime, earlier: list[EventFacts], event: EventFacts, item: ItemFacts
) -> list[Draft]:
    kind, at = event.kind, event.at
    named = {"event_id": event.event_id, "kind": kind, "at": calendar.iso(at)}

    def draft(rule, key="", deadline_at=None, **evidence) -> Draft:
        return Draft(str(rule), str(key), at, deadline_at, {"rule": str(rule), **evidence, **named})

    found: list[Draft] = []
    if kind == EventKind.RETURN and not event.reason:
        found.append(draft(Rule.NO_REASON, kind))
    if kind not in clock.STEP_KINDS:
        return found
    before = clock.case_state(received_at, earlier, item.limits)
    refused = kind == EventKind.COMPLETE and event.data.get("result") == Result.REFUSED
    if refused and not event.reason:
        found.append(draft(Rule.NO_REASON, kind, result=str(Result.REFUSED)))

    current, target = STEP_ORDER.index(before.step), STEP_ORDER.index(kind)
    if target < current:
        found.append(draft(Rule.OUT_OF_ORDER, kind, step=before.step, event_step=str(kind)))
    mandatory = mandatory_steps(item.limits)
    done = {e.kind for e in earlier}
    outside = (
        kind == EventKind.COMPLETE
        and any(step in mandatory for step in MIDDLE)
        and not any(step in done for step in MIDDLE)
    )
    skipped = [s for s in STEP_ORDER[current + 1 : target] if s in mandatory]
    if outside:
        found.append(draft(Rule.OUTSIDE_SYSTEM, step=before.step))
    elif skipped:
        steps = [{"step": s, "label": _label(s)} for s in skipped]
        found.append(
            draft(Rule.SKIPPED_STEP, skipped[0], step=before.step, event_step=kind, skipped=steps)
        )

    # The deadlines standing at the event's instant: those before it, unless a pause is open,
    # which is then taken to end at the event (as a 办结 ends it).
    now = before
    if before.paused_at is not None:
        closing = clock.Event(EventKind.COMPLETE, at)
        now = clock.case_state(received_at, [*earlier, closing], item.limits)

    def late(rule, deadline, limit_days, key="") -> Draft:
        days = max(0, calendar.working_days_between(deadline, at))
        return draft(
            rule,
            key,
            deadline,
            deadline=calendar.iso(deadline),
            limit_days=limit_days,
            working_days_late=days,
            step=before.step,
            received_at=calendar.iso(received_at),
        )

    limits = item.limits
    if now.step_due_at is not None and at > now.step_due_at and kind != EventKind.ACCEPT:
        limit = limits.steps.get(before.step)
        found.append(late(Rule.STEP_OVERDUE, now.step_due_at, limit, key=before.step))
    if kind != EventKind.COMPLETE:
        return found
    promised = limits.promised if limits.promised is not None else limits.legal
    if now.due_at is not None and at > now.due_at:
        found.append(late(Rule.PROMISED_OVERDUE, now.due_at, promised))
    if now.legal_due_at is not None and at > now.legal_due_at:
        found.append(late(Rule.LEGAL_OVERDUE, now.legal_due_at, limits.legal))
    found += [draft(rule, **evidence) for rule, evidence in _fee(event.data, item)]
    found += [draft(rule, **evidence) for rule, evidence in _penalty(event.data, item)]
    return found


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _fee(data: Mapping, item: ItemFacts) -> list[tuple[str, dict]]:
    if data.get("fee") is None:
        return []
    charged = Decimal(data["fee"])
    evidence = {
        "charged": _money(charged),
        "standard": _money(item.fee_amount),
        "standard_text": item.fee_standard,
        "basis": item.fee_basis,
    }
    if item.fee_amount is None:
        return [(Rule.FEE_WITHOUT_BASIS, evidence)] if charged > 0 else []
    return [(Rule.FEE_MISMATCH, evidence)] if charged != item.fee_amount else []


def _penalty(data: Mapping, item: ItemFacts) -> list[tuple[str, dict]]:
    kind, raw = data.get("penalty_type", ""), data.get("penalty_amount")
    if not item.standards or (not kind and raw is None):
        return []
    amount = None if raw is None else Decimal(raw)
    circumstance = data.get("circumstance", "")
    given = penalty_types(kind)
    standards = [s for s in item.standards if s.circumstance == circumstance]
    typed = [s for s in standards if given <= penalty_types(s.penalty_types)]
    fitting = [
        s
        for s in typed
        if amount is None
        or (
            (s.amount_min is None or s.amount_min <= amount)
            and (s.amount_max is None or amount <= s.amount_max)
        )
    ]
    if fitting:
        return []
    problem = "amount" if typed else "type" if standards else "circumstance"
    allowed = [
        {
            "types": sorted(penalty_types(s.penalty_types)),
            "min": _money(s.amount_min),
            "max": _money(s.amount_max),
        }
        for s in standards
    ]
    evidence = {
        "problem": problem,
        "circumstance": circumstance,
        "penalty_type": kind,
        "amount": _money(amount),
        "allowed": allowed,
    }
    return [(Rule.PENALTY_OUT_OF_RANGE, evidence)]
