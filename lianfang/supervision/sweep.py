"""The supervision sweep: the time-based rules of DOMAIN.md §5 over the open cases, set-based.

`sweep(now)` makes one pass and returns a `SweepResult` with the number of new findings per
rule. Only cases with status *open* are read: a paused case's clock is stopped (its deadlines
are None), a completed or merged one is no longer watched.

The rules, each on its own indexed column (`Case.Meta.indexes`), `now` timezone-aware:

- `prompt` (提示): `prompt_at <= now <= due_at`. Key "", deadline `due_at`. `prompt_at` is
  00:00 of the working day `SUPERVISION_PROMPT_DAYS` working days before the due day (`clock`).
- `near_deadline` (黄牌): the case is still open on its due day, `start of the due day <= now
  <= due_at`; set-based as `now <= due_at <= end_of_day(add_working_days(today, near_days))`,
  where today is `now`'s date in Asia/Shanghai and `near_days` is 0 by default (the due day
  itself). The issue's "within the prompt window and still open" would make it the same
  instant as the prompt; here the prompt comes first (entering the window) and the yellow card
  when the last day has begun and the case is still open. `sweep(now, near_days=N)` widens it
  to N working days before the due day. Key "", deadline `due_at`.
- `step_overdue` (黄牌): `step_due_at < now`. Key the current step, so each step of a case can
  be found overdue once (a step re-entered after 退回 keeps its key: not found twice), deadline
  `step_due_at`.
- `promised_overdue` (红牌): `due_at < now`. Key "", deadline `due_at`. (An item without a
  promised limit has `due_at` = the legal deadline, so both red rules fire at the same time.)
- `legal_overdue` (红牌): `legal_due_at < now`. Key "", deadline `legal_due_at`.

Deadlines are the last microsecond of their day (`calendar.end_of_day`), so `due_at < now`
means "the day after the due day has begun"; at `now == due_at` the case is still in time.

Per rule the sweep runs: candidate rows (`.values()`, streamed `CHUNK` rows at a time,
`NOT EXISTS` a finding of the same (case, rule, key), so an already-found case costs nothing but
the index probe); one prepared insert that ignores conflicts per chunk (the unique (case, rule,
key) constraint makes a concurrent sweep harmless); then one `UPDATE case SET card_level = level
WHERE status = open AND <the rule's condition> AND card_level < level`, which only ever raises
the level. Then the new cards are notified and unanswered cards escalated (`notify`). One audit
entry ("supervision.sweep", counts in `after`) when anything was found or escalated.
All in one transaction.

Evidence of each finding: `rule`, `deadline` (ISO-8601, Asia/Shanghai), `limit_days` (the
working days of the limit the deadline came from: promised (else legal), legal, or the step's
from the item's flowchart), `working_days_late` (`calendar.working_days_between(deadline, now)`,
0 when not late), `step`, `received_at` (ISO-8601, Asia/Shanghai). A yellow or red finding gets
`reply_due_at` = end of the `SUPERVISION_REPLY_DAYS`-th working day after the day found.

Idempotent: a second sweep at the same or a later `now` adds no finding already there; replaying
the same events and sweeps gives the same findings.
"""

from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from django.db import transaction
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from lianfang.core import audit, bulk, calendar
from lianfang.powers.selectors import monitored_step_limits

from . import notify, rules, tally
from .models import CardLevel, Case, CaseStatus, Finding, Rule
from .rules import reply_due

CHUNK = 10_000
TIME_RULES = (
    Rule.PROMPT,
    Rule.NEAR_DEADLINE,
    Rule.STEP_OVERDUE,
    Rule.PROMISED_OVERDUE,
    Rule.LEGAL_OVERDUE,
)


