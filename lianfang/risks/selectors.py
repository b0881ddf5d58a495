"""Reads of the risk library, always through the data scope; set-based for lists and counts."""

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from simple_history.models import ModelChange

from lianfang.core.scopes import DataScope, scoped
from lianfang.org.models import (
    Assignment,
    Department,
    LeadershipRole,
    Person,
    Post,
    Unit,
)
from lianfang.org.selectors import current_leaderships

from . import grading
from .models import (
    OPEN_MEASURE_STATUSES,
    GradingMatrix,
    Level,
    Measure,
    Register,
    RiskPoint,
    Status,
)


def _office(role, **match):
    return current_leaderships().filter(role=role, **match).order_by("start_date")


def _leader_subqueries():
    """The current principal of the risk's unit, leader in charge and head of its department."""
    principal = _office(LeadershipRole.PRINCIPAL, unit=OuterRef("unit"))
    in_charge = _office(LeadershipRole.IN_CHARGE, departments_in_charge=OuterRef("department"))
    head = _office(LeadershipRole.DEPT_HEAD, department=OuterRef("department"))
    return principal, in_charge, head


def with_responsible_leader(risks):
    """Annotate each risk with its responsible leader, derived from the organisation now:
    level 1 → principal leader, level 2 → leader in charge of the department, level 3 →
    department head; a unit-register risk (no department) falls to the principal leader."""
    principal, in_charge, head = _leader_subqueries()

    def pick(field, output):
        return Case(
            When(level=Level.ONE, then=Subquery(principal.values(field)[:1])),
            When(
                level=Level.TWO,
                department__isnull=False,
                then=Subquery(in_charge.values(field)[:1]),
            ),
            When(
                level=Level.THREE,
                department__isnull=False,
                then=Subquery(head.values(field)[:1]),
            ),
            When(level__isnull=False, then=Subquery(principal.values(field)[:1])),
            default=None,
            output_field=output,
        )

    return risks.annotate(
        leader_id=pick("person_id", IntegerField()),
        leader_name=pick("person__name", CharField()),
    )


def responsible_leader(risk: RiskPoint):
    """The responsible leader (a Person) of one risk, or None."""
    row = with_responsible_leader(RiskPoint.objects.filter(pk=risk.pk)).values("leader_id").first()
    leader_id = row and row["leader_id"]
    return Person.objects.filter(pk=leader_id).first() if leader_id else None


def with_reassessment(risks):
    """Flag risks graded before their post changed hands or duties (动态管理)."""
    changed_hands = Assignment.objects.filter(post=OuterRef("post")).filter(
        Q(start_date__gt=OuterRef("assessed_on")) | Q(end_date__gt=OuterRef("assessed_on"))
    )
    return risks.annotate(
        reassess=Case(
            When(assessed_on__isnull=True, then=Value(False)),
            When(post__duties_changed_on__gt=F("assessed_on"), then=Value(True)),
            When(Exists(changed_hands), then=Value(True)),
            default=Value(False),
        )
    )


NARROW_SCOPES = (DataScope.IN_CHARGE, DataScope.DEPARTMENT, DataScope.SELF)
# The library's order, as expressions no index can serve (see risk_list).
SORTED_AFTER_FILTERING = [
    (F("year") + 0).desc(),
    (F("unit_id") + 0).asc(),
    F("department_id").asc(),
    F("post_id").asc(),
    F("id").asc(),
]


def risk_list(user, filters: dict | None = None):
    """The library as `user` may see it, filtered, with leader and re-assessment flags."""
    filters = filters or {}
    risks = apply_filters(scoped(RiskPoint.objects.all(), user), filters)
    if (filters.get("q") or "").strip() and user.data_scope in NARROW_SCOPES:
        # A database cannot estimate a LIKE '%…%' match, so it walks the ordering index
        # hoping to meet the first page early: for a narrow scope it reads tens of thousands
        # of entries to find a few dozen (PostgreSQL, department head: 125 → 25 ms when
        # ordered by expressions, which makes it filter first and sort the few matches). A wide
        # scope has thousands of matches, and there walking the index is the faster way.
        risks = risks.order_by(*SORTED_AFTER_FILTERING)
    risks = with_reassessment(with_responsible_leader(risks))
    return risks.select_related("unit", "department", "post", "person", "responsible_person")


FILTERS = {
    "unit": "unit_id",
    "department": "department_id",
    "post": "post_id",
    "person": "person_id",
    "level": "level",
    "category": "category",
    "status": "status",
    "step": "step",
    "year": "year",
    "register": "register",
    "publication": "publication",
}


def apply_filters(risks, filters: dict):
    for name, lookup in FILTERS.items():
        value = filters.get(name)
        if value not in (None, ""):
            risks = risks.filter(**{lookup: value})
    text = (filters.get("q") or "").strip()
    if text:
        risks = risks.filter(_text_q(text))
    return risks


