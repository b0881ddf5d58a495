"""Ingest of case events from the handling systems (files, the batch API): validated, set-based,
idempotent, all-or-nothing unless asked otherwise.

`ingest(rows, actor=, source_name=, skip_invalid=False)` takes dicts with the fields below
(a dict's line number is its `_line` key, else its 1-based position) and returns
`IngestResult(applied, replayed, rejected)`.

Fields: `source`, `event_id`, `case` (the external case number), `kind` (an `EventKind` value
or its Chinese label), `at` (ISO-8601 with an offset or Z), `actor`, `reason`; for 受理
`power_item` (code) and `applicant`; for 办结 `result` (granted/refused/other or
准予/不予/其他), `fee`, `penalty_type`, `penalty_amount`, `circumstance`.

A row is rejected, with an `Issue(line, field, message)`, for: a missing or malformed field;
a naive or malformed time; an unknown kind, power item, result or circumstance; a negative fee
or penalty; no reason for 补正/暂停/并案; an event for a case that has no 受理 in the database
or earlier in the batch (for 办结: "办结前未受理"); a second 受理 of a case; an event before the
case's receipt; 恢复 without an open 补正/暂停 before it (by time, over the case's stored and
new events); an event for a case already completed or merged, or after its 办结/并案 in the
batch; the same (source, event_id) again with different content (a conflict: the stored event
stays). A step out of order, a 退回 or refusal without a reason are accepted: they are findings
(`checks`). The same (source, event_id) with the same content is a replay: counted, nothing
changes.
A rejected 受理 makes the case's other events unknown-case rejections too.

Content equality is the `digest`: SHA-256 of the canonical JSON of the row's normalised fields
(kind as its value, time in UTC, decimals normalised, empty fields left out; the applicant as
its keyed hash, `crypto.blind`, so the digest reveals nothing about the person).

All-or-nothing (default): any issue → nothing written, no audit entry, `applied` = 0, every
issue returned. `skip_invalid=True`: the valid rows are applied and the issues returned.
Either way it runs in one transaction. Rows are taken in chunks of `CHUNK` (10,000); each chunk
costs a fixed handful of queries (IN lists chunked to ≤ 900 ids for SQLite): power items and
step limits, stored events by id, cases by number, stored events of the touched cases, then
bulk inserts of cases and events and one bulk update of the touched cases, whose state and
deadlines `clock.case_state` recomputes from all their events. One audit entry (create,
"supervision.batch", the counts in `after`) per call that applied anything.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from itertools import islice

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from lianfang.core import audit, crypto
from lianfang.powers.models import Circumstance, PowerItem
from lianfang.powers.selectors import monitored_step_limits

from . import clock
from .models import NEEDS_REASON, Case, CaseEvent, CaseStatus, EventKind, Result

CHUNK = 10_000
IN_CHUNK = 900
FIELDS = (
    "source",
    "event_id",
    "case",
    "kind",
    "at",
    "actor",
    "reason",
    "power_item",
    "applicant",
    "result",
    "fee",
    "penalty_type",
    "penalty_amount",
    "circumstance",
)
MAX_LENGTHS = {
    "source": 50,
    "event_id": 100,
    "case": 100,
    "actor": 100,
    "penalty_type": 100,
    "applicant": 200,
}
CASE_FIELDS = [
    "step",
    "status",
    "result",
    "completed_at",
    "fee_charged",
    "penalty_type",
    "penalty_amount",
    "circumstance",
    "paused_at",
    "due_at",
    "legal_due_at",
    "prompt_at",
    "step_started_at",
    "step_due_at",
    "early_at",
    "last_event_at",
]


@cache
def _by_value_or_label(choices, language: str | None) -> dict[str, str]:
    """Value → value, Chinese label (the msgid) → value, and the label in `language`."""
    table = {str(value): str(value) for value in choices.values}
    for lang in (None, language):
        with translation.override(lang):
            table.update((str(label), str(value)) for value, label in choices.choices)
    return table


def _lookup(choices, text: str) -> str | None:
    return _by_value_or_label(choices, translation.get_language()).get(text)


@dataclass(frozen=True)
class Issue:
    line: int
    field: str
    message: str


@dataclass
class IngestResult:
    applied: int = 0
    replayed: int = 0
    rejected: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


@dataclass
class _Row:
    line: int
    source: str
    event_id: str
    case_no: str
    kind: str
    at: datetime
    actor: str
    reason: str
    data: dict
    digest: str
    applicant: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.source, self.event_id

    @property
    def case_key(self) -> tuple[str, str]:
        return self.source, self.case_no


class _Rejected(Exception):
    """Raised inside the transaction to roll back an all-or-nothing batch that had issues."""


# --- one row on its own


def _text(raw: dict, name: str) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if isinstance(value, bool | dict | list):
        raise ValueError(_("应为文本"))
    return str(value).strip()


def parse_time(text: str) -> datetime:
    """An ISO-8601 time with an offset or Z; ValueError with a message otherwise."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        message = _("时间格式不正确，应为带时区的 ISO-8601，如 2026-09-30T10:00:00+08:00")
        raise ValueError(message) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(_("时间缺少时区，应写明偏移量（如 +08:00）或 Z"))
    return value


