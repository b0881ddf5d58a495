"""A shared check that no list or detail, page or API, shows a role anything outside its scope.

The expected visibility is computed here in plain Python from the organisation, independently
of lianfang.core.scopes, so the check catches a wrong scope filter instead of restating it.
"""

from django.test import Client
from django.utils import timezone

from lianfang.accounts.models import User
from lianfang.accounts.roles import Role
from lianfang.org.models import (
    Assignment,
    Department,
    Leadership,
    LeadershipRole,
    Person,
    Post,
    Unit,
)
from lianfang.powers.models import PowerItem
from lianfang.risks.models import RiskPoint
from lianfang.supervision.models import Case, DepartmentScore, Finding

# model: (API list URL, the permission it needs)
API_LISTS = {
    Unit: ("/api/v1/org/units/", "org.view"),
    Department: ("/api/v1/org/departments/", "org.view"),
    Post: ("/api/v1/org/posts/", "org.view"),
    Person: ("/api/v1/org/people/", "org.view"),
    Assignment: ("/api/v1/org/assignments/", "org.view"),
    Leadership: ("/api/v1/org/leaderships/", "org.view"),
    RiskPoint: ("/api/v1/risks/", "risks.view"),
    PowerItem: ("/api/v1/powers/items/", "powers.view"),
    Case: ("/api/v1/supervision/cases/", "supervision.view"),
    Finding: ("/api/v1/supervision/findings/", "supervision.view"),
    DepartmentScore: ("/api/v1/supervision/scores/", "supervision.view"),
}
PAGES = {
    Unit: "/org/units/{}/",
    Department: "/org/departments/{}/",
    Post: "/org/posts/{}/",
    Person: "/org/people/{}/",
    RiskPoint: "/risks/{}/",
    Case: "/supervision/cases/{}/",
    DepartmentScore: "/supervision/scores/{}/",
}
# Lists are compared whole (every object); details are opened for at most this many objects
# of a model, spread evenly over it, in scope and out (a demo year has thousands of cases, and
# opening every object of every model as every role took minutes).
DETAILS_PER_MODEL = 60


def _links(obj) -> tuple[str, set[int], set[int]]:
    """An organisation object's unit path, department ids and people ids."""
    if isinstance(obj, Unit):
        return (
            obj.path,
            set(obj.departments.values_list("pk", flat=True)),
            set(obj.people.values_list("pk", flat=True)),
        )
    if isinstance(obj, Department):
        return obj.unit.path, {obj.pk}, set(obj.people.values_list("pk", flat=True))
    if isinstance(obj, Post):
        people = set(obj.assignments.values_list("person_id", flat=True))
        return obj.department.unit.path, {obj.department_id}, people
    if isinstance(obj, Person):
        return obj.unit.path, {obj.department_id} - {None}, {obj.pk}
    if isinstance(obj, Assignment):
        return obj.post.department.unit.path, {obj.post.department_id}, {obj.person_id}
    if isinstance(obj, Leadership):
        return obj.unit.path, {obj.department_id} - {None}, {obj.person_id}
    if isinstance(obj, RiskPoint):
        return obj.unit.path, {obj.department_id} - {None}, {obj.person_id} - {None}
    if isinstance(obj, PowerItem | Case | DepartmentScore):
        return obj.unit.path, {obj.department_id}, set()
    if isinstance(obj, Finding):
        return obj.case.unit.path, {obj.case.department_id}, set()
    raise TypeError(obj)


class Expected:
    """What one user should see, from their roles and their current leadership offices."""

    def __init__(self, user: User):
        roles = user.role_codes
        self.person = user.person
        self.everything = Role.JIJIAN in roles
        self.basic_data = Role.SYSADMIN in roles  # the organisation is basic data (ADR 0003)
        unit_wide = roles & {Role.PRINCIPAL, Role.LEGAL}
        self.unit_path = self.person.unit.path if unit_wide else None
        self.departments = set()
        if self.person is None:
            return
        today = timezone.localdate()
        for office in Leadership.objects.filter(person=self.person, start_date__lte=today):
            if office.end_date is not None and office.end_date < today:
                continue
            if office.role == LeadershipRole.DEPT_HEAD:
                self.departments.add(office.department_id)
            elif office.role == LeadershipRole.IN_CHARGE and Role.IN_CHARGE in roles:
                self.departments |= {d.pk for d in office.departments_in_charge.all()}
        if Role.DEPT_HEAD in roles and Role.IN_CHARGE not in roles and self.person.department_id:
            self.departments.add(self.person.department_id)

    def sees(self, obj) -> bool:
        if self.everything or (self.basic_data and getattr(obj, "scope_basic_data", False)):
            return True
        if self.person is None:
            return False
        unit_path, departments, people = _links(obj)
        if self.unit_path is not None and unit_path.startswith(self.unit_path):
            return True
        # The power list is read unit-wide: every cadre sees their own unit's (and its
        # sub-units') power items, whatever the reach of their role elsewhere.
        if isinstance(obj, PowerItem) and unit_path.startswith(self.person.unit.path):
            return True
        return bool(departments & self.departments) or self.person.pk in people


def _listed(client, url) -> set[int]:
    """Every id of a paginated API list."""
    ids, offset = set(), 0
    while True:
        page = client.get(url, {"limit": 500, "offset": offset}).json()
        ids |= {item["id"] for item in page["items"]}
        offset += 500
        if offset >= page["count"]:
            return ids


def _spread(objects: list) -> list:
    step = max(1, len(objects) // DETAILS_PER_MODEL)
    return objects[::step]


def leaks(user: User) -> list[str]:
    """Every way `user` sees too much or too little; an empty list means the scope holds."""
    expected_for = Expected(user)
    client = Client()
    client.force_login(user)
    problems = []
    for model, (url, permission) in API_LISTS.items():
        if not user.has_permission(permission):
            status = client.get(url).status_code
            if status != 403:
                problems.append(f"{url}: {status} instead of 403")
            continue
        rows = model.objects.order_by("pk")
        if model in _JOINS:
            rows = rows.select_related(*_JOINS[model])
        objects = list(rows)
        expected = {o.pk for o in objects if expected_for.sees(o)}
        got = _listed(client, url)
        if got != expected:
            extra, missing = sorted(got - expected), sorted(expected - got)
            problems.append(f"{url}: extra {extra[:20]} missing {missing[:20]}")
        for obj in _spread(objects):
            status = 200 if obj.pk in expected else 404
            urls = [f"{url}{obj.pk}"] + ([PAGES[model].format(obj.pk)] if model in PAGES else [])
            problems += [f"{u}: {s}" for u in urls if (s := client.get(u).status_code) != status]
    return problems


# What `_links` reads of the supervision rows, fetched with them.
_JOINS = {Case: ("unit",), Finding: ("case__unit",), DepartmentScore: ("unit",)}
