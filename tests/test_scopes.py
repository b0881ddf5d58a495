from datetime import date, timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lianfang.accounts.models import User
from lianfang.accounts.roles import Role
from lianfang.core.scopes import DataScope, get_scoped_or_404, scope_q, scoped
from lianfang.org.models import (
    Assignment,
    Department,
    Leadership,
    LeadershipRole,
    Person,
    Post,
    Unit,
)

from .factories import (
    AssignmentFactory,
    DepartmentFactory,
    LeadershipFactory,
    PersonFactory,
    PostFactory,
    UserFactory,
)


@pytest.fixture
def sub_principal(org):
    """The principal leader of the subordinate unit: sees that unit only."""
    leader = PersonFactory(name="孙主任", department=org.sub_office)
    LeadershipFactory(unit=org.sub, person=leader, role=LeadershipRole.PRINCIPAL)
    return UserFactory(username="sub_principal", person=leader, roles=[Role.PRINCIPAL])


def _fresh(user):
    return User.objects.get(pk=user.pk)


def _visible(model, user):
    return set(scoped(model.objects.all(), _fresh(user)))


def test_it_gives_each_role_its_data_scope(personas, sub_principal):
    assert {name: getattr(personas, name).data_scope for name in vars(personas)} == {
        "sysadmin": DataScope.NONE,
        "secadmin": DataScope.NONE,
        "auditor": DataScope.NONE,
        "jijian": DataScope.ALL,
        "principal": DataScope.UNIT,
        "in_charge": DataScope.IN_CHARGE,
        "dept_head": DataScope.DEPARTMENT,
        "staff": DataScope.SELF,
        "legal": DataScope.UNIT,
    }


def test_it_shows_discipline_inspection_everything(personas, org, sub_principal):
    for model in (Unit, Department, Post, Person, Assignment, Leadership):
        assert _visible(model, personas.jijian) == set(model.objects.all())


def test_it_shows_the_system_administrator_the_organisation_as_basic_data(personas, org):
    for model in (Unit, Department, Post, Person, Assignment, Leadership):
        assert _visible(model, personas.sysadmin) == set(model.objects.all())


def test_it_shows_security_and_audit_administrators_nothing(personas, org):
    for user in (personas.secadmin, personas.auditor):
        for model in (Unit, Department, Post, Person, Assignment, Leadership):
            assert _visible(model, user) == set()


def test_it_shows_the_bureau_principal_the_bureau_and_its_subordinate_units(personas, org):
    outside = LeadershipFactory(role=LeadershipRole.PRINCIPAL)  # another root unit
    user = personas.principal
    assert _visible(Unit, user) == {org.bureau, org.sub}
    assert _visible(Person, user) == set(vars(org.people).values())
    assert outside.person not in _visible(Person, user)
    assert _visible(Leadership, user) == set(vars(org.leaderships).values())


def test_it_shows_a_subordinate_principal_only_that_unit(org, sub_principal):
    user = sub_principal
    assert _visible(Unit, user) == {org.sub}
    assert _visible(Department, user) == {org.sub_office}
    assert _visible(Post, user) == {org.posts.sub_clerk}
    assert _visible(Person, user) == {org.people.sub_clerk, user.person}
    assert _visible(Assignment, user) == set(Assignment.objects.filter(post=org.posts.sub_clerk))
    assert _visible(Leadership, user) == set(Leadership.objects.filter(unit=org.sub))


def test_it_shows_a_leader_in_charge_the_departments_in_charge_and_self(personas, org):
    user, p, posts = personas.in_charge, org.people, org.posts
    assert _visible(Unit, user) == {org.bureau}
    assert _visible(Department, user) == {org.finance, org.office}  # in charge + own row
    assert _visible(Post, user) == {
        posts.finance_head,
        posts.accountant,
        posts.cashier,
        posts.deputy,
    }
    assert _visible(Person, user) == {p.head, p.staff, p.cashier, p.in_charge}
    assert _visible(Assignment, user) == set(
        Assignment.objects.filter(post__department=org.finance)
    ) | set(Assignment.objects.filter(person=p.in_charge))
    assert _visible(Leadership, user) == {org.leaderships.head, org.leaderships.in_charge}


def test_it_drops_departments_no_longer_in_charge(personas, org):
    Leadership.objects.filter(pk=org.leaderships.in_charge.pk).update(end_date=date(2024, 1, 1))
    assert _visible(Person, personas.in_charge) == {org.people.in_charge}


def test_it_ignores_a_charge_that_has_not_begun(personas, org):
    later = timezone.localdate() + timedelta(days=30)
    Leadership.objects.filter(pk=org.leaderships.in_charge.pk).update(start_date=later)
    assert org.people.staff not in _visible(Person, personas.in_charge)


def test_it_keeps_departments_in_charge_until_the_end_date_arrives(personas, org):
    # The office is current until its end date (org.selectors.current_leaderships agrees).
    next_month = timezone.localdate() + timedelta(days=30)
    Leadership.objects.filter(pk=org.leaderships.in_charge.pk).update(end_date=next_month)
    assert org.people.staff in _visible(Person, personas.in_charge)


