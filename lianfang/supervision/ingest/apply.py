"""One chunk of rows: parsed, checked against the store and each other, then written set-based
(see the package docstring for the contract and the queries a chunk costs)."""

from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.core import bulk, crypto
from lianfang.powers.models import PowerItem

from .. import checks, clock, tally
from ..models import Case, CaseEvent, CaseStatus, EventKind
from . import findings, load
from .rows import Issue, Row, parse

# What the clock recomputes on every event, and what a 办结 reports: a touched case's columns.
STATE_FIELDS = tuple(f.name for f in fields(clock.State))
OUTCOME_FIELDS = ("result", "fee_charged", "penalty_type", "penalty_amount", "circumstance")
CASE_FIELDS = [*STATE_FIELDS, *OUTCOME_FIELDS]


@dataclass
class Outcome:
    """What one chunk did: rows applied and replayed, its issues, cases created and the ids of
    the findings created."""

    applied: int = 0
    replayed: int = 0
    issues: list[Issue] = field(default_factory=list)
    cases_created: int = 0
    finding_ids: list[int] = field(default_factory=list)


@dataclass
class _CaseWork:
    """A case touched by the chunk: stored (case set) or new (accept set)."""

    case: Case | None = None
    accept: Row | None = None
    stored: list[checks.EventFacts] = field(default_factory=list)
    new: list[Row] = field(default_factory=list)
    drafts: list[checks.Draft] = field(default_factory=list)


def _check_timeline(work: _CaseWork, rows: list[Row], issues: list[Issue]) -> None:
    """Walk the case's stored and new events by time; keep in `work.new` those that fit."""
    received = work.case.received_at if work.case else work.accept.at
    closed = work.case is not None and work.case.status not in (
        CaseStatus.OPEN,
        CaseStatus.PAUSED,
    )
    timeline = [(e.at, 0, e.kind, None) for e in work.stored]
    timeline += [(r.at, 1, r.kind, r) for r in rows]
    timeline.sort(key=lambda t: (t[0], t[1], t[3].line if t[3] else 0))
    paused = False
    for at, _new, kind, row in timeline:
        if row is None:
            if kind in clock.CLOSERS:
                closed = True
            elif kind in (EventKind.CORRECT, EventKind.SUSPEND):
                paused = True
            elif kind == EventKind.RESUME:
                paused = False
            continue
        message = name = None
        if closed:
            name, message = "case", _("办件已办结或已并案，不再接收事件")
        elif at < received:
            name, message = "at", _("事件时间早于办件受理时间")
        elif kind == EventKind.RESUME and not paused:
            name, message = "kind", _("“恢复”之前没有未结束的“暂停”或“补正”")
        if message:
            issues.append(Issue(row.line, name, message))
            continue
        work.new.append(row)
        if kind in clock.CLOSERS:
            closed = True
        elif kind in (EventKind.CORRECT, EventKind.SUSPEND):
            paused = True
        elif kind == EventKind.RESUME:
            paused = False