@dataclass
class SweepResult:
    now: datetime
    counts: dict[str, int] = field(default_factory=lambda: {str(r): 0 for r in TIME_RULES})

    escalated: int = 0

    @property
    def found(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class _Spec:
    rule: str
    deadline: str  # the Case column holding the deadline
    condition: Q
    limit: object  # an expression for `limit_days`
    keyed: bool = False  # key = the case's step


def _specs(now: datetime, near_days: int) -> list[_Spec]:
    near_end = calendar.end_of_day(calendar.add_working_days(now, near_days))
    promised = Coalesce("power_item__promised_limit", "power_item__legal_limit")
    step_limit = Subquery(
        monitored_step_limits()
        .filter(item_id=OuterRef("power_item_id"), case_step=OuterRef("step"))
        .values("days")[:1],
        output_field=IntegerField(),
    )
    return [
        _Spec(Rule.PROMPT, "due_at", Q(prompt_at__lte=now, due_at__gte=now), promised),
        _Spec(Rule.NEAR_DEADLINE, "due_at", Q(due_at__gte=now, due_at__lte=near_end), promised),
        _Spec(Rule.STEP_OVERDUE, "step_due_at", Q(step_due_at__lt=now), step_limit, keyed=True),
        _Spec(Rule.PROMISED_OVERDUE, "due_at", Q(due_at__lt=now), promised),
        _Spec(
            Rule.LEGAL_OVERDUE,
            "legal_due_at",
            Q(legal_due_at__lt=now),
            F("power_item__legal_limit"),
        ),
    ]


def _sweep_rule(spec: _Spec, now: datetime, reply_due_at: datetime | None) -> int:
    rule, level = spec.rule, rules.level(spec.rule)
    key = OuterRef("step") if spec.keyed else ""
    found = Finding.objects.filter(case_id=OuterRef("pk"), rule=rule, key=key)
    candidates = (
        Case.objects.filter(spec.condition, status=CaseStatus.OPEN)
        .filter(~Exists(found))
        .annotate(limit_days=spec.limit)
        .order_by()
        .values(
            "pk",
            "step",
            "received_at",
            spec.deadline,
            "limit_days",
            "unit_id",
            "department_id",
            "power_item_id",
        )
    )
    # No order: an `ORDER BY pk LIMIT` tempts SQLite to walk the whole table in key order
    # instead of the rule's index (2 s a rule at a million open cases). Only findings and
    # tallies are written while the rows stream, never the cases being read.
    created, rows_read = 0, candidates.iterator(chunk_size=CHUNK)
    while rows := list(islice(rows_read, CHUNK)):
        findings = []
        for row in rows:
            deadline = row[spec.deadline]
            findings.append(
                Finding(
                    case_id=row["pk"],
                    rule=rule,
                    key=row["step"] if spec.keyed else "",
                    level=level,
                    found_at=now,
                    deadline_at=deadline,
                    reply_due_at=reply_due_at if level >= CardLevel.YELLOW else None,
                    evidence={
                        "rule": str(rule),
                        "deadline": calendar.iso(deadline),
                        "limit_days": row["limit_days"],
                        "working_days_late": max(0, calendar.working_days_between(deadline, now)),
                        "step": row["step"],
                        "received_at": calendar.iso(row["received_at"]),
                    },
                )
            )
        bulk.insert_rows(findings, ignore_conflicts=True)
        tally.cards(
            (now, r["unit_id"], r["department_id"], r["power_item_id"], level) for r in rows
        )
        created += len(findings)
    if created:
        Case.objects.filter(spec.condition, status=CaseStatus.OPEN, card_level__lt=level).update(
            card_level=level
        )
    return created


def sweep(now: datetime, *, near_days: int = 0) -> SweepResult:
    """One pass of the time-based rules at `now` (timezone-aware); see the module docstring."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("naive datetime: give a timezone-aware one")
    result = SweepResult(now=now)
    reply_due_at = reply_due(now)
    with transaction.atomic():
        for spec in _specs(now, near_days):
            if not rules.enabled(spec.rule):
                continue
            result.counts[str(spec.rule)] = _sweep_rule(spec, now, reply_due_at)
        if result.found:
            notify.notify_cards(Finding.objects.filter(found_at=now), now)
        result.escalated = notify.escalate(now)
        if result.found or result.escalated:
            stamp = calendar.iso(now)
            audit.record(
                actor=None,
                action=audit.Action.CREATE,
                object_type="supervision.sweep",
                object_id=stamp,
                object_repr=stamp,
                after={"now": stamp, **result.counts, "escalated": result.escalated},
                actor_name="supervise sweep",
            )
    return result
