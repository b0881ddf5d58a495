from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lianfang.core.models import AuditEntry
from lianfang.org import services
from lianfang.org.models import Assignment, Leadership, LeadershipRole, Person, Unit

from .factories import (
    AssignmentFactory,
    DepartmentFactory,
    PersonFactory,
    PostFactory,
    UnitFactory,
)


@pytest.fixture
def actor(personas):
    return personas.jijian


def _refused(field, call, *args, **kwargs):
    """Run a service that must refuse, with its error on `field`, and write nothing."""
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        call(*args, **kwargs)
    assert field in excinfo.value.message_dict, excinfo.value.message_dict
    assert AuditEntry.objects.count() == entries
    return excinfo.value.message_dict[field]


def _path(unit):
    return Unit.objects.get(pk=unit.pk).path


# Units


def test_it_computes_the_unit_path_from_the_parent(actor, org):
    child = services.unit_create(
        actor=actor, data={"name": "分中心", "code": "JU-01-A", "parent": org.sub}
    )
    assert child.path == "/JU/JU-01/JU-01-A/"
    assert child.depth == 2
    root = services.unit_create(actor=actor, data={"name": "另一局", "code": "XJ"})
    assert root.path == "/XJ/"
    assert AuditEntry.objects.filter(action="create", object_type="org.unit").count() == 2


def test_it_refuses_a_unit_code_with_spaces(actor):
    _refused("code", services.unit_create, actor=actor, data={"name": "坏", "code": "A B"})
    assert not Unit.objects.filter(code="A B").exists()


@pytest.mark.parametrize("target", ["itself", "child", "grandchild"])
def test_it_refuses_to_move_a_unit_under_its_own_subtree(actor, org, target):
    grandchild = UnitFactory(code="JU-01-A", parent=org.sub)
    parent = {"itself": org.sub, "child": grandchild, "grandchild": grandchild}[target]
    moving = org.sub if target != "grandchild" else org.bureau
    _refused("parent", services.unit_update, actor=actor, unit=moving, data={"parent": parent})
    assert _path(org.bureau) == "/JU/"
    assert _path(org.sub) == "/JU/JU-01/"
    assert _path(grandchild) == "/JU/JU-01/JU-01-A/"
    assert Unit.objects.get(pk=moving.pk).parent_id == (
        org.bureau.pk if moving == org.sub else None
    )


def test_it_re_roots_the_subtree_when_a_unit_moves(actor, org):
    child = UnitFactory(code="JU-01-A", parent=org.sub)
    grandchild = UnitFactory(code="JU-01-A-1", parent=child)
    lookalike = UnitFactory(code="JU-010", parent=org.bureau)  # same prefix, not in subtree
    other = UnitFactory(code="XJ")

    services.unit_update(actor=actor, unit=org.sub, data={"parent": other})

    assert _path(org.sub) == "/XJ/JU-01/"
    assert _path(child) == "/XJ/JU-01/JU-01-A/"
    assert _path(grandchild) == "/XJ/JU-01/JU-01-A/JU-01-A-1/"
    assert _path(lookalike) == "/JU/JU-010/"
    assert _path(org.bureau) == "/JU/"
    entry = AuditEntry.objects.get()
    assert entry.after == {"parent": other.pk, "path": "/XJ/JU-01/"}


def test_it_re_roots_the_subtree_when_a_unit_code_changes(actor, org):
    child = UnitFactory(code="JU-01-A", parent=org.sub)
    services.unit_update(actor=actor, unit=org.bureau, data={"code": "SJ"})
    assert _path(org.bureau) == "/SJ/"
    assert _path(org.sub) == "/SJ/JU-01/"
    assert _path(child) == "/SJ/JU-01/JU-01-A/"


def test_it_moves_a_unit_to_the_top(actor, org):
    child = UnitFactory(code="JU-01-A", parent=org.sub)
    services.unit_update(actor=actor, unit=org.sub, data={"parent": None})
    assert _path(org.sub) == "/JU-01/"
    assert _path(child) == "/JU-01/JU-01-A/"


def test_it_refuses_to_delete_a_unit_in_use(actor, org):
    with pytest.raises(ValidationError):
        services.unit_delete(actor=actor, unit=org.sub)
    assert Unit.objects.filter(pk=org.sub.pk).exists()
    assert not AuditEntry.objects.exists()


# People


def test_it_refuses_a_person_whose_department_is_in_another_unit(actor, org):
    data = {"name": "错位", "staff_no": "X1", "unit": org.sub, "department": org.finance}
    _refused("department", services.person_create, actor=actor, data=data)
    assert not Person.objects.filter(staff_no="X1").exists()


def test_it_refuses_moving_a_person_to_another_unit_without_their_department(actor, org):
    person = org.people.cashier
    _refused(
        "department", services.person_update, actor=actor, person=person, data={"unit": org.sub}
    )
    assert Person.objects.get(pk=person.pk).unit == org.bureau


# Assignments