def _decimal(text: str, *, places: int = 2) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("应为数字")) from None
    if not value.is_finite():
        raise ValueError(_("应为数字"))
    if value < 0:
        raise ValueError(_("不能为负数"))
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(_("最多 %(n)d 位小数") % {"n": places})
    if value >= Decimal(10) ** 10:
        raise ValueError(_("数额过大"))
    return value.quantize(Decimal(1).scaleb(-places))


def _parse(raw: dict, line: int, issues: list[Issue]) -> _Row | None:
    """The row normalised, or None with its issues appended."""
    found: list[Issue] = []

    def bad(name: str, message: str) -> None:
        found.append(Issue(line, name, str(message)))

    if not isinstance(raw, dict):
        issues.append(Issue(line, "", _("每行应为一个 JSON 对象")))
        return None
    if raw.get("_error"):
        issues.append(Issue(line, "", str(raw["_error"])))
        return None
    text = {}
    for name in FIELDS:
        try:
            text[name] = _text(raw, name)
        except ValueError as exc:
            bad(name, str(exc))
            text[name] = ""
        limit = MAX_LENGTHS.get(name)
        if limit and len(text[name]) > limit:
            bad(name, _("不能超过 %(n)d 个字符") % {"n": limit})
    for name in ("source", "event_id", "case", "kind", "at"):
        if not text[name] and not any(i.field == name for i in found):
            bad(name, _("不能为空"))
    kind = _lookup(EventKind, text["kind"]) if text["kind"] else None
    if text["kind"] and kind is None:
        bad("kind", _("未知的事件类型“%(v)s”") % {"v": text["kind"]})
    at = None
    if text["at"]:
        try:
            at = parse_time(text["at"])
        except ValueError as exc:
            bad("at", str(exc))
    data: dict = {}
    if kind == EventKind.ACCEPT:
        if not text["power_item"]:
            bad("power_item", _("受理事件须填写权力事项编码"))
        if not text["applicant"]:
            bad("applicant", _("受理事件须填写申请人"))
        data["power_item"] = text["power_item"]
    if kind == EventKind.COMPLETE:
        result = _lookup(Result, text["result"]) if text["result"] else None
        if not text["result"]:
            bad("result", _("办结事件须填写办理结果"))
        elif result is None:
            bad("result", _("未知的办理结果“%(v)s”") % {"v": text["result"]})
        else:
            data["result"] = result
        for name in ("fee", "penalty_amount"):
            if text[name]:
                try:
                    data[name] = str(_decimal(text[name]))
                except ValueError as exc:
                    bad(name, str(exc))
        if text["penalty_type"]:
            data["penalty_type"] = text["penalty_type"]
        if text["circumstance"]:
            value = _lookup(Circumstance, text["circumstance"])
            if value is None:
                bad("circumstance", _("未知的违法情节“%(v)s”") % {"v": text["circumstance"]})
            else:
                data["circumstance"] = value
    if kind in NEEDS_REASON and not text["reason"]:
        bad("reason", _("“%(kind)s”须说明理由") % {"kind": EventKind(kind).label})
    if found:
        issues.extend(found)
        return None
    canonical = {
        "source": text["source"],
        "event_id": text["event_id"],
        "case": text["case"],
        "kind": str(kind),
        "at": at.astimezone(UTC).isoformat(),
        "actor": text["actor"],
        "reason": text["reason"],
        **data,
    }
    if text["applicant"] and kind == EventKind.ACCEPT:
        canonical["applicant"] = crypto.blind(text["applicant"])
    canonical = {k: v for k, v in canonical.items() if v != ""}
    payload = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if kind == EventKind.ACCEPT:
        data["applicant"] = mask(text["applicant"])
    return _Row(
        line=line,
        source=text["source"],
        event_id=text["event_id"],
        case_no=text["case"],
        kind=str(kind),
        at=at,
        actor=text["actor"],
        reason=text["reason"],
        data=data,
        digest=hashlib.sha256(payload.encode()).hexdigest(),
        applicant=text["applicant"] if kind == EventKind.ACCEPT else "",
    )


