"""Ingest of case events from the handling systems (files, the batch API): validated, set-based,
idempotent, all-or-nothing unless asked otherwise.

`ingest(rows, actor=, source_name=, skip_invalid=False)` takes dicts with the fields below
(a dict's line number is its `_line` key, else its 1-based position) and returns
`IngestResult(applied, replayed, rejected, findings, finding_ids)`.

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

Findings: the event rules of `supervision.checks` (step order, skipped steps, no reason, 体外办结,
fees, penalties, and the time limits at step and closing events) are judged on each touched
case's new events against its state just before each of them; the drafts of rules that are on
(`rules.enabled`) become `Finding`s with `level` = `rules.level(rule)`, `found_at` = the event's
time, `reply_due_at` = `rules.reply_due(found_at)` for a yellow or red card; a finding already
there (same case, rule, key; e.g. found by the sweep) is not made again, and the case's
`card_level` is raised to each finding's level (never lowered). `IngestResult.findings` counts
those created and `IngestResult.finding_ids` names them: the one place that knows them (for
notifications). A replayed event judges nothing.

All-or-nothing (default): any issue → nothing written, no audit entry, `applied` = 0, no
findings, every issue returned. `skip_invalid=True`: the valid rows are applied and the issues
returned. Either way it runs in one transaction. Rows are taken in chunks of `CHUNK` (10,000);
each chunk costs a fixed handful of queries (IN lists chunked to ≤ 900 ids for SQLite): power
items with their step limits and discretion standards, stored events by id, cases by number,
stored events of the touched cases, then bulk inserts of cases and events and one bulk update of
the touched cases, whose state and deadlines `clock.case_state` recomputes from all their
events; when the rules found anything, the cases' findings, one bulk insert of findings, one
update per card level and the ids created. One audit entry (create, "supervision.batch", the
counts in `after`) per call that applied anything.

Modules: `rows` (one row on its own), `load` (what a chunk refers to), `apply` (one chunk),
`findings` (the event rules' findings of a chunk).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db import transaction
from django.utils import timezone

from lianfang.core import audit

from .. import notify
from ..models import Finding
from .apply import apply_chunk
from .load import chunks
from .rows import FIELDS, Issue, mask, parse_time

__all__ = ["CHUNK", "FIELDS", "IngestResult", "Issue", "ingest", "mask", "parse_time"]

CHUNK = 10_000


@dataclass
class IngestResult:
    applied: int = 0
    replayed: int = 0
    rejected: list[Issue] = field(default_factory=list)
    # The findings the batch created (none when it was rejected as a whole).
    finding_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def findings(self) -> int:
        return len(self.finding_ids)


class _Rejected(Exception):
    """Raised inside the transaction to roll back an all-or-nothing batch that had issues."""


def _numbered(rows: Iterable[dict]) -> Iterator[tuple[int, dict]]:
    for position, raw in enumerate(rows, start=1):
        line = raw.get("_line", position) if isinstance(raw, dict) else position
        yield line, raw


def _notify(finding_ids: list[int]) -> None:
    now = timezone.now()
    for part in chunks(finding_ids):
        notify.notify_cards(Finding.objects.filter(pk__in=part), now)


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
    counts = {"cases_created": 0, "read": 0}
    numbered = _numbered(rows)
    try:
        with transaction.atomic():
            while chunk := list(islice(numbered, CHUNK)):
                done = apply_chunk(chunk)
                result.applied += done.applied
                result.replayed += done.replayed
                result.rejected.extend(done.issues)
                result.finding_ids += done.finding_ids
                counts["cases_created"] += done.cases_created
                counts["read"] += len(chunk)
                if progress is not None:
                    progress(counts["read"])
            if result.rejected and not skip_invalid:
                raise _Rejected
            _notify(result.finding_ids)
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
                        "findings": result.findings,
                    },
                    actor_name=f"ingest {source_name}",
                )
    except _Rejected:
        result.applied = 0
        result.finding_ids = []
    return result
