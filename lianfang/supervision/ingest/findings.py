"""The event rules (`supervision.checks`) on the cases a chunk touched: the drafts of enabled
rules become `Finding`s and raise the cases' cards, in a fixed number of queries per chunk."""

from collections import defaultdict

from lianfang.core import bulk

from .. import checks, rules, tally
from ..models import CardLevel, Case, Finding
from ..rules import reply_due
from . import load


def judge(work, facts: dict[int, checks.ItemFacts]) -> None:
    """Set `w.drafts` (enabled rules only) on each touched case `w`, and a new case's card, so
    that it is created with it. Before the cases are written: needs no case id."""
    for w in work:
        new = sorted(w.new, key=lambda r: (r.at, r.line))
        events = [
            *w.stored,
            *(checks.EventFacts(r.kind, r.at, r.event_id, r.reason, r.data) for r in new),
        ]
        drafts = checks.case_findings(w.case.received_at, events, facts[w.case.power_item_id])
        w.drafts = [d for d in drafts if rules.enabled(d.rule)]
        if w.drafts and w.case.pk is None:
            w.case.card_level = max(w.case.card_level, *(rules.level(d.rule) for d in w.drafts))


def write(work, new_cases: set[int]) -> list[int]:
    """After the cases are written: create the findings of `w.drafts` not already there, raise
    the stored cases' cards (only ever up). Returns the ids of the findings created."""
    judged = [w for w in work if w.drafts]
    if not judged:
        return []
    existing = load.findings_of(w.case.pk for w in judged if w.case.pk not in new_cases)
    findings, raise_to = [], defaultdict(set)
    for w in judged:
        for d in w.drafts:
            level = rules.level(d.rule)
            raise_to[level].add(w.case.pk)
            if (w.case.pk, d.rule, d.key) in existing:
                continue
            existing.add((w.case.pk, d.rule, d.key))
            findings.append(
                Finding(
                    case_id=w.case.pk,
                    rule=d.rule,
                    key=d.key,
                    level=level,
                    found_at=d.found_at,
                    deadline_at=d.deadline_at,
                    evidence=d.evidence,
                    reply_due_at=reply_due(d.found_at) if level >= CardLevel.YELLOW else None,
                )
            )
    # The unique (case, rule, key) makes a concurrent sweep or ingest harmless.
    bulk.insert_rows(findings, ignore_conflicts=True)
    cases = {w.case.pk: w.case for w in judged}
    found = []
    for f in findings:
        case = cases[f.case_id]
        found.append((f.found_at, case.unit_id, case.department_id, case.power_item_id, f.level))
    tally.cards(found)
    for level, case_ids in raise_to.items():
        for part in load.chunks(case_ids - new_cases):
            Case.objects.filter(pk__in=part, card_level__lt=level).update(card_level=level)
    wanted = {(f.case_id, f.rule, f.key) for f in findings}
    return load.finding_ids({f.case_id for f in findings}, wanted)