def apply_chunk(raw_rows: list[tuple[int, dict]]) -> Outcome:
    out = Outcome()
    issues = out.issues
    rows = [r for line, raw in raw_rows if (r := parse(raw, line, issues)) is not None]

    # Replays and conflicts, against the store and within the chunk.
    stored_digest = load.stored_events({r.key for r in rows})
    seen: dict[tuple[str, str], str] = {}
    fresh: list[Row] = []
    for row in rows:
        digest = stored_digest.get(row.key) or seen.get(row.key)
        if digest is None:
            seen[row.key] = row.digest
            fresh.append(row)
        elif digest == row.digest:
            out.replayed += 1
        else:
            message = _("事件编号已存在且内容不同（冲突），未覆盖原事件")
            issues.append(Issue(row.line, "event_id", message))

    cases = load.stored_cases({r.case_key for r in fresh})
    items, facts = load.items(
        {r.data["power_item"] for r in fresh if r.kind == EventKind.ACCEPT},
        {c.power_item_id for c in cases.values()},
    )
    work: dict[tuple[str, str], _CaseWork] = {}
    for key, case in cases.items():
        work[key] = _CaseWork(case=case)
    later: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in fresh:
        if row.kind != EventKind.ACCEPT:
            later[row.case_key].append(row)
            continue
        if row.data["power_item"] not in items:
            issues.append(Issue(row.line, "power_item", _("未知的权力事项编码")))
        elif row.case_key in work:
            issues.append(Issue(row.line, "case", _("该办件已受理（办件编号重复）")))
        else:
            work[row.case_key] = _CaseWork(accept=row)
    for key, pending in later.items():
        if key not in work:
            for row in pending:
                if row.kind == EventKind.COMPLETE:
                    issues.append(Issue(row.line, "case", _("办结前未受理：没有该办件的受理事件")))
                else:
                    issues.append(Issue(row.line, "case", _("未知的办件：没有该办件的受理事件")))

    by_pk = {w.case.pk: w for key, w in work.items() if w.case is not None and key in later}
    for case_id, events in load.events_of(by_pk).items():
        by_pk[case_id].stored = events
    for key, w in work.items():
        if w.accept is not None:
            w.new.append(w.accept)
        if key in later:
            _check_timeline(w, later[key], issues)

    touched = [w for w in work.values() if w.new]
    out.applied, out.finding_ids = _write(touched, items, facts)
    out.cases_created = sum(w.accept is not None for w in touched)
    issues.sort(key=lambda i: i.line)
    return out


def _write(
    touched: list[_CaseWork], items: dict[str, PowerItem], facts: dict[int, checks.ItemFacts]
) -> tuple[int, list[int]]:
    """Write the touched cases and their new events, then their findings. Returns the number of
    events written and the ids of the findings created."""
    new_cases, before = [], {}
    for w in touched:
        if w.case is not None:
            before[id(w)] = w.case.status
        else:
            item = items[w.accept.data["power_item"]]
            w.case = Case(
                power_item_id=item.pk,
                unit_id=item.unit_id,
                department_id=item.department_id,
                source=w.accept.source,
                external_no=w.accept.case_no,
                applicant_masked=w.accept.data["applicant"],
                applicant_sealed=crypto.seal(w.accept.applicant),
                received_at=w.accept.at,
                last_event_at=w.accept.at,
            )
            new_cases.append(w.case)
        _set_state(w, facts[w.case.power_item_id].limits)
    findings.judge(touched, facts)
    Case.objects.bulk_create(new_cases, batch_size=500)
    now = timezone.now()
    events = [
        CaseEvent(
            case_id=w.case.pk,
            source=r.source,
            event_id=r.event_id,
            kind=r.kind,
            at=r.at,
            actor=r.actor,
            reason=r.reason,
            data=r.data,
            digest=r.digest,
            ingested_at=now,
        )
        for w in touched
        for r in w.new
    ]
    bulk.insert_rows(events)
    stored = [w.case for w in touched if w.accept is None]
    bulk.update_rows(stored, CASE_FIELDS)
    tally.record((w.case, before.get(id(w))) for w in touched)
    finding_ids = findings.write(touched, {c.pk for c in new_cases})
    return len(events), finding_ids


def _set_state(w: _CaseWork, limits: clock.Limits) -> None:
    case = w.case
    state = clock.case_state(
        case.received_at, [*w.stored, *(clock.Event(r.kind, r.at) for r in w.new)], limits
    )
    for name in STATE_FIELDS:
        setattr(case, name, getattr(state, name))
    for row in w.new:
        if row.kind == EventKind.COMPLETE:
            case.result = row.data["result"]
            case.fee_charged = Decimal(row.data["fee"]) if "fee" in row.data else None
            case.penalty_type = row.data.get("penalty_type", "")
            amount = row.data.get("penalty_amount")
            case.penalty_amount = Decimal(amount) if amount is not None else None
            case.circumstance = row.data.get("circumstance", "")
