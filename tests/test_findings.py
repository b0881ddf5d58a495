from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from lianfang.accounts.models import User
from lianfang.org.models import Leadership, LeadershipRole, Tier
from lianfang.org.selectors import (
    PRINCIPAL_FORBIDDEN_AREAS,
    principal_sensitive_charges,
    rotation_cutoff,
    rotation_due,
)

from .conftest import SINCE
from .factories import (
    AssignmentFactory,
    DepartmentFactory,
    LeadershipFactory,
    PersonFactory,
    PostFactory,
    key_area,
)


def _fresh(user):
    return User.objects.get(pk=user.pk)


def _charges(user):
    return list(principal_sensitive_charges(_fresh(user)))


def _principal_takes(org, *, areas=(), departments=()):
    leadership = org.leaderships.principal
    leadership.areas_in_charge.set([key_area(a) for a in areas])
    leadership.departments_in_charge.set(departments)
    return leadership


# 主要领导不直接分管财务、人事、基建、采购、审批


def test_it_finds_nothing_when_the_principal_takes_charge_of_no_sensitive_area(personas, org):
    _principal_takes(org, areas=["logistics", "enforcement"], departments=[org.office])
    assert _charges(personas.jijian) == []


@pytest.mark.parametrize("area", PRINCIPAL_FORBIDDEN_AREAS)
def test_it_finds_a_principal_directly_in_charge_of_a_sensitive_area(personas, org, area):
    leadership = _principal_takes(org, areas=[area])
    assert _charges(personas.jijian) == [leadership]


def test_it_finds_a_principal_in_charge_of_a_department_in_a_sensitive_area(personas, org):
    leadership = _principal_takes(org, departments=[org.office, org.finance])
    assert _charges(personas.jijian) == [leadership]


def test_it_finds_a_principal_through_a_department_of_any_sensitive_area(personas, org):
    procurement = DepartmentFactory(unit=org.bureau, areas=["logistics", "procurement"])
    leadership = _principal_takes(org, departments=[procurement])
    assert _charges(personas.jijian) == [leadership]


def test_it_lists_a_principal_once_however_many_sensitive_charges(personas, org):
    leadership = _principal_takes(
        org, areas=["finance", "personnel"], departments=[org.finance, org.approval]
    )
    assert _charges(personas.jijian) == [leadership]


def test_it_ignores_a_leader_in_charge_of_sensitive_areas(personas, org):
    org.leaderships.in_charge.areas_in_charge.set([key_area("finance")])
    assert _charges(personas.jijian) == []


def test_it_ignores_a_principal_whose_term_has_ended(personas, org):
    leadership = _principal_takes(org, areas=["finance"])
    Leadership.objects.filter(pk=leadership.pk).update(end_date=date(2023, 1, 1))
    assert _charges(personas.jijian) == []


def test_it_ignores_a_principal_whose_term_has_not_begun(personas, org):
    later = timezone.localdate() + timedelta(days=30)
    LeadershipFactory(
        unit=org.sub, role=LeadershipRole.PRINCIPAL, start_date=later
    ).areas_in_charge.set([key_area("finance")])
    assert _charges(personas.jijian) == []


def test_it_shows_the_finding_only_within_the_scope(personas, org):
    sub_leader = LeadershipFactory(
        unit=org.sub,
        person=PersonFactory(department=org.sub_office),
        role=LeadershipRole.PRINCIPAL,
        areas_in_charge=["personnel"],
    )
    bureau_leader = _principal_takes(org, areas=["finance"])
    assert set(_charges(personas.jijian)) == {sub_leader, bureau_leader}
    assert set(_charges(personas.principal)) == {sub_leader, bureau_leader}
    assert _charges(personas.dept_head) == []
    assert _charges(personas.staff) == []
    assert _charges(personas.secadmin) == []


# 定期轮岗交流: key posts (and middle posts in key areas) held five years or more


def _due(user, on, years=None):
    return {a.person for a in rotation_due(_fresh(user), on=on, years=years)}


FIVE_YEARS_ON = date(SINCE.year + 5, SINCE.month, SINCE.day)


def test_it_finds_holders_of_key_posts_due_for_rotation(personas, org):
    p = org.people
    # 会计, 出纳, 审批员 are key posts; 财务科科长 is a middle post in a key area.
    assert _due(personas.jijian, FIVE_YEARS_ON) == {p.staff, p.cashier, p.approver, p.head}


