"""`CaseTally`: the board's daily counts, kept as cases arrive and close.

Ingest hands `record` every case it wrote with the status the case had before (None for a new
case); the changes become +1/−1 per (day, department, power item) and are added to the stored
counts with one upsert (`INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n`, the same on
SQLite and PostgreSQL). `rebuild` recomputes every count from the cases (after a bulk load that
bypassed ingest, or to check the running counts: they must agree).
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from lianfang.core import bulk, calendar

from .models import OPEN_STATUSES, Case, CaseStatus, CaseTally

COUNTS = ("received", "still_open", "completed", "completed_on")


class ShanghaiDate(TruncDate):
    """The date in Asia/Shanghai. SQLite's TruncDate is a Python function called per row (the
    board's cost at a million cases); Shanghai has kept UTC+8 without daylight saving since
    1991, so SQLite's own `date(value, '+8 hours')` gives the same day."""

    def __init__(self, expression):
        super().__init__(expression, tzinfo=calendar.SHANGHAI)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, '+8 hours')", params


def _is_open(status: str | None) -> bool:
    return status in OPEN_STATUSES


def record(changes: Iterable[tuple[Case, str | None]]) -> None:
    """Add to the counts what happened to each case: (the case as written, its status before
    this batch or None when it is new)."""
    deltas = defaultdict(lambda: [0, 0, 0, 0])
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
    rows = [(*key, *counts) for key, counts in deltas.items() if any(counts)]
    if rows:
        _add(rows)


def _add(rows: list[tuple]) -> None:
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
def rebuild(case_model=Case, tally_model=CaseTally) -> int:
    """Recompute every count from the cases (set-based: two grouped queries). Returns the
    number of rows written. The models are parameters for the migration that fills the table
    (it passes its historical models)."""
    keys = ("unit_id", "department_id", "power_item_id")
    counts = defaultdict(lambda: [0, 0, 0, 0])
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
