"""Reads for the registers: one register's risks as the user may see them, as plain rows.

Rows are dicts keyed like `columns.Column.key`. They come out of the database in chunks (the
risks with `.values()` through a cursor, then one measures query per chunk and one for the
derived leaders new to the chunk), so exporting 100,000 rows keeps memory flat and the query
count grows with the chunks, not the rows.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import batched

from django.db.models import Count, OuterRef, Subquery

from lianfang.core.scopes import scoped
from lianfang.org.models import LeadershipRole, Unit
from lianfang.org.selectors import current_leaderships

from .. import selectors
from ..models import Measure, MeasureStatus, Register, RiskPoint, Status
from .columns import category_text, level_text, measures_text

CHUNK = 2000

_VALUES = {
    "id": "pk",
    "unit": "unit__name",
    "department": "department__name",
    "post": "post__name",
    "post_duties": "post__duties",
    "person": "person__name",
    "duty_link": "duty_link",
    "category": "category",
    "title": "title",
    "manifestation": "manifestation",
    "level": "level",
    "responsible_person": "responsible_person__name",
    "department_head": "department_head",
    "leader": "leader_name",
    "year": "year",
}
# An export reads the rest, and these, which follow from the unit, department and level alone,
# once per combination (`_Leaders`).
_DERIVED = ("department_head", "leader")
_READ = {key: lookup for key, lookup in _VALUES.items() if key not in _DERIVED} | {
    "unit_id": "unit_id",
    "department_id": "department_id",
}


def register_risks(user, register: str, year: int, unit=None, department=None):
    """The register's risks for `year` inside the user's scope, retired ones left out, in form
    order (unit, department, post, filer), with the derived 部门责任人 and 责任领导."""
    risks = scoped(RiskPoint.objects.all(), user).exclude(status=Status.RETIRED)
    risks = selectors.apply_filters(
        risks, {"register": register, "year": year, "unit": unit, "department": department}
    )
    risks = with_leaders(risks)
    return risks.order_by(
        "unit__path",
        "department__sort",
        "department_id",
        "post__sort",
        "post_id",
        "person_id",
        "pk",
    )


def with_leaders(risks):
    """`risks` with the derived 责任领导 (`leader_name`) and 部门责任人 (`department_head`)."""
    head = (
        current_leaderships()
        .filter(role=LeadershipRole.DEPT_HEAD, department=OuterRef("department"))
        .order_by("start_date")
        .values("person__name")[:1]
    )
    return selectors.with_responsible_leader(risks).annotate(department_head=Subquery(head))


class _Leaders:
    """The derived leaders of export rows, found once per (unit, department, level) on one risk
    of each: they depend on nothing else, and deriving them per row in SQL took PostgreSQL
    longer than reading the rows (6 of 8 s for 100,000)."""

    def __init__(self):
        self.known = {}

    @staticmethod
    def _key(row) -> tuple:
        return row["unit_id"], row["department_id"], row["level_code"]

    def fill(self, rows: list[dict]) -> None:
        new = {self._key(row): row["id"] for row in rows if self._key(row) not in self.known}
        if new:
            found = with_leaders(RiskPoint.objects.filter(pk__in=new.values())).values(
                "unit_id", "department_id", "level", "leader_name", "department_head"
            )
            for f in found:
                key = f["unit_id"], f["department_id"], f["level"]
                self.known[key] = f["leader_name"], f["department_head"]
        for row in rows:
            row["leader"], row["department_head"] = self.known[self._key(row)]


def _rows(values: Iterable[dict], fields: dict[str, str] = _VALUES) -> Iterator[dict]:
    for value in values:
        row = {key: value[lookup] for key, lookup in fields.items()}
        row["category_code"], row["level_code"] = row["category"], row["level"]
        row["category"] = category_text(row["category"])
        row["level"] = level_text(row["level"])
        yield row


def with_measures(rows: list[dict]) -> list[dict]:
    """Attach each row's measures (cancelled ones left out) in one query for the whole list."""
    by_risk = defaultdict(list)
    measures = (
        Measure.objects.filter(risk_id__in=[r["id"] for r in rows])
        .exclude(status=MeasureStatus.CANCELLED)
        .order_by("risk_id", "pk")
        .values_list("risk_id", "type", "content")
    )
    for risk_id, kind, content in measures:
        by_risk[risk_id].append((kind, content))
    for row in rows:
        row["measure_list"] = by_risk[row["id"]]
        row["measures"] = measures_text(row["measure_list"])
    return rows


def rows_of(risks, chunk: int = CHUNK) -> Iterator[dict]:
    """Every row of `risks` (a `register_risks` queryset), numbered 1…n, in chunks."""
    leaders = _Leaders()
    values = risks.values(*_READ.values()).iterator(chunk_size=chunk)
    number = 0
    for batch in batched(_rows(values, _READ), chunk):
        batch = with_measures(list(batch))
        leaders.fill(batch)
        for row in batch:
            number += 1
            row["seq"] = number
            yield row


def page_rows(page, offset: int) -> list[dict]:
    """The rows of one page of `register_risks(...).values(...)`, numbered from `offset`."""
    rows = with_measures(list(_rows(page)))
    for number, row in enumerate(rows, offset + 1):
        row["seq"] = number
    return rows


def values(risks):
    return risks.values(*_VALUES.values())


def counts(user, year: int, unit=None, department=None) -> dict[str, int]:
    """{register: risks} for the year inside the scope, in one GROUP BY query."""
    risks = scoped(RiskPoint.objects.all(), user).exclude(status=Status.RETIRED)
    risks = selectors.apply_filters(risks, {"year": year, "unit": unit, "department": department})
    found = dict(risks.order_by().values_list("register").annotate(n=Count("pk")))
    return {register.value: found.get(register.value, 0) for register in Register}


def title_unit(user, unit=None, department=None) -> str:
    """The unit named in a form's title: the chosen unit, the chosen department's unit, else
    the top unit the user may see. Its short name when it has one."""
    if department is not None:
        unit = department.unit
    if unit is None:
        unit = scoped(Unit.objects.filter(is_active=True), user).order_by("path").first()
    if unit is None:
        return ""
    return unit.short_name or unit.name