def _assign(actor, person, post, start, end=None, concurrent=False):
    data = {"person": person, "post": post, "start_date": start, "end_date": end}
    return services.assignment_create(actor=actor, data={**data, "concurrent": concurrent})


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2023, 1, 1), None),  # open-ended over an open-ended one
        (date(2021, 1, 1), date(2022, 3, 1)),  # ends on the day the other starts
        (date(2030, 1, 1), date(2031, 1, 1)),  # far in the future, the other is open
    ],
)
def test_it_refuses_overlapping_assignments(actor, org, start, end):
    person = org.people.staff  # holds 会计 since 2022-03-01, open-ended
    before = Assignment.objects.count()
    _refused("start_date", _assign, actor, person, org.posts.cashier, start, end)
    assert Assignment.objects.count() == before


def _free_post(org):
    return PostFactory(department=org.finance)


def test_it_allows_a_new_post_after_the_old_one_ended(actor, org):
    person = PersonFactory(department=org.finance)
    _assign(actor, person, _free_post(org), date(2015, 1, 1), date(2019, 12, 31))
    _assign(actor, person, _free_post(org), date(2020, 1, 1))
    assert person.assignments.count() == 2


def test_it_allows_a_concurrent_post_to_overlap(actor, org):
    person = org.people.head
    concurrent = _assign(actor, person, _free_post(org), date(2023, 1, 1), concurrent=True)
    assert concurrent.pk


def test_it_refuses_holding_the_same_post_twice_at_once_even_concurrently(actor, org):
    person = org.people.staff
    _refused(
        "start_date", _assign, actor, person, org.posts.accountant, date(2024, 1, 1), None, True
    )


def test_it_lets_a_non_concurrent_post_overlap_a_concurrent_one(actor, org):
    person = PersonFactory(department=org.finance)
    _assign(actor, person, _free_post(org), date(2020, 1, 1), concurrent=True)
    assert _assign(actor, person, _free_post(org), date(2021, 1, 1)).pk


def test_it_refuses_an_update_that_makes_assignments_overlap(actor, org):
    person = PersonFactory(department=org.finance)
    old = _assign(actor, person, _free_post(org), date(2015, 1, 1), date(2019, 12, 31))
    _assign(actor, person, _free_post(org), date(2020, 1, 1))
    _refused(
        "start_date",
        services.assignment_update,
        actor=actor,
        assignment=old,
        data={"end_date": date(2020, 6, 30)},
    )
    assert Assignment.objects.get(pk=old.pk).end_date == date(2019, 12, 31)


def test_it_refuses_an_assignment_that_ends_before_it_starts(actor, org):
    person = PersonFactory(department=org.finance)
    _refused(
        "end_date", _assign, actor, person, org.posts.cashier, date(2020, 1, 1), date(2019, 1, 1)
    )


def test_it_lets_an_assignment_be_edited_without_clashing_with_itself(actor, org):
    assignment = org.people.staff.assignments.get()
    services.assignment_update(actor=actor, assignment=assignment, data={"note": "调整备注"})
    assert AuditEntry.objects.get().after == {"note": "调整备注"}


# Leadership


def _lead(actor, **data):
    data.setdefault("start_date", date(2024, 1, 1))
    return services.leadership_create(actor=actor, data=data)


def test_it_refuses_a_second_current_principal(actor, org):
    person = PersonFactory(department=org.office)
    message = _refused(
        "unit", _lead, actor, unit=org.bureau, person=person, role=LeadershipRole.PRINCIPAL
    )
    assert message
    assert Leadership.objects.filter(role=LeadershipRole.PRINCIPAL).count() == 1


def test_it_allows_a_new_principal_once_the_old_one_has_ended(actor, org):
    services.leadership_update(
        actor=actor, leadership=org.leaderships.principal, data={"end_date": date(2023, 12, 31)}
    )
    person = PersonFactory(department=org.office)
    new = _lead(actor, unit=org.bureau, person=person, role=LeadershipRole.PRINCIPAL)
    assert new.pk


def test_it_refuses_a_principal_whose_term_overlaps_one_with_a_future_end_date(actor, org):
    # The sitting principal is due to leave next year; until then they are still current.
    leaving = timezone.localdate() + timedelta(days=365)
    Leadership.objects.filter(pk=org.leaderships.principal.pk).update(end_date=leaving)
    person = PersonFactory(department=org.office)
    _refused("unit", _lead, actor, unit=org.bureau, person=person, role=LeadershipRole.PRINCIPAL)


def test_it_refuses_an_acting_principal_during_the_sitting_principals_term(actor, org):
    # A closed term inside the sitting principal's open one: two principals at once.
    person = PersonFactory(department=org.office)
    _refused(
        "unit",
        _lead,
        actor,
        unit=org.bureau,
        person=person,
        role=LeadershipRole.PRINCIPAL,
        start_date=date(2024, 1, 1),
        end_date=date(2024, 6, 30),
    )


def test_it_refuses_an_acting_head_during_the_sitting_heads_term(actor, org):
    person = PersonFactory(department=org.finance)
    _refused(
        "department",
        _lead,
        actor,
        unit=org.bureau,
        person=person,
        role=LeadershipRole.DEPT_HEAD,
        department=org.finance,
        start_date=date(2024, 1, 1),
        end_date=date(2024, 6, 30),
    )