def test_it_gives_a_leader_who_also_heads_a_department_both_scopes(org):
    # 副局长兼科长: in charge of 审批科 and head of 财务科.
    leader = org.people.head
    LeadershipFactory(
        unit=org.bureau,
        person=leader,
        role=LeadershipRole.IN_CHARGE,
        departments_in_charge=[org.approval],
    )
    user = UserFactory(person=leader, roles=[Role.IN_CHARGE, Role.DEPT_HEAD])
    p = org.people
    assert _visible(Person, user) == {p.head, p.staff, p.cashier, p.approver}


def test_it_shows_a_department_head_the_department(personas, org):
    user, p, posts = personas.dept_head, org.people, org.posts
    assert _visible(Unit, user) == {org.bureau}
    assert _visible(Department, user) == {org.finance}
    assert _visible(Post, user) == {posts.finance_head, posts.accountant, posts.cashier}
    assert _visible(Person, user) == {p.head, p.staff, p.cashier}
    assert _visible(Assignment, user) == set(
        Assignment.objects.filter(post__department=org.finance)
    )
    assert _visible(Leadership, user) == {org.leaderships.head}


def test_it_shows_staff_only_themselves(personas, org):
    user, p = personas.staff, org.people
    assert _visible(Unit, user) == {org.bureau}
    assert _visible(Department, user) == {org.finance}
    assert _visible(Post, user) == {org.posts.accountant}
    assert _visible(Person, user) == {p.staff}
    assert _visible(Assignment, user) == set(Assignment.objects.filter(person=p.staff))
    assert _visible(Leadership, user) == set()


def test_it_shows_nothing_to_an_inactive_user(personas, org):
    User.objects.filter(pk=personas.jijian.pk).update(is_active=False)
    for model in (Unit, Person, Leadership):
        assert _visible(model, personas.jijian) == set()


def test_it_gives_several_roles_the_widest_scope(org):
    user = UserFactory(person=org.people.staff, roles=[Role.STAFF, Role.JIJIAN])
    assert user.data_scope == DataScope.ALL
    assert _visible(Person, user) == set(Person.objects.all())


def test_it_keeps_business_data_from_users_without_a_business_scope(personas, org):
    # Without the org.view_all shortcut for basic data, the admins' scope is empty.
    for user in (personas.sysadmin, personas.secadmin, personas.auditor):
        for model in (Unit, Department, Post, Person, Assignment, Leadership):
            assert not model.objects.filter(scope_q(user, model.scope_paths)).exists()


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("staff", "cashier"),
        ("dept_head", "approver"),
        ("in_charge", "sub_clerk"),
        ("in_charge", "principal"),
        ("in_charge", "approver"),
    ],
)
def test_it_answers_404_for_an_object_outside_the_scope(personas, org, persona, target):
    user = _fresh(getattr(personas, persona))
    with pytest.raises(Http404):
        get_scoped_or_404(Person.objects.all(), user, pk=getattr(org.people, target).pk)


def test_it_finds_an_object_inside_the_scope(personas, org):
    user = _fresh(personas.dept_head)
    assert get_scoped_or_404(Person.objects.all(), user, pk=org.people.cashier.pk)


def test_it_answers_404_for_a_malformed_lookup(personas, org):
    with pytest.raises(Http404):
        get_scoped_or_404(Person.objects.all(), _fresh(personas.jijian), pk="not-a-number")


def test_it_returns_no_duplicates_through_to_many_paths(personas, org):
    # A post held by several people reaches the organisation through several assignments.
    for _ in range(3):
        AssignmentFactory(post=org.posts.cashier, start_date=date(2010, 1, 1), end_date=None)
    user = _fresh(personas.dept_head)
    posts = list(scoped(Post.objects.all(), user))
    assert len(posts) == len(set(posts)) == 3


def _grow(org, n):
    """n more rows of every kind, all inside the finance department."""
    for _ in range(n):
        post = PostFactory(department=org.finance)
        AssignmentFactory(post=post, person=PersonFactory(department=org.finance))
    for _ in range(n):
        DepartmentFactory(unit=org.bureau)


def _queries(user_pk, model):
    user = User.objects.get(pk=user_pk)
    with CaptureQueriesContext(connection) as ctx:
        rows = list(scoped(model.objects.all(), user))
    return len(ctx.captured_queries), len(rows)


@pytest.mark.parametrize(
    "persona", ["jijian", "principal", "in_charge", "dept_head", "staff", "sysadmin"]
)
def test_it_lists_in_a_constant_number_of_queries(
    personas, org, persona, django_assert_max_num_queries
):
    user_pk = getattr(personas, persona).pk
    models = (Unit, Department, Post, Person, Assignment, Leadership)
    before = {m: _queries(user_pk, m) for m in models}
    _grow(org, 15)
    after = {m: _queries(user_pk, m) for m in models}
    for model in models:
        assert after[model][0] == before[model][0], model
    assert after[Person][1] > before[Person][1] or persona == "staff"
    # The user, their roles, (for the unit scope) their person and unit, then one query.
    with django_assert_max_num_queries(5):
        list(scoped(Person.objects.all(), User.objects.get(pk=user_pk)))


@pytest.mark.parametrize("persona", ["in_charge", "dept_head"])
def test_it_builds_the_scope_as_a_subquery(personas, org, persona, django_assert_num_queries):
    user = _fresh(getattr(personas, persona))
    assert user.role_codes  # loaded once per user
    with django_assert_num_queries(0):
        sql = str(scoped(Person.objects.all(), user).query)
    assert sql.upper().count("SELECT") >= 2
    assert "org_department" in sql or "org_leadership" in sql