def mask(value: str) -> str:
    """An applicant as shown: an id or phone-like value (≥ 8 characters, ≥ 7 of them digits)
    keeps its first 3 and last 4; a name its first and last character (a two-character name
    its first only); the rest is `*`."""
    value = value.strip()
    digits = sum(c.isdigit() for c in value)
    if len(value) >= 8 and digits >= 7:
        return value[:3] + "*" * min(len(value) - 7, 93) + value[-4:]
    if len(value) <= 1:
        return "*"
    if len(value) == 2:
        return value[0] + "*"
    return (value[0] + "*" * (len(value) - 2) + value[-1])[:100]


# --- loading what a chunk refers to (a fixed number of queries per chunk)


def _chunks(values, size: int = IN_CHUNK) -> Iterator[list]:
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _by_source(keys: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    grouped = defaultdict(set)
    for source, value in keys:
        grouped[source].add(value)
    return grouped


def _stored_events(keys) -> dict[tuple[str, str], str]:
    found = {}
    for source, ids in _by_source(keys).items():
        for part in _chunks(ids):
            rows = CaseEvent.objects.filter(source=source, event_id__in=part)
            for event_id, digest in rows.values_list("event_id", "digest"):
                found[source, event_id] = digest
    return found


def _stored_cases(keys) -> dict[tuple[str, str], Case]:
    found = {}
    for source, numbers in _by_source(keys).items():
        for part in _chunks(numbers):
            for case in Case.objects.filter(source=source, external_no__in=part):
                found[source, case.external_no] = case
    return found


def _items(codes: set[str], ids: set[int]) -> tuple[dict[str, PowerItem], dict[int, clock.Limits]]:
    fields = ("id", "code", "unit_id", "department_id", "legal_limit", "promised_limit")
    items: dict[int, PowerItem] = {}
    for part in _chunks(codes):
        items.update((i.pk, i) for i in PowerItem.objects.filter(code__in=part).only(*fields))
    missing = ids - set(items)
    for part in _chunks(missing):
        items.update((i.pk, i) for i in PowerItem.objects.filter(pk__in=part).only(*fields))
    steps: dict[int, dict[str, int]] = defaultdict(dict)
    for part in _chunks(items):
        for row in monitored_step_limits().filter(item_id__in=part):
            steps[row["item_id"]][row["case_step"]] = row["days"]
    limits = {
        pk: clock.Limits(item.legal_limit, item.promised_limit, dict(steps.get(pk, {})))
        for pk, item in items.items()
    }
    return {item.code: item for item in items.values()}, limits


def _events_of(case_ids) -> dict[int, list[clock.Event]]:
    found = defaultdict(list)
    for part in _chunks(case_ids):
        rows = CaseEvent.objects.filter(case_id__in=part).order_by()
        for case_id, kind, at in rows.values_list("case_id", "kind", "at"):
            found[case_id].append(clock.Event(kind, at))
    return found


# --- one chunk


@dataclass
class _CaseWork:
    """A case touched by the chunk: stored (case set) or new (accept set)."""

    case: Case | None = None
    accept: _Row | None = None
    stored: list[clock.Event] = field(default_factory=list)
    new: list[_Row] = field(default_factory=list)


def _check_timeline(work: _CaseWork, rows: list[_Row], issues: list[Issue]) -> None:
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


def _apply_chunk(raw_rows: list[tuple[int, dict]], result: IngestResult) -> dict:
    issues: list[Issue] = []
    rows = [r for line, raw in raw_rows if (r := _parse(raw, line, issues)) is not None]

    # Replays and conflicts, against the store and within the chunk.
    stored_digest = _stored_events({r.key for r in rows})
    seen: dict[tuple[str, str], str] = {}
    fresh: list[_Row] = []
    for row in rows:
        digest = stored_digest.get(row.key) or seen.get(row.key)
        if digest is None:
            seen[row.key] = row.digest
            fresh.append(row)
        elif digest == row.digest:
            result.replayed += 1
        else:
            message = _("事件编号已存在且内容不同（冲突），未覆盖原事件")
            issues.append(Issue(row.line, "event_id", message))

    cases = _stored_cases({r.case_key for r in fresh})
    items, limits = _items(
        {r.data["power_item"] for r in fresh if r.kind == EventKind.ACCEPT},
        {c.power_item_id for c in cases.values()},
    )
    work: dict[tuple[str, str], _CaseWork] = {}
    for key, case in cases.items():
        work[key] = _CaseWork(case=case)
    later: dict[tuple[str, str], list[_Row]] = defaultdict(list)
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
    for case_id, events in _events_of(by_pk).items():
        by_pk[case_id].stored = events
    for key, w in work.items():
        if w.accept is not None:
            w.new.append(w.accept)
        if key in later:
            _check_timeline(w, later[key], issues)

    touched = {k: w for k, w in work.items() if w.new}
    applied = _write(touched, items, limits)
    result.applied += applied
    result.rejected.extend(sorted(issues, key=lambda i: i.line))
    return {
        "applied": applied,
        "cases_created": sum(w.accept is not None for w in touched.values()),
    }


def _write(touched: dict, items: dict[str, PowerItem], limits: dict) -> int:
    new_cases = []
    for w in touched.values():
        if w.case is None:
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
        _set_state(w, limits[w.case.power_item_id])
    Case.objects.bulk_create(new_cases, batch_size=500)
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
        )
        for w in touched.values()
        for r in w.new
    ]
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    stored = [w.case for w in touched.values() if w.accept is None]
    Case.objects.bulk_update(stored, CASE_FIELDS, batch_size=500)
    return len(events)