def test_it_finds_nobody_a_day_before_the_five_years_are_full(personas, org):
    assert _due(personas.jijian, FIVE_YEARS_ON - timedelta(days=1)) == set()


def test_it_leaves_out_leader_general_and_plain_middle_posts(personas, org):
    plain_middle = PostFactory(department=org.office, tier=Tier.MIDDLE)
    holder = AssignmentFactory(post=plain_middle, start_date=date(2000, 1, 1)).person
    due = _due(personas.jijian, FIVE_YEARS_ON)
    assert holder not in due
    assert org.people.principal not in due  # 局长, a leader post
    assert org.people.jijian not in due  # 科员, a general post


def test_it_leaves_out_assignments_that_have_ended(personas, org):
    post = PostFactory(department=org.finance, tier=Tier.KEY)
    ended = AssignmentFactory(post=post, start_date=date(2000, 1, 1), end_date=date(2020, 1, 1))
    ending_later = AssignmentFactory(
        post=post, start_date=date(2000, 1, 1), end_date=FIVE_YEARS_ON + timedelta(days=1)
    )
    due = _due(personas.jijian, FIVE_YEARS_ON)
    assert ended.person not in due
    assert ending_later.person in due


def test_it_takes_the_period_from_the_argument_or_the_setting(personas, org, settings):
    three_years_on = date(SINCE.year + 3, SINCE.month, SINCE.day)
    assert len(_due(personas.jijian, three_years_on, years=3)) == 4
    assert _due(personas.jijian, three_years_on) == set()
    settings.ROTATION_YEARS = 3
    assert len(_due(personas.jijian, three_years_on)) == 4


def test_it_shows_rotation_findings_within_the_scope(personas, org):
    p = org.people
    assert _due(personas.principal, FIVE_YEARS_ON) == {p.staff, p.cashier, p.approver, p.head}
    assert _due(personas.dept_head, FIVE_YEARS_ON) == {p.staff, p.cashier, p.head}
    assert _due(personas.in_charge, FIVE_YEARS_ON) == {p.staff, p.cashier, p.head}
    assert _due(personas.staff, FIVE_YEARS_ON) == {p.staff}
    assert _due(personas.sysadmin, FIVE_YEARS_ON) == {p.staff, p.cashier, p.approver, p.head}
    assert _due(personas.auditor, FIVE_YEARS_ON) == set()


def test_it_lists_the_longest_serving_first(personas, org):
    AssignmentFactory(post=org.posts.cashier, start_date=date(2001, 5, 1))
    starts = [a.start_date for a in rotation_due(_fresh(personas.jijian), on=FIVE_YEARS_ON)]
    assert starts == sorted(starts)
    assert starts[0] == date(2001, 5, 1)


@pytest.mark.parametrize(
    ("since", "on", "due"),
    [
        (date(2020, 2, 29), date(2025, 2, 28), False),  # 4 years 365 days
        (date(2020, 2, 29), date(2025, 3, 1), True),
        (date(2019, 2, 28), date(2024, 2, 29), True),
        (date(2019, 3, 1), date(2024, 2, 29), False),
        (date(2019, 2, 28), date(2024, 2, 28), True),
    ],
)
def test_it_handles_29_february(org, personas, since, on, due):
    post = PostFactory(department=org.finance, tier=Tier.KEY)
    holder = AssignmentFactory(post=post, start_date=since).person
    assert (holder in _due(personas.jijian, on)) is due


def _full_years(since: date, on: date) -> int:
    """Whole years from `since` to `on`, counted like an age."""
    return on.year - since.year - ((on.month, on.day) < (since.month, since.day))


@given(
    on=st.dates(min_value=date(100, 1, 1)),
    years=st.integers(min_value=1, max_value=10),
    since=st.dates(),
)
@example(on=date(2024, 2, 29), years=5, since=date(2019, 2, 28))
@example(on=date(2024, 2, 29), years=4, since=date(2020, 2, 29))
@example(on=date(2025, 2, 28), years=1, since=date(2024, 2, 29))
def test_it_computes_the_rotation_cutoff_for_any_date(on, years, since):
    cutoff = rotation_cutoff(on, years)
    assert isinstance(cutoff, date)
    assert cutoff.year == on.year - years
    assert (since <= cutoff) == (_full_years(since, on) >= years)
