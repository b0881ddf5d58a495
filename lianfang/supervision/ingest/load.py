"""Loading what a chunk of rows refers to: a fixed number of queries per chunk, whatever the
number of rows (IN lists cut to `IN_CHUNK` ids for SQLite's limit on parameters)."""

from collections import defaultdict
from collections.abc import Iterable, Iterator

from lianfang.powers.models import DiscretionStandard, PowerItem
from lianfang.powers.selectors import monitored_step_limits

from .. import checks, clock
from ..models import Case, CaseEvent, Finding

IN_CHUNK = 900
ITEM_FIELDS = (
    "id",
    "code",
    "unit_id",
    "department_id",
    "legal_limit",
    "promised_limit",
    "fee_amount",
    "fee_basis",
    "fee_standard",
)


def chunks(values, size: int = IN_CHUNK) -> Iterator[list]:
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _by_source(keys: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    grouped = defaultdict(set)
    for source, value in keys:
        grouped[source].add(value)
    return grouped


def stored_events(keys) -> dict[tuple[str, str], str]:
    """(source, event_id) → digest of the events already stored."""
    found = {}
    for source, ids in _by_source(keys).items():
        for part in chunks(ids):
            rows = CaseEvent.objects.filter(source=source, event_id__in=part)
            for event_id, digest in rows.values_list("event_id", "digest"):
                found[source, event_id] = digest
    return found


def stored_cases(keys) -> dict[tuple[str, str], Case]:
    found = {}
    for source, numbers in _by_source(keys).items():
        for part in chunks(numbers):
            for case in Case.objects.filter(source=source, external_no__in=part):
                found[source, case.external_no] = case
    return found


def items(
    codes: set[str], ids: set[int]
) -> tuple[dict[str, PowerItem], dict[int, checks.ItemFacts]]:
    """The items named by code (受理 rows) or id (stored cases): by code, and their facts for
    the clock and the rules (limits, step limits, fee, discretion standards) by id."""
    found: dict[int, PowerItem] = {}
    for part in chunks(codes):
        found.update((i.pk, i) for i in PowerItem.objects.filter(code__in=part).only(*ITEM_FIELDS))
    missing = ids - set(found)
    for part in chunks(missing):
        found.update((i.pk, i) for i in PowerItem.objects.filter(pk__in=part).only(*ITEM_FIELDS))
    steps: dict[int, dict[str, int]] = defaultdict(dict)
    standards: dict[int, list[checks.Standard]] = defaultdict(list)
    for part in chunks(found):
        for row in monitored_step_limits().filter(item_id__in=part):
            steps[row["item_id"]][row["case_step"]] = row["days"]
        rows = DiscretionStandard.objects.filter(item_id__in=part).values_list(
            "item_id", "circumstance", "penalty_types", "amount_min", "amount_max"
        )
        for item_id, *standard in rows:
            standards[item_id].append(checks.Standard(*standard))
    facts = {
        pk: checks.ItemFacts(
            limits=clock.Limits(item.legal_limit, item.promised_limit, dict(steps.get(pk, {}))),
            fee_amount=item.fee_amount,
            fee_basis=item.fee_basis,
            fee_standard=item.fee_standard,
            standards=tuple(standards.get(pk, ())),
        )
        for pk, item in found.items()
    }
    return {item.code: item for item in found.values()}, facts


def events_of(case_ids) -> dict[int, list[checks.EventFacts]]:
    """The stored events of the cases, each case's in order of time (then of storing)."""
    found = defaultdict(list)
    fields = ("case_id", "event_id", "kind", "at", "reason", "data")
    for part in chunks(case_ids):
        rows = CaseEvent.objects.filter(case_id__in=part).order_by("case_id", "at", "pk")
        for case_id, event_id, kind, at, reason, data in rows.values_list(*fields):
            found[case_id].append(checks.EventFacts(kind, at, event_id, reason, data, new=False))
    return found


def findings_of(case_ids) -> set[tuple[int, str, str]]:
    """(case id, rule, key) of the findings the cases already have."""
    found = set()
    for part in chunks(case_ids):
        found.update(Finding.objects.filter(case_id__in=part).values_list("case_id", "rule", "key"))
    return found


def finding_ids(case_ids, wanted: set[tuple[int, str, str]]) -> list[int]:
    """The ids of the findings `wanted` (case id, rule, key) of those cases."""
    ids = []
    for part in chunks(case_ids):
        rows = Finding.objects.filter(case_id__in=part).values_list("pk", "case_id", "rule", "key")
        ids += [pk for pk, *key in rows if tuple(key) in wanted]
    return sorted(ids)
