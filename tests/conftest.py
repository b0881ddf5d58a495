"""Shared settings for the test run, a small organisation and one user per role (personas).

The organisation (all dates well in the past, all offices current):

    市局 JU                                  局属中心 JU-01 (under JU)
      办公室 office   [logistics]              综合科 sub_office
        局长 director (leader)  ← principal      科员 sub_clerk (general) ← sub_clerk
        副局长 deputy (leader)  ← in_charge
        科员 office_clerk        ← jijian
      财务科 finance  [finance]
        科长 finance_head (middle, finance) ← head
        会计 accountant (key, finance)      ← staff
        出纳 cashier (key, finance)         ← cashier
      审批科 approval [approval]
        审批员 approver (key, approval)     ← approver

Leaderships: principal of JU; in_charge of JU in charge of 财务科; dept_head of 财务科.
"""

from datetime import date
from types import SimpleNamespace

import pytest

from lianfang.accounts.roles import Role
from lianfang.core import calendar
from lianfang.org.models import LeadershipRole, Tier

from .factories import (
    AssignmentFactory,
    DepartmentFactory,
    LeadershipFactory,
    PersonFactory,
    PostFactory,
    UnitFactory,
    UserFactory,
)

SINCE = date(2022, 3, 1)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # No collectstatic manifest in tests; MD5 keeps password hashing fast.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar():
    # The working-day calendar is cached per process; a rolled-back override must not outlive
    # the test that made it.
    calendar.forget()
    yield
    calendar.forget()


@pytest.fixture
def org(db):
    bureau = UnitFactory(name="市局", code="JU")
    sub = UnitFactory(name="局属中心", code="JU-01", parent=bureau)

    office = DepartmentFactory(unit=bureau, name="办公室", code="JU-BGS", areas=["logistics"])
    finance = DepartmentFactory(unit=bureau, name="财务科", code="JU-CWK", areas=["finance"])
    approval = DepartmentFactory(unit=bureau, name="审批科", code="JU-SPK", areas=["approval"])
    sub_office = DepartmentFactory(unit=sub, name="综合科", code="JU01-ZHK")

    posts = SimpleNamespace(
        director=PostFactory(department=office, name="局长", tier=Tier.LEADER),
        deputy=PostFactory(department=office, name="副局长", tier=Tier.LEADER),
        office_clerk=PostFactory(department=office, name="科员"),
        finance_head=PostFactory(
            department=finance, name="科长", tier=Tier.MIDDLE, areas=["finance"]
        ),
        accountant=PostFactory(department=finance, name="会计", tier=Tier.KEY, areas=["finance"]),
        cashier=PostFactory(department=finance, name="出纳", tier=Tier.KEY, areas=["finance"]),
        approver=PostFactory(department=approval, name="审批员", tier=Tier.KEY, areas=["approval"]),
        sub_clerk=PostFactory(department=sub_office, name="科员"),
    )

    def person(name, department, post):
        someone = PersonFactory(name=name, department=department)
        AssignmentFactory(person=someone, post=post, start_date=SINCE)
        return someone

    people = SimpleNamespace(
        principal=person("王局长", office, posts.director),
        in_charge=person("李副局长", office, posts.deputy),
        jijian=person("赵纪检", office, posts.office_clerk),
        head=person("张科长", finance, posts.finance_head),
        staff=person("陈会计", finance, posts.accountant),
        cashier=person("刘出纳", finance, posts.cashier),
        approver=person("周审批", approval, posts.approver),
        sub_clerk=person("吴科员", sub_office, posts.sub_clerk),
    )

    leaderships = SimpleNamespace(
        principal=LeadershipFactory(
            unit=bureau, person=people.principal, role=LeadershipRole.PRINCIPAL, start_date=SINCE
        ),
        in_charge=LeadershipFactory(
            unit=bureau,
            person=people.in_charge,
            role=LeadershipRole.IN_CHARGE,
            departments_in_charge=[finance],
            start_date=SINCE,
        ),
        head=LeadershipFactory(
            unit=bureau,
            person=people.head,
            role=LeadershipRole.DEPT_HEAD,
            department=finance,
            start_date=SINCE,
        ),
    )
    return SimpleNamespace(
        bureau=bureau,
        sub=sub,
        office=office,
        finance=finance,
        approval=approval,
        sub_office=sub_office,
        posts=posts,
        people=people,
        leaderships=leaderships,
    )


@pytest.fixture
def personas(org):
    """One account per role; the three administrators have no person."""
    p = org.people
    return SimpleNamespace(
        sysadmin=UserFactory(username="sysadmin", roles=[Role.SYSADMIN]),
        secadmin=UserFactory(username="secadmin", roles=[Role.SECADMIN]),
        auditor=UserFactory(username="auditor", roles=[Role.AUDITOR]),
        jijian=UserFactory(username="jijian", person=p.jijian, roles=[Role.JIJIAN]),
        principal=UserFactory(username="principal", person=p.principal, roles=[Role.PRINCIPAL]),
        in_charge=UserFactory(username="in_charge", person=p.in_charge, roles=[Role.IN_CHARGE]),
        dept_head=UserFactory(username="dept_head", person=p.head, roles=[Role.DEPT_HEAD]),
        staff=UserFactory(username="staff", person=p.staff, roles=[Role.STAFF]),
        legal=UserFactory(username="legal", person=p.approver, roles=[Role.LEGAL]),
    )


def pytest_configure(config):
    # WhiteNoise warns once per test client that var/static/ (collectstatic's output) is absent.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