def test_it_allows_recording_an_earlier_principal(actor, org):
    person = PersonFactory(department=org.office)
    earlier = _lead(
        actor,
        unit=org.bureau,
        person=person,
        role=LeadershipRole.PRINCIPAL,
        start_date=date(2018, 1, 1),
        end_date=date(2022, 2, 28),
    )
    assert earlier.pk


def test_it_allows_one_principal_per_unit(actor, org):
    person = PersonFactory(department=org.sub_office)
    assert _lead(actor, unit=org.sub, person=person, role=LeadershipRole.PRINCIPAL).pk


def test_it_refuses_a_second_current_head_of_a_department(actor, org):
    person = PersonFactory(department=org.finance)
    _refused(
        "department",
        _lead,
        actor,
        unit=org.bureau,
        person=person,
        role=LeadershipRole.DEPT_HEAD,
        department=org.finance,
    )


def test_it_allows_heads_of_different_departments(actor, org):
    person = PersonFactory(department=org.approval)
    head = _lead(
        actor,
        unit=org.bureau,
        person=person,
        role=LeadershipRole.DEPT_HEAD,
        department=org.approval,
    )
    assert head.pk


def test_it_refuses_a_department_head_without_a_department(actor, org):
    person = PersonFactory(department=org.approval)
    _refused(
        "department", _lead, actor, unit=org.bureau, person=person, role=LeadershipRole.DEPT_HEAD
    )


def test_it_refuses_a_department_head_of_another_units_department(actor, org):
    person = PersonFactory(department=org.approval)
    _refused(
        "department",
        _lead,
        actor,
        unit=org.bureau,
        person=person,
        role=LeadershipRole.DEPT_HEAD,
        department=org.sub_office,
    )


def test_it_refuses_a_department_on_a_leader_who_is_not_a_head(actor, org):
    person = PersonFactory(department=org.office)
    _refused(
        "department",
        _lead,
        actor,
        unit=org.bureau,
        person=person,
        role=LeadershipRole.IN_CHARGE,
        department=org.finance,
    )


def test_it_refuses_departments_in_charge_from_another_unit(actor, org):
    person = PersonFactory(department=org.office)
    _refused(
        "departments_in_charge",
        _lead,
        actor,
        unit=org.bureau,
        person=person,
        role=LeadershipRole.IN_CHARGE,
        departments_in_charge=[org.finance, org.sub_office],
    )
    assert not Leadership.objects.filter(person=person).exists()


def test_it_refuses_moving_a_leader_to_a_unit_that_does_not_hold_the_departments(actor, org):
    leadership = org.leaderships.in_charge
    _refused(
        "departments_in_charge",
        services.leadership_update,
        actor=actor,
        leadership=leadership,
        data={"unit": org.sub, "person": PersonFactory(unit=org.sub)},
    )


def test_it_refuses_a_leader_from_another_unit(actor, org):
    _refused(
        "person",
        _lead,
        actor,
        unit=org.bureau,
        person=org.people.sub_clerk,
        role=LeadershipRole.IN_CHARGE,
    )


def test_it_records_departments_in_charge_in_the_audit_entry(actor, org):
    person = PersonFactory(department=org.office)
    leadership = _lead(
        actor,
        unit=org.bureau,
        person=person,
        role=LeadershipRole.IN_CHARGE,
        departments_in_charge=[org.approval],
    )
    entry = AuditEntry.objects.get()
    assert entry.action == "create"
    assert entry.after["departments_in_charge"] == [org.approval.pk]
    assert list(leadership.departments_in_charge.all()) == [org.approval]


def test_it_refuses_to_delete_a_post_with_assignments(actor, org):
    with pytest.raises(ValidationError):
        services.post_delete(actor=actor, post=org.posts.accountant)


def test_it_deletes_an_unused_post(actor, org):
    post = PostFactory(department=org.finance)
    services.post_delete(actor=actor, post=post)
    assert AuditEntry.objects.get().action == "delete"


def test_it_refuses_a_duplicate_department_name_in_a_unit(actor, org):
    _refused(
        "__all__",
        services.department_create,
        actor=actor,
        data={"unit": org.bureau, "name": "财务科", "code": "DUP"},
    )
    assert DepartmentFactory(unit=org.sub, name="财务科").pk  # another unit may use it


def test_it_keeps_the_factory_and_service_paths_identical(actor, org):
    made = UnitFactory(code="F1", parent=org.sub)
    served = services.unit_create(actor=actor, data={"name": "S", "code": "S1", "parent": org.sub})
    assert made.path.replace("F1", "S1") == served.path


def test_it_ends_an_assignment_in_an_audited_update(actor, org):
    assignment = AssignmentFactory(post=org.posts.cashier, start_date=date(2010, 1, 1))
    services.assignment_update(
        actor=actor, assignment=assignment, data={"end_date": date(2012, 1, 1)}
    )
    entry = AuditEntry.objects.get()
    assert entry.before == {"end_date": None}
    assert entry.after == {"end_date": "2012-01-01"}
