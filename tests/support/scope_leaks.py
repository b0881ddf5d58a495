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
}
PAGES = {
    Unit: "/org/units/{}/",
    Department: "/org/departments/{}/",
    Post: "/org/posts/{}/",
    Person: "/org/people/{}/",
    RiskPoint: "/risks/{}/",
}


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
    if isinstance(obj, PowerItem):
        return obj.unit.path, {obj.department_id}, set()
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


def leaks(user: User) -> list[str]:
    """Every way `user` sees too much or too little; an empty list means the scope holds."""
    expected_for = Expected(user)
    client = Client()
    client.force_login(user)
    problems = []
    for model, (url, permission) in API_LISTS.items():
        response = client.get(url, {"limit": 500})
        if not user.has_permission(permission):
            if response.status_code != 403:
                problems.append(f"{url}: {response.status_code} instead of 403")
            continue
        objects = list(model.objects.all())
        expected = {o.pk for o in objects if expected_for.sees(o)}
        got = {item["id"] for item in response.json()["items"]}
        if got != expected:
            problems.append(
                f"{url}: extra {sorted(got - expected)} missing {sorted(expected - got)}"
            )
        for obj in objects:
            status = 200 if obj.pk in expected else 404
            urls = [f"{url}{obj.pk}"] + ([PAGES[model].format(obj.pk)] if model in PAGES else [])
            problems += [f"{u}: {s}" for u in urls if (s := client.get(u).status_code) != status]
    return problems
