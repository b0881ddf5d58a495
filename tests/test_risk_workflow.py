"""The five identification steps (DOMAIN.md §2): 自己找 → 大家提 → 组织点 → 群众议 → 集体定."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lianfang.core.models import AuditEntry
from lianfang.risks import services
from lianfang.risks.models import (
    MeasureStatus,
    Register,
    RiskPoint,
    Status,
    Step,
    WorkflowRecord,
)

from .factories import UserFactory
from .risk_factories import MeasureFactory, RiskPointFactory

MEETING = {"meeting_date": date(2026, 8, 28), "meeting_ref": "党组会纪要〔2026〕12号"}


@pytest.fixture
def risk(org):
    """The accountant's own post risk at 自己找, graded level 2, with a measure and a
    responsible person: everything 集体定 needs."""
    risk = RiskPointFactory(
        post=org.posts.accountant,
        person=org.people.staff,
        level=2,
        responsible_person=org.people.staff,
    )
    MeasureFactory(risk=risk, owner=org.people.staff)
    return risk


def _at(risk, step, status=Status.IN_PROGRESS):
    RiskPoint.objects.filter(pk=risk.pk).update(step=step, status=status)
    risk.refresh_from_db()
    return risk


def _errors(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def _records(risk) -> list:
    return list(risk.workflow.order_by("pk").values_list("step", "action", "actor"))


# 自己找


def test_it_lets_the_filer_submit_their_own_risk_from_self_identification(personas, risk):
    risk = services.workflow_submit(actor=personas.staff, risk=risk, comment="已自查")
    risk.refresh_from_db()
    assert (risk.step, risk.status) == (Step.COLLEAGUES, Status.IN_PROGRESS)
    record = WorkflowRecord.objects.get()
    assert (record.step, record.action, record.actor, record.comment) == (
        Step.SELF,
        "submit",
        personas.staff,
        "已自查",
    )
    assert record.at is not None


def test_it_refuses_to_submit_a_risk_without_its_manifestation(personas, risk):
    RiskPoint.objects.filter(pk=risk.pk).update(manifestation="")
    risk.refresh_from_db()
    errors = _errors(lambda: services.workflow_submit(actor=personas.staff, risk=risk))
    assert set(errors) == {"manifestation"}
    assert not WorkflowRecord.objects.exists()


def test_it_refuses_a_colleague_submitting_someone_elses_risk(personas, org):
    others = RiskPointFactory(post=org.posts.cashier, person=org.people.cashier)
    with pytest.raises(PermissionDenied):
        services.workflow_submit(actor=personas.staff, risk=others)
    assert RiskPoint.objects.get().step == Step.SELF


# Later steps belong to the organisation


@pytest.mark.parametrize("step", [Step.COLLEAGUES, Step.ORGANISATION, Step.PUBLIC, Step.COLLECTIVE])
def test_it_refuses_staff_acting_at_a_later_step(personas, risk, step):
    risk = _at(risk, step)
    with pytest.raises(PermissionDenied):
        services.workflow_submit(actor=personas.staff, risk=risk)
    with pytest.raises(PermissionDenied):
        services.workflow_return(actor=personas.staff, risk=risk, reason="不同意")
    with pytest.raises(PermissionDenied):
        services.workflow_decide(actor=personas.staff, risk=risk, **MEETING)
    with pytest.raises(PermissionDenied):
        services.risk_retire(actor=personas.staff, risk=risk, reason="不需要")
    assert not WorkflowRecord.objects.exists()
    assert RiskPoint.objects.get().step == step


def test_it_lets_a_department_head_take_a_risk_through_to_the_collective_decision(personas, risk):
    head = personas.dept_head
    services.workflow_submit(actor=personas.staff, risk=risk)
    services.workflow_comment(actor=head, risk=risk, comment="同事补充：注意发票真伪")
    for step in (Step.COLLEAGUES, Step.ORGANISATION, Step.PUBLIC):
        assert risk.step == step
        risk = services.workflow_submit(actor=head, risk=risk, comment=f"第{step}环节意见")
    assert risk.step == Step.COLLECTIVE
    risk = services.workflow_decide(actor=head, risk=risk, comment="同意", **MEETING)
    risk.refresh_from_db()
    assert (risk.step, risk.status, risk.effective_on) == (
        Step.COLLECTIVE,
        Status.EFFECTIVE,
        MEETING["meeting_date"],
    )
    decided = risk.workflow.get(action="decide")
    assert (decided.meeting_date, decided.meeting_ref, decided.actor) == (
        MEETING["meeting_date"],
        MEETING["meeting_ref"],
        head,
    )
    assert _records(risk) == [
        (1, "submit", personas.staff.pk),
        (2, "comment", head.pk),
        (2, "submit", head.pk),
        (3, "submit", head.pk),
        (4, "submit", head.pk),
        (5, "decide", head.pk),
    ]
    assert all(r.at is not None for r in risk.workflow.all())
    ats = list(risk.workflow.order_by("pk").values_list("at", flat=True))
    assert ats == sorted(ats)


def test_it_versions_and_audits_every_move(personas, risk):
    services.workflow_submit(actor=personas.staff, risk=risk)
    services.workflow_submit(actor=personas.dept_head, risk=risk)
    services.workflow_comment(actor=personas.dept_head, risk=risk, comment="请补充")
    services.workflow_return(actor=personas.dept_head, risk=risk, reason="表现形式不具体")
    history = risk.history.filter(history_type="~").order_by("history_id")
    history = history.values_list("step", "status", "history_user")
    assert list(history) == [
        (2, "in_progress", personas.staff.pk),
        (3, "in_progress", personas.dept_head.pk),
        (1, "returned", personas.dept_head.pk),
    ]
    entries = AuditEntry.objects.filter(object_type="risks.riskpoint", object_id=str(risk.pk))
    assert entries.count() == 4  # three moves and the comment


def test_it_refuses_to_submit_past_the_collective_decision(personas, risk):
    risk = _at(risk, Step.COLLECTIVE)
    with pytest.raises(PermissionDenied):
        services.workflow_submit(actor=personas.dept_head, risk=risk)


def test_it_decides_only_at_the_collective_step(personas, risk):
    risk = _at(risk, Step.PUBLIC)
    with pytest.raises(PermissionDenied):
        services.workflow_decide(actor=personas.dept_head, risk=risk, **MEETING)
    assert RiskPoint.objects.get().status == Status.IN_PROGRESS


# 集体定 needs a complete risk and a meeting


def _without_measure(risk):
    risk.measures.update(status=MeasureStatus.CANCELLED)


@pytest.mark.parametrize(
    ("spoil", "field"),
    [
        (_without_measure, "measures"),
        (lambda r: r.measures.all().delete(), "measures"),
        (
            lambda r: RiskPoint.objects.filter(pk=r.pk).update(responsible_person=None),
            "responsible_person",
        ),
        (lambda r: RiskPoint.objects.filter(pk=r.pk).update(level=None), "level"),
    ],
)
def test_it_refuses_to_decide_an_incomplete_risk_naming_what_is_missing(
    personas, risk, spoil, field
):
    spoil(risk)
    risk = _at(risk, Step.COLLECTIVE)
    errors = _errors(
        lambda: services.workflow_decide(actor=personas.dept_head, risk=risk, **MEETING)
    )
    assert set(errors) == {field}
    assert RiskPoint.objects.get().status == Status.IN_PROGRESS
    assert not WorkflowRecord.objects.exists()


@pytest.mark.parametrize(
    ("meeting", "fields"),
    [
        ({"meeting_date": None, "meeting_ref": MEETING["meeting_ref"]}, {"meeting_date"}),
        ({"meeting_date": MEETING["meeting_date"], "meeting_ref": ""}, {"meeting_ref"}),
        ({"meeting_date": MEETING["meeting_date"], "meeting_ref": "   "}, {"meeting_ref"}),
        ({"meeting_date": None, "meeting_ref": ""}, {"meeting_date", "meeting_ref"}),
    ],
)
def test_it_refuses_to_decide_without_the_meeting(personas, risk, meeting, fields):
    risk = _at(risk, Step.COLLECTIVE)
    errors = _errors(
        lambda: services.workflow_decide(actor=personas.dept_head, risk=risk, **meeting)
    )
    assert set(errors) == fields
    assert RiskPoint.objects.get().status == Status.IN_PROGRESS


def test_it_names_every_missing_piece_at_once(personas, org):
    bare = RiskPointFactory(
        post=org.posts.accountant, person=org.people.staff, level=None, responsible_person=None
    )
    bare = _at(bare, Step.COLLECTIVE)
    errors = _errors(
        lambda: services.workflow_decide(
            actor=personas.dept_head, risk=bare, meeting_date=None, meeting_ref=""
        )
    )
    assert set(errors) == {"level", "measures", "responsible_person", "meeting_date", "meeting_ref"}


def test_it_refuses_to_make_effective_a_risk_without_a_derivable_leader(personas, org):
    # 审批科 has no head: a level 3 risk there has no responsible leader.
    orphan = RiskPointFactory(
        post=org.posts.approver,
        person=org.people.approver,
        level=3,
        responsible_person=org.people.approver,
    )
    MeasureFactory(risk=orphan)
    orphan = _at(orphan, Step.COLLECTIVE)
    errors = _errors(
        lambda: services.workflow_decide(actor=personas.jijian, risk=orphan, **MEETING)
    )
    assert set(errors) == {"responsible_leader"}
    assert RiskPoint.objects.get().status == Status.IN_PROGRESS
    services.risk_grade(
        actor=personas.jijian,
        risk=orphan,
        method="power_type",
        inputs={"likelihood": 1, "impact": 1, "power_type": "approval"},
    )
    orphan.refresh_from_db()
    assert orphan.level == 1  # now the principal leader answers for it
    services.workflow_decide(actor=personas.jijian, risk=orphan, **MEETING)
    assert RiskPoint.objects.get().status == Status.EFFECTIVE


# Sending back


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_to_send_back_without_a_reason(personas, risk, reason):
    risk = _at(risk, Step.ORGANISATION)
    errors = _errors(
        lambda: services.workflow_return(actor=personas.dept_head, risk=risk, reason=reason)
    )
    assert set(errors) == {"comment"}
    assert RiskPoint.objects.get().step == Step.ORGANISATION


@pytest.mark.parametrize("step", [Step.COLLEAGUES, Step.ORGANISATION, Step.PUBLIC, Step.COLLECTIVE])
def test_it_sends_back_to_self_identification_from_any_later_step(personas, risk, step):
    risk = _at(risk, step)
    services.workflow_return(actor=personas.dept_head, risk=risk, reason="风险表现形式不具体")
    risk.refresh_from_db()
    assert (risk.step, risk.status) == (Step.SELF, Status.RETURNED)
    record = risk.workflow.get()
    assert (record.step, record.action, record.comment, record.actor) == (
        step,
        "return",
        "风险表现形式不具体",
        personas.dept_head,
    )


def test_it_lets_the_filer_revise_and_resubmit_a_returned_risk(personas, risk):
    risk = _at(risk, Step.PUBLIC)
    services.workflow_return(actor=personas.dept_head, risk=risk, reason="请细化")
    services.risk_update(actor=personas.staff, risk=risk, data={"manifestation": "细化后的表现"})
    services.workflow_submit(actor=personas.staff, risk=risk)
    risk.refresh_from_db()
    assert (risk.step, risk.status) == (Step.COLLEAGUES, Status.IN_PROGRESS)


def test_it_cannot_send_back_a_risk_at_self_identification(personas, risk):
    with pytest.raises(PermissionDenied):
        services.workflow_return(actor=personas.dept_head, risk=risk, reason="理由")


# Comments


def test_it_records_a_comment_without_moving_the_risk(personas, risk):
    risk = _at(risk, Step.PUBLIC)
    record = services.workflow_comment(actor=personas.jijian, risk=risk, comment="群众反映：…")
    assert (record.step, record.action, record.actor) == (Step.PUBLIC, "comment", personas.jijian)
    assert RiskPoint.objects.get().step == Step.PUBLIC


@pytest.mark.parametrize("comment", ["", "  \n"])
def test_it_refuses_an_empty_comment(personas, risk, comment):
    risk = _at(risk, Step.COLLEAGUES)
    errors = _errors(
        lambda: services.workflow_comment(actor=personas.dept_head, risk=risk, comment=comment)
    )
    assert set(errors) == {"comment"}


def test_it_takes_no_comments_on_an_effective_risk(personas, risk):
    risk = _at(risk, Step.COLLECTIVE, Status.EFFECTIVE)
    with pytest.raises(PermissionDenied):
        services.workflow_comment(actor=personas.jijian, risk=risk, comment="意见")


# Scope


@pytest.fixture
def approval_risk(org):
    risk = RiskPointFactory(
        post=org.posts.approver, person=org.people.approver, level=1, responsible_person=None
    )
    MeasureFactory(risk=risk)
    return risk


@pytest.mark.parametrize("persona", ["dept_head", "in_charge", "staff"])
def test_it_refuses_any_action_out_of_scope(personas, approval_risk, persona):
    user = getattr(personas, persona)
    risk = approval_risk
    with pytest.raises(PermissionDenied):
        services.workflow_submit(actor=user, risk=risk)
    for step in (Step.COLLEAGUES, Step.COLLECTIVE):
        risk = _at(risk, step)
        with pytest.raises(PermissionDenied):
            services.workflow_submit(actor=user, risk=risk)
        with pytest.raises(PermissionDenied):
            services.workflow_comment(actor=user, risk=risk, comment="越权意见")
        with pytest.raises(PermissionDenied):
            services.workflow_return(actor=user, risk=risk, reason="越权退回")
        with pytest.raises(PermissionDenied):
            services.workflow_decide(actor=user, risk=risk, **MEETING)
    with pytest.raises(PermissionDenied):
        services.risk_retire(actor=user, risk=risk, reason="越权撤销")
    assert not WorkflowRecord.objects.exists()


def test_it_refuses_a_unit_risk_to_a_department_head(personas, org):
    unit_risk = RiskPointFactory(register=Register.UNIT, unit=org.bureau, post=None)
    unit_risk = _at(unit_risk, Step.ORGANISATION)
    with pytest.raises(PermissionDenied):
        services.workflow_submit(actor=personas.dept_head, risk=unit_risk)
    services.workflow_submit(actor=personas.principal, risk=unit_risk)
    assert RiskPoint.objects.get().step == Step.PUBLIC


def test_it_refuses_an_account_with_a_steward_role_but_no_person(org, risk):
    ghost = UserFactory(roles=["dept_head"])
    risk = _at(risk, Step.ORGANISATION)
    with pytest.raises(PermissionDenied):
        services.workflow_submit(actor=ghost, risk=risk)


# Retiring


def test_it_retires_a_risk_with_a_reason_and_freezes_it(personas, risk):
    risk = _at(risk, Step.COLLECTIVE, Status.EFFECTIVE)
    assert set(
        _errors(lambda: services.risk_retire(actor=personas.dept_head, risk=risk, reason=" "))
    )
    services.risk_retire(actor=personas.dept_head, risk=risk, reason="岗位已撤销")
    risk.refresh_from_db()
    assert risk.status == Status.RETIRED
    assert risk.workflow.get().action == "retire"
    with pytest.raises(PermissionDenied):
        services.risk_update(actor=personas.dept_head, risk=risk, data={"title": "复活"})
    with pytest.raises(PermissionDenied):
        services.workflow_submit(actor=personas.dept_head, risk=risk)
