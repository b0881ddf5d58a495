"""Writes to the risk library: registers and categories, grading, measures, audit, history,
copying a year forward."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lianfang.core.models import AuditEntry
from lianfang.core.scopes import scoped
from lianfang.risks import services
from lianfang.risks.models import (
    REGISTER_CATEGORIES,
    Category,
    Grading,
    GradingMatrix,
    Measure,
    MeasureStatus,
    Register,
    RiskPoint,
    Status,
    Step,
)

from .factories import PersonFactory
from .risk_factories import MeasureFactory, RiskPointFactory


def _errors(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def _place(org, register) -> dict:
    """The organisation fields a risk of `register` needs."""
    return {
        Register.POST: {"post": org.posts.accountant, "person": org.people.staff},
        Register.DEPARTMENT: {"department": org.finance},
        Register.UNIT: {"unit": org.bureau},
    }[register]


def _data(org, register=Register.POST, **extra) -> dict:
    return {
        "register": register,
        "year": 2026,
        "category": REGISTER_CATEGORIES[register][0],
        "title": "审核报销把关不严",
        "manifestation": "对不合规票据放行报销",
        **_place(org, register),
        **extra,
    }


def _history_users(obj) -> list:
    return list(obj.history.order_by("history_id").values_list("history_type", "history_user"))


# Registers and categories


@pytest.mark.parametrize(
    ("register", "category"),
    [
        (register, category)
        for register in Register
        for category in Category
        if category not in REGISTER_CATEGORIES[register]
    ],
)
def test_it_refuses_a_category_the_register_does_not_have(personas, org, register, category):
    entries = AuditEntry.objects.count()
    errors = _errors(
        lambda: services.risk_create(
            actor=personas.jijian, data=_data(org, register, category=category)
        )
    )
    assert set(errors) == {"category"}
    assert not RiskPoint.objects.exists()
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("register", "category"),
    [(register, category) for register in Register for category in REGISTER_CATEGORIES[register]],
)
def test_it_accepts_each_category_of_the_register(personas, org, register, category):
    risk = services.risk_create(actor=personas.jijian, data=_data(org, register, category=category))
    assert (risk.register, risk.category) == (register, category)


def test_it_refuses_a_category_when_the_register_changes(personas, org):
    risk = services.risk_create(actor=personas.jijian, data=_data(org, category=Category.MORAL))
    errors = _errors(
        lambda: services.risk_update(
            actor=personas.jijian,
            risk=risk,
            data={"register": Register.UNIT, "unit": org.bureau},
        )
    )
    assert set(errors) == {"category"}
    assert RiskPoint.objects.get().register == Register.POST


def test_it_derives_the_department_and_unit_of_a_post_risk_from_the_post(personas, org):
    risk = services.risk_create(
        actor=personas.jijian,
        data=_data(org, department=org.approval, unit=org.sub),  # both wrong: overruled
    )
    risk.refresh_from_db()
    assert (risk.post, risk.department, risk.unit) == (
        org.posts.accountant,
        org.finance,
        org.bureau,
    )


def test_it_follows_the_post_when_a_risk_moves_to_another_post(personas, org):
    risk = services.risk_create(actor=personas.jijian, data=_data(org))
    services.risk_update(actor=personas.jijian, risk=risk, data={"post": org.posts.sub_clerk})
    risk.refresh_from_db()
    assert (risk.department, risk.unit) == (org.sub_office, org.sub)


def test_it_derives_the_unit_of_a_department_risk_and_drops_a_post(personas, org):
    risk = services.risk_create(
        actor=personas.jijian,
        data=_data(org, Register.DEPARTMENT, post=org.posts.approver, unit=org.sub),
    )
    assert (risk.post, risk.department, risk.unit) == (None, org.finance, org.bureau)


def test_it_keeps_a_unit_risk_at_the_unit(personas, org):
    risk = services.risk_create(
        actor=personas.jijian,
        data=_data(org, Register.UNIT, department=org.finance, post=org.posts.cashier),
    )
    assert (risk.post, risk.department, risk.unit) == (None, None, org.bureau)


@pytest.mark.parametrize(
    ("register", "missing", "field"),
    [
        (Register.POST, "post", "post"),
        (Register.POST, "person", "person"),
        (Register.DEPARTMENT, "department", "department"),
        (Register.UNIT, "unit", "unit"),
    ],
)
def test_it_names_the_missing_place_of_each_register(personas, org, register, missing, field):
    data = _data(org, register)
    del data[missing]
    assert field in _errors(lambda: services.risk_create(actor=personas.jijian, data=data))
    assert not RiskPoint.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"manifestation": ""}, "manifestation"),
        ({"level": 4}, "level"),
        ({"category": "gossip"}, "category"),
        ({"publication": "everyone"}, "publication"),
    ],
)
def test_it_names_the_field_of_a_bad_value(personas, org, change, field):
    errors = _errors(lambda: services.risk_create(actor=personas.jijian, data=_data(org, **change)))
    assert field in errors


# Who may write


def test_it_lets_the_filer_edit_their_own_risk_only_at_self_identification(personas, org):
    risk = services.risk_create(actor=personas.staff, data=_data(org))
    services.risk_update(actor=personas.staff, risk=risk, data={"title": "新的风险点"})
    RiskPoint.objects.filter(pk=risk.pk).update(step=Step.COLLEAGUES)
    risk.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.risk_update(actor=personas.staff, risk=risk, data={"title": "再改"})
    services.risk_update(actor=personas.dept_head, risk=risk, data={"title": "科长修改"})
    assert RiskPoint.objects.get().title == "科长修改"


def test_it_refuses_a_staff_member_editing_someone_elses_risk(personas, org):
    risk = RiskPointFactory(post=org.posts.cashier, person=org.people.cashier)
    with pytest.raises(PermissionDenied):
        services.risk_update(actor=personas.staff, risk=risk, data={"title": "越权"})
    with pytest.raises(PermissionDenied):
        services.risk_grade(actor=personas.staff, risk=risk, inputs={"likelihood": 1, "impact": 1})
    with pytest.raises(PermissionDenied):
        services.measure_create(
            actor=personas.staff,
            risk=risk,
            data={"type": "rules", "content": "x", "owner": org.people.staff},
        )


@pytest.mark.parametrize(
    ("persona", "place"),
    [
        ("staff", {"post": "cashier", "person": "cashier"}),
        ("dept_head", {"post": "approver", "person": "approver"}),
        ("in_charge", {"post": "office_clerk", "person": "jijian"}),
    ],
)
def test_it_refuses_filing_a_risk_outside_the_filers_scope(personas, org, persona, place):
    data = _data(org, post=getattr(org.posts, place["post"]))
    data["person"] = getattr(org.people, place["person"])
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        services.risk_create(actor=getattr(personas, persona), data=data)
    assert not RiskPoint.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_it_refuses_filing_for_an_account_without_a_person(personas, org):
    with pytest.raises(PermissionDenied):
        services.risk_create(actor=personas.sysadmin, data=_data(org))


def test_it_lets_a_department_head_file_a_department_risk(personas, org):
    risk = services.risk_create(actor=personas.dept_head, data=_data(org, Register.DEPARTMENT))
    assert risk.department == org.finance


# Grading


def test_it_stores_a_matrix_grading_and_levels_the_risk(personas, org):
    risk = RiskPointFactory(post=org.posts.accountant, person=org.people.staff, level=None)
    record = services.risk_grade(
        actor=personas.dept_head, risk=risk, method="matrix", inputs={"likelihood": 3, "impact": 4}
    )
    record.refresh_from_db()
    assert (record.method, record.inputs, record.level) == (
        "matrix",
        {"likelihood": 3, "impact": 4},
        1,
    )
    assert "可能性 3" in record.rationale and "影响程度 4" in record.rationale
    assert record.graded_by == personas.dept_head
    risk.refresh_from_db()
    assert (risk.level, risk.likelihood, risk.impact) == (1, 3, 4)
    assert risk.assessed_on == timezone.localdate()


def test_it_stores_a_criteria_grading_without_a_cell(personas, org):
    risk = RiskPointFactory(post=org.posts.accountant, person=org.people.staff, level=None)
    services.risk_grade(
        actor=personas.jijian, risk=risk, method="matrix", inputs={"likelihood": 1, "impact": 1}
    )
    record = services.risk_grade(
        actor=personas.jijian,
        risk=risk,
        method="criteria",
        inputs={"criteria": ["people_money_goods", "discretion"]},
    )
    assert (record.method, record.level) == ("criteria", 2)
    assert "掌握人财物支配权" in record.rationale
    risk.refresh_from_db()
    assert (risk.level, risk.likelihood, risk.impact) == (2, None, None)
    assert risk.gradings.count() == 2


def test_it_grades_by_power_type_with_the_matrix_as_base(personas, org):
    risk = RiskPointFactory(post=org.posts.approver, person=org.people.approver, level=None)
    inputs = {"likelihood": 1, "impact": 1, "power_type": "approval"}
    record = services.risk_grade(
        actor=personas.jijian, risk=risk, method="power_type", inputs=inputs
    )
    assert record.level == 1
    risk.refresh_from_db()
    assert (risk.level, risk.likelihood, risk.impact) == (1, 1, 1)
    inputs["power_type"] = "other"
    assert services.risk_grade(
        actor=personas.jijian, risk=risk, method="power_type", inputs=inputs
    ).level == (3)


def test_it_grades_by_the_bureaus_configured_method(personas, org, settings):
    settings.RISK_GRADING_METHOD = "criteria"
    risk = RiskPointFactory(post=org.posts.accountant, person=org.people.staff)
    record = services.risk_grade(actor=personas.jijian, risk=risk, inputs={"criteria": []})
    assert (record.method, record.level) == ("criteria", 3)


def test_it_grades_by_the_active_matrix_kept_as_data(personas, org):
    GradingMatrix.objects.update(is_active=False)
    GradingMatrix.objects.create(name="三行两列", cells=[[3, 2], [2, 1], [1, 1]])
    risk = RiskPointFactory(post=org.posts.accountant, person=org.people.staff)
    record = services.risk_grade(
        actor=personas.jijian, risk=risk, method="matrix", inputs={"likelihood": 3, "impact": 1}
    )
    assert record.level == 1
    assert "3×2" in record.rationale
    errors = _errors(
        lambda: services.risk_grade(
            actor=personas.jijian, risk=risk, method="matrix", inputs={"likelihood": 1, "impact": 3}
        )
    )
    assert set(errors) == {"impact"}


@pytest.mark.parametrize(
    ("method", "inputs", "field"),
    [
        ("matrix", {"likelihood": 5, "impact": 1}, "likelihood"),
        ("matrix", {"likelihood": 1}, "impact"),
        ("criteria", {"criteria": ["nepotism"]}, "criteria"),
        ("power_type", {"likelihood": 1, "impact": 1, "power_type": "magic"}, "power_type"),
        ("power_type", {"power_type": "approval"}, "likelihood"),
        ("astrology", {}, "method"),
    ],
)
def test_it_refuses_a_grading_naming_the_bad_input(personas, org, method, inputs, field):
    risk = RiskPointFactory(post=org.posts.accountant, person=org.people.staff, level=None)
    entries = AuditEntry.objects.count()
    errors = _errors(
        lambda: services.risk_grade(actor=personas.jijian, risk=risk, method=method, inputs=inputs)
    )
    assert set(errors) == {field}
    assert not Grading.objects.exists()
    assert RiskPoint.objects.get().level is None
    assert AuditEntry.objects.count() == entries


# Measures


def test_it_refuses_a_measure_without_an_owner(personas, org):
    risk = RiskPointFactory(post=org.posts.accountant, person=org.people.staff)
    errors = _errors(
        lambda: services.measure_create(
            actor=personas.staff, risk=risk, data={"type": "rules", "content": "双人复核"}
        )
    )
    assert set(errors) == {"owner"}
    measure = MeasureFactory(risk=risk)
    errors = _errors(
        lambda: services.measure_update(actor=personas.staff, measure=measure, data={"owner": None})
    )
    assert set(errors) == {"owner"}
    assert Measure.objects.get().owner_id is not None


def test_it_names_the_field_of_a_bad_measure(personas, org):
    risk = RiskPointFactory(post=org.posts.accountant, person=org.people.staff)
    data = {"type": "prayer", "content": "", "owner": org.people.staff}
    errors = _errors(lambda: services.measure_create(actor=personas.staff, risk=risk, data=data))
    assert {"type", "content"} <= set(errors)


# Audit and history


def test_it_audits_and_versions_every_write_to_a_risk(personas, org):
    actor = personas.dept_head
    risk = services.risk_create(actor=actor, data=_data(org))
    services.risk_update(actor=actor, risk=risk, data={"duty_link": "报销审核"})
    services.risk_grade(actor=actor, risk=risk, inputs={"likelihood": 2, "impact": 2})
    services.risk_retire(actor=actor, risk=risk, reason="岗位撤并")

    assert _history_users(risk) == [
        ("+", actor.pk),
        ("~", actor.pk),
        ("~", actor.pk),
        ("~", actor.pk),
    ]
    entries = AuditEntry.objects.filter(object_type="risks.riskpoint", object_id=str(risk.pk))
    assert [e.action for e in entries.order_by("seq")] == ["create", "update", "update", "update"]
    assert all(e.actor == actor for e in entries)
    update = entries.order_by("seq")[1]
    assert (update.before, update.after) == ({"duty_link": ""}, {"duty_link": "报销审核"})
    grading = AuditEntry.objects.get(object_type="risks.grading")
    assert (grading.action, grading.actor, grading.after["level"]) == ("create", actor, 2)


def test_it_audits_a_grading_that_changes_nothing_on_the_risk(personas, org):
    risk = RiskPointFactory(post=org.posts.accountant, person=org.people.staff)
    inputs = {"likelihood": 2, "impact": 2}
    services.risk_grade(actor=personas.jijian, risk=risk, inputs=inputs)
    services.risk_grade(actor=personas.jijian, risk=risk, inputs=inputs)
    assert Grading.objects.count() == 2
    assert AuditEntry.objects.filter(object_type="risks.grading").count() == 2


def test_it_audits_and_versions_every_write_to_a_measure(personas, org):
    actor = personas.staff
    risk = RiskPointFactory(post=org.posts.accountant, person=org.people.staff)
    measure = services.measure_create(
        actor=actor,
        risk=risk,
        data={"type": "rules", "content": "票据双人复核", "owner": org.people.staff},
    )
    services.measure_update(actor=actor, measure=measure, data={"status": MeasureStatus.DONE})
    pk = measure.pk
    services.measure_delete(actor=actor, measure=measure)

    history = Measure.history.filter(id=pk).order_by("history_id")
    assert list(history.values_list("history_type", "history_user")) == [
        ("+", actor.pk),
        ("~", actor.pk),
        ("-", actor.pk),
    ]
    entries = AuditEntry.objects.filter(object_type="risks.measure").order_by("seq")
    assert [(e.action, e.actor) for e in entries] == [
        ("create", actor),
        ("update", actor),
        ("delete", actor),
    ]


# Copying a year forward


@pytest.fixture
def last_year(org):
    """Three risks of 2025 on the accountant's post: one effective (with a done, a planned and a
    cancelled measure), one still in the workflow, one retired."""
    place = {"post": org.posts.accountant, "person": org.people.staff, "year": 2025}
    effective = RiskPointFactory(
        **place, status=Status.EFFECTIVE, step=Step.COLLECTIVE, effective_on=date(2025, 9, 1)
    )
    MeasureFactory(risk=effective, status=MeasureStatus.DONE, evidence="已建立台账")
    MeasureFactory(risk=effective, status=MeasureStatus.PLANNED, due_date=date(2025, 10, 1))
    MeasureFactory(risk=effective, status=MeasureStatus.CANCELLED)
    pending = RiskPointFactory(**place, step=Step.PUBLIC)
    MeasureFactory(risk=pending)
    RiskPointFactory(**place, status=Status.RETIRED)
    return effective


def _copy(actor, risks=None, from_year=2025, to_year=2026):
    risks = RiskPoint.objects.all() if risks is None else risks
    return services.library_copy_forward(
        actor=actor, from_year=from_year, to_year=to_year, risks=risks
    )


def test_it_copies_only_effective_risks_and_their_live_measures(personas, last_year):
    assert _copy(personas.jijian) == 1
    copy = RiskPoint.objects.get(year=2026)
    assert copy.copied_from == last_year
    assert (copy.step, copy.status, copy.effective_on) == (Step.SELF, Status.IN_PROGRESS, None)
    assert (copy.title, copy.category, copy.level, copy.post_id, copy.person_id) == (
        last_year.title,
        last_year.category,
        last_year.level,
        last_year.post_id,
        last_year.person_id,
    )
    measures = copy.measures.order_by("pk")
    assert measures.count() == 2
    assert {m.status for m in measures} == {MeasureStatus.PLANNED}
    assert {m.evidence for m in measures} == {""}
    assert last_year.measures.count() == 3  # the source year is untouched


def test_it_copies_a_year_forward_only_once(personas, last_year):
    assert _copy(personas.jijian) == 1
    assert _copy(personas.jijian) == 0
    assert RiskPoint.objects.filter(year=2026).count() == 1
    assert Measure.objects.filter(risk__year=2026).count() == 2


@pytest.mark.parametrize("to_year", [2025, 2024])
def test_it_refuses_to_copy_into_a_year_not_after_the_source(personas, last_year, to_year):
    errors = _errors(lambda: _copy(personas.jijian, to_year=to_year))
    assert set(errors) == {"to_year"}
    assert not RiskPoint.objects.filter(year__gt=2025).exists()


def test_it_copies_only_what_the_caller_may_see(personas, org, last_year):
    RiskPointFactory(
        post=org.posts.approver, person=org.people.approver, year=2025, status=Status.EFFECTIVE
    )
    head = personas.dept_head
    assert _copy(head, scoped(RiskPoint.objects.all(), head)) == 1
    assert RiskPoint.objects.get(year=2026).post == org.posts.accountant


def test_it_audits_and_versions_the_copies(personas, last_year):
    _copy(personas.jijian)
    copy = RiskPoint.objects.get(year=2026)
    assert _history_users(copy) == [("+", personas.jijian.pk)]
    for measure in copy.measures.all():
        assert list(measure.history.values_list("history_type", "history_user")) == [
            ("+", personas.jijian.pk)
        ]
    entry = AuditEntry.objects.get(action="create", object_type="risks.riskpoint")
    assert entry.after == {"from_year": 2025, "to_year": 2026, "risks": 1, "measures": 2}


def test_it_does_not_copy_measures_of_other_owners_by_mistake(personas, org, last_year):
    other = RiskPointFactory(
        post=org.posts.cashier, person=org.people.cashier, year=2025, status=Status.EFFECTIVE
    )
    owner = PersonFactory(department=org.finance)
    MeasureFactory(risk=other, owner=owner)
    _copy(personas.jijian)
    copied = RiskPoint.objects.get(year=2026, copied_from=other)
    assert list(copied.measures.values_list("owner", flat=True)) == [owner.pk]