def _set_state(w: _CaseWork, limits: clock.Limits) -> None:
    case = w.case
    state = clock.case_state(
        case.received_at, [*w.stored, *(clock.Event(r.kind, r.at) for r in w.new)], limits
    )
    for name in (
        "step",
        "status",
        "paused_at",
        "due_at",
        "legal_due_at",
        "prompt_at",
        "step_started_at",
        "step_due_at",
        "early_at",
        "completed_at",
        "last_event_at",
    ):
        setattr(case, name, getattr(state, name))
    for row in w.new:
        if row.kind == EventKind.COMPLETE:
            case.result = row.data["result"]
            case.fee_charged = Decimal(row.data["fee"]) if "fee" in row.data else None
            case.penalty_type = row.data.get("penalty_type", "")
            amount = row.data.get("penalty_amount")
            case.penalty_amount = Decimal(amount) if amount is not None else None
            case.circumstance = row.data.get("circumstance", "")


# --- the entry point


def _numbered(rows: Iterable[dict]) -> Iterator[tuple[int, dict]]:
    for position, raw in enumerate(rows, start=1):
        line = raw.get("_line", position) if isinstance(raw, dict) else position
        yield line, raw


def ingest(
    rows: Iterable[dict],
    *,
    actor,
    source_name: str,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Validate and store `rows`; see the module docstring. `progress(n)` is called after each
    chunk with the number of rows read so far."""
    result = IngestResult()
    counts = {"applied": 0, "cases_created": 0, "read": 0}
    numbered = _numbered(rows)
    try:
        with transaction.atomic():
            while chunk := list(islice(numbered, CHUNK)):
                done = _apply_chunk(chunk, result)
                counts["applied"] += done["applied"]
                counts["cases_created"] += done["cases_created"]
                counts["read"] += len(chunk)
                if progress is not None:
                    progress(counts["read"])
            if result.rejected and not skip_invalid:
                raise _Rejected
            if result.applied:
                audit.record(
                    actor=actor,
                    action=audit.Action.CREATE,
                    object_type="supervision.batch",
                    object_id=source_name[:64],
                    object_repr=source_name,
                    after={
                        "source": source_name,
                        "rows": counts["read"],
                        "applied": result.applied,
                        "replayed": result.replayed,
                        "rejected": len(result.rejected),
                        "cases_created": counts["cases_created"],
                    },
                    actor_name=f"ingest {source_name}",
                )
    except _Rejected:
        result.applied = 0
    return result
