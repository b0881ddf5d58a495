"""`CaseTally`: the board's daily counts, kept as cases arrive and close and cards are found.

Ingest hands `record` every case it wrote with the status the case had before (None for a new
case), and ingest and the sweep hand `cards` the cards they created; the changes become +1/−1
per (day, department, power item) and are added to the stored counts with one upsert
(`INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n`, the same on SQLite and PostgreSQL).
`rebuild` recomputes every count from the cases and findings (after a bulk load that bypassed
ingest, or to check the running counts: they must agree).
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from lianfang.core import bulk, calendar

from .models import OPEN_STATUSES, CardLevel, Case, CaseStatus, CaseTally, Finding

COUNTS = ("received", "still_open", "completed", "completed_on", "yellow", "red")
CARD_COUNTS = {CardLevel.YELLOW: 4, CardLevel.RED: 5}  # level → index in COUNTS


class ShanghaiDate(TruncDate):
    """The date in Asia/Shanghai. SQLite's TruncDate is a Python function called per row (the
    board's cost at a million cases); Shanghai has kept UTC+8 without daylight saving since
    1991, so SQLite's own `date(value, '+8 hours')` gives the same day."""

    def __init__(self, expression):
        super().__init__(expression, tzinfo=calendar.SHANGHAI)

    def as_sqlite(self, compiler, connection, **extra):
        # Whole seconds only: SQLite rounds to milliseconds, so a deadline's 23:59:59.999999
        # would become the next day's midnight.
        sql, params = compiler.compile(self.lhs)
        return f"date(substr({sql}, 1, 19), '+8 hours')", params


def _is_open(status: str | None) -> bool:
    return status in OPEN_STATUSES


def record(changes: Iterable[tuple[Case, str | None]]) -> None:
    """Add to the counts what happened to each case: (the case as written, its status before
    this batch or None when it is new)."""
    deltas = defaultdict(lambda: [0] * len(COUNTS))
    for case, before in changes:
        key = (calendar.as_date(case.received_at), case.unit_id, case.department_id)
        row = deltas[(*key, case.power_item_id)]
        if before is None:
            row[0] += 1
        row[1] += _is_open(case.status) - _is_open(before)
        done = case.status == CaseStatus.COMPLETED and before != CaseStatus.COMPLETED
        if done:
            row[2] += 1
            day = calendar.as_date(case.completed_at)
            deltas[(day, case.unit_id, case.department_id, case.power_item_id)][3] += 1
    _add(deltas)


def cards(found: Iterable[tuple]) -> None:
    """Add the cards just found: (found_at, unit id, department id, power item id, level);
    findings below yellow are not counted."""
    deltas = defaultdict(lambda: [0] * len(COUNTS))
    for found_at, unit, department, item, level in found:
        if level in CARD_COUNTS:
            deltas[(calendar.as_date(found_at), unit, department, item)][CARD_COUNTS[level]] += 1
    _add(deltas)


def _add(deltas: dict) -> None:
    rows = [(*key, *counts) for key, counts in deltas.items() if any(counts)]
    if not rows:
        return
    table = connection.ops.quote_name(CaseTally._meta.db_table)
    names = ("day", "unit_id", "department_id", "power_item_id", *COUNTS)
    sets = ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in COUNTS)
    sql = (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))}) "  # noqa: S608 (names from the model, values bound)
        f"ON CONFLICT (day, department_id, power_item_id) DO UPDATE SET {sets}"
    )
    field = CaseTally._meta.get_field("day")
    prepared = [(field.get_db_prep_save(r[0], connection), *r[1:]) for r in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


@transaction.atomic
def rebuild(case_model=Case, tally_model=CaseTally, finding_model=Finding) -> int:
    """Recompute every count from the cases and findings (set-based: three grouped queries).
    Returns the number of rows written. The models are parameters for the migration that fills
    the table (it passes its historical models)."""
    keys = ("unit_id", "department_id", "power_item_id")
    counts = defaultdict(lambda: [0] * len(COUNTS))
    by_receipt = (
        case_model.objects.order_by()
        .annotate(day=ShanghaiDate("received_at"))
        .values("day", *keys)
        .annotate(
            received=Count("pk"),
            still_open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            completed=Count("pk", filter=Q(status=CaseStatus.COMPLETED)),
        )
    )
    for row in by_receipt:
        counts[(row["day"], *(row[k] for k in keys))][:3] = [
            row["received"],
            row["still_open"],
            row["completed"],
        ]
    by_completion = (
        case_model.objects.filter(status=CaseStatus.COMPLETED)
        .order_by()
        .annotate(day=ShanghaiDate("completed_at"))
        .values("day", *keys)
        .annotate(n=Count("pk"))
    )
    for row in by_completion:
        counts[(row["day"], *(row[k] for k in keys))][3] = row["n"]
    by_finding = (
        finding_model.objects.filter(level__in=list(CARD_COUNTS))
        .order_by()
        .annotate(day=ShanghaiDate("found_at"))
        .values("day", "level", *(f"case__{k}" for k in keys))
        .annotate(n=Count("pk"))
    )
    for row in by_finding:
        key = (row["day"], *(row[f"case__{k}"] for k in keys))
        counts[key][CARD_COUNTS[row["level"]]] = row["n"]
    tally_model.objects.all().delete()
    return bulk.insert_rows(
        tally_model(
            day=day,
            unit_id=unit,
            department_id=department,
            power_item_id=item,
            **dict(zip(COUNTS, values, strict=True)),
        )
        for (day, unit, department, item), values in counts.items()
    )
