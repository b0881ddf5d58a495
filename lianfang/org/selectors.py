"""Reads of the organisation, always through the data scope, and the two built-in findings."""

from datetime import date

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from lianfang.core.scopes import scoped

from .models import (
    PRINCIPAL_FORBIDDEN_AREAS,
    Assignment,
    Department,
    Leadership,
    LeadershipRole,
    Person,
    Post,
    Tier,
    Unit,
)


def today() -> date:
    return timezone.localdate()


def current_assignments(on: date | None = None):
    on = on or today()
    return Assignment.objects.filter(start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )


def current_leaderships(on: date | None = None):
    on = on or today()
    return Leadership.objects.filter(start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )


def org_counts(user) -> dict:
    return {
        "units": scoped(Unit.objects.filter(is_active=True), user).count(),
        "departments": scoped(Department.objects.filter(is_active=True), user).count(),
        "posts": scoped(Post.objects.filter(is_active=True), user).count(),
        "people": scoped(Person.objects.filter(is_active=True), user).count(),
    }


def principal_sensitive_charges(user):
    """Current principal leaders in charge of a forbidden area, directly or by department."""
    forbidden = Q(areas_in_charge__code__in=PRINCIPAL_FORBIDDEN_AREAS) | Q(
        departments_in_charge__areas__code__in=PRINCIPAL_FORBIDDEN_AREAS
    )
    offending = Leadership.objects.filter(forbidden).values("pk")
    leaderships = current_leaderships().filter(role=LeadershipRole.PRINCIPAL, pk__in=offending)
    return (
        scoped(leaderships, user)
        .select_related("unit", "person")
        .prefetch_related("areas_in_charge", "departments_in_charge__areas")
    )


def rotation_cutoff(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February in a year that has none
        return on.replace(year=on.year - years, day=28)


def rotation_subject_posts():
    """Key posts, and middle-level posts in a key area (重要部门负责人), rotate regularly."""
    return Post.objects.filter(Q(tier=Tier.KEY) | Q(tier=Tier.MIDDLE, areas__isnull=False)).values(
        "pk"
    )


def rotation_due(user, on: date | None = None, years: int | None = None):
    """Current holders of rotation-subject posts who have held them `years` or longer."""
    on = on or today()
    cutoff = rotation_cutoff(on, years or settings.ROTATION_YEARS)
    due = current_assignments(on).filter(post__in=rotation_subject_posts(), start_date__lte=cutoff)
    return (
        scoped(due, user).select_related("person", "post__department__unit").order_by("start_date")
    )


def findings(user) -> dict:
    return {
        "principal_charges": principal_sensitive_charges(user),
        "rotation_due": rotation_due(user),
    }


def tree(user):
    """Units in scope, each with its departments, posts and current holders (four queries)."""
    posts = with_holders(scoped(Post.objects.filter(is_active=True), user)).prefetch_related(
        "areas"
    )
    departments = scoped(Department.objects.filter(is_active=True), user).prefetch_related(
        Prefetch("posts", queryset=posts, to_attr="visible_posts")
    )
    return (
        scoped(Unit.objects.filter(is_active=True), user)
        .prefetch_related(
            Prefetch("departments", queryset=departments, to_attr="visible_departments")
        )
        .annotate(
            people_count=Count(
                "people",
                filter=Q(people__is_active=True, people__in=scoped(Person.objects.all(), user)),
            )
        )
        .order_by("path")
    )


def with_holders(posts):
    holders = current_assignments().select_related("person").order_by("start_date")
    return posts.prefetch_related(Prefetch("assignments", queryset=holders, to_attr="holders"))


def leaders_of(unit: Unit):
    return (
        current_leaderships()
        .filter(unit=unit)
        .select_related("person", "department")
        .prefetch_related("departments_in_charge", "areas_in_charge")
        .order_by("role", "start_date")
    )


def leaders_of_department(department: Department):
    """The department's current head and the leaders in charge of it."""
    return (
        current_leaderships()
        .filter(Q(department=department) | Q(departments_in_charge=department))
        .select_related("person")
        .distinct()
        .order_by("role")
    )