def _text_q(text: str) -> Q:
    """Risks whose title, manifestation or duty link contain `text`, ignoring case. Text with
    no cased letter (Chinese) matches the same with or without case folding, so it is matched
    as it is: PostgreSQL then skips an UPPER() of every text (a 9,000-hit search of 100,000
    risks: 150 → 55 ms), and its column statistics see the pattern and read the first page
    off the ordering index."""
    lookup = "icontains" if text.lower() != text.upper() else "contains"
    return (
        Q(**{f"title__{lookup}": text})
        | Q(**{f"manifestation__{lookup}": text})
        | Q(**{f"duty_link__{lookup}": text})
    )


def level_counts(risks) -> dict:
    """{1: n, 2: n, 3: n, None: n} in one aggregate query."""
    row = risks.aggregate(
        l1=Count("pk", filter=Q(level=1)),
        l2=Count("pk", filter=Q(level=2)),
        l3=Count("pk", filter=Q(level=3)),
        ungraded=Count("pk", filter=Q(level__isnull=True)),
    )
    return {1: row["l1"], 2: row["l2"], 3: row["l3"], None: row["ungraded"]}


# The organisation from the top down to each roll-up's level; a row shows its level's name
# and the name of the level above.
ROLLUP_PATHS = {
    "unit": ("unit",),
    "department": ("unit", "department"),
    "post": ("unit", "department", "post"),
}
_NAMED = {"unit": Unit, "department": Department, "post": Post}


def rollup(risks, by: str) -> list[dict]:
    """Counts by level rolled up per post, department or unit, most risks first.

    One GROUP BY on the ids down the organisation path (unit, department, post), which an
    index of the same columns answers, then the names of the groups found in one small query
    per level shown; grouping by the joined names made every risk join. Risks without the
    level (a unit risk in a department roll-up) count once per parent.
    """
    path = ROLLUP_PATHS[by]
    keys = [f"{level}_id" for level in path]
    rows = list(
        risks.order_by()
        .values(*keys)
        .annotate(
            total=Count("pk"),
            l1=Count("pk", filter=Q(level=1)),
            l2=Count("pk", filter=Q(level=2)),
            l3=Count("pk", filter=Q(level=3)),
        )
        .order_by("-total", *reversed(keys))
    )
    for level in path[-2:]:
        names = _names(_NAMED[level], {row[f"{level}_id"] for row in rows})
        for row in rows:
            row[f"{level}__name"] = names.get(row[f"{level}_id"])
    return rows


def _names(model, ids) -> dict:
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))


def category_counts(risks):
    return risks.order_by().values("category").annotate(total=Count("pk")).order_by("category")


def heat_map(risks):
    """Risk counts per (likelihood, impact) cell, for matrix-graded risks."""
    return (
        risks.filter(likelihood__isnull=False, impact__isnull=False)
        .order_by()
        .values("likelihood", "impact")
        .annotate(total=Count("pk"))
    )


def identification_progress(user, year: int):
    """Per department: posts, and posts whose personal form is effective (every risk of the
    post in `year` effective, and at least one), for the first phase of the campaign."""
    risks = RiskPoint.objects.filter(register=Register.POST, year=year, post=OuterRef("pk"))
    risks = risks.exclude(status=Status.RETIRED)
    open_risks = risks.exclude(status=Status.EFFECTIVE)
    posts = scoped(Post.objects.filter(is_active=True), user)
    return (
        posts.order_by()
        .values(
            "department_id",
            "department__name",
            "department__unit__name",
            "department__unit__path",
            "department__sort",
        )
        .annotate(
            posts=Count("pk"),
            filed=Count("pk", filter=Q(Exists(risks))),
            effective=Count("pk", filter=Q(Exists(risks)) & ~Q(Exists(open_risks))),
        )
        .order_by("department__unit__path", "department__sort", "department_id")
    )


def overdue_measures(user, on=None):
    on = on or timezone.localdate()
    measures = scoped(Measure.objects.all(), user).filter(
        status__in=OPEN_MEASURE_STATUSES, due_date__lt=on
    )
    return measures.select_related("risk", "owner").order_by("due_date")


def measures_of(risk: RiskPoint):
    return risk.measures.select_related("owner").order_by("pk")


def _changes(newer, older) -> list[ModelChange]:
    """Field-level diff over every tracked field (simple-history's diff_against skips the
    non-editable ones, so a re-grading that only moved the matrix cell would show nothing)."""
    return [
        ModelChange(f.name, getattr(older, f.attname), getattr(newer, f.attname))
        for f in newer.tracked_fields
        if getattr(older, f.attname) != getattr(newer, f.attname)
    ]


def history_of(risk: RiskPoint):
    """Versions, newest first, each with the fields it changed against the one before."""
    records = list(
        risk.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    for newer, older in zip(records, [*records[1:], None], strict=True):
        newer.changes = _changes(newer, older) if older is not None else []
    return records


def gradings_of(risk: RiskPoint):
    return risk.gradings.select_related("graded_by")


def workflow_of(risk: RiskPoint):
    return risk.workflow.select_related("actor")


def years(user):
    return (
        scoped(RiskPoint.objects.all(), user)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def active_matrix() -> GradingMatrix:
    """The bureau's matrix; the built-in 4×4 one (unsaved) when none is active."""
    matrix = GradingMatrix.objects.filter(is_active=True).first()
    return matrix or GradingMatrix(cells=grading.DEFAULT_MATRIX)
