"""The power list's write rules: codes, limits, cleanup (防止反弹), flows, links, discretion."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lianfang.core.models import AuditEntry
from lianfang.powers import services
from lianfang.powers.models import Category, Decision, FlowStep, PowerItem, RiskLink

from .power_factories import PowerItemFactory, simple_flow
from .risk_factories import MeasureFactory, RiskPointFactory

BASIS = [{"document": "《营业性演出管理条例》", "article": "第六条", "excerpt": ""}]


def _data(org, **overrides):
    data = {
        "unit": org.bureau,
        "department": org.approval,
        "posts": [org.posts.approver],
        "code": "4399010010199999",
        "name": "营业性演出审批",
        "category": Category.LICENSE,
        "basis_set": BASIS,
        "legal_limit": 20,
        "promised_limit": 10,
        "decision": Decision.KEEP,
        "decision_year": 2026,
    }
    return {**data, **overrides}


def _field_error(exc_info) -> set[str]:
    return set(exc_info.value.message_dict)


def test_it_creates_an_item_and_audits_it(personas, org):
    item = services.power_item_create(actor=personas.legal, data=_data(org))
    assert list(item.posts.all()) == [org.posts.approver]
    entry = AuditEntry.objects.get(object_type="powers.poweritem", object_id=str(item.pk))
    assert entry.action == "create"


def test_it_refuses_writers_without_the_power_list_permission(personas, org):
    with pytest.raises(PermissionDenied):
        services.power_item_create(actor=personas.staff, data=_data(org))
    assert not PowerItem.objects.exists()


def test_it_refuses_an_item_outside_the_writers_unit(personas, org):
    personas.legal.person.unit = org.sub
    personas.legal.person.save()
    with pytest.raises(PermissionDenied):
        services.power_item_create(actor=personas.legal, data=_data(org))
    assert not PowerItem.objects.exists()


@pytest.mark.parametrize("code", ["", "43990100101001", "439901001010010X", "4399-0100101001"])
def test_it_refuses_a_code_that_breaks_the_pattern(personas, org, code):
    with pytest.raises(ValidationError) as exc:
        services.power_item_create(actor=personas.legal, data=_data(org, code=code))
    assert "code" in _field_error(exc)


def test_it_follows_a_configured_code_pattern(personas, org, settings):
    settings.POWER_CODE_PATTERN = r"^[A-Z]{2}-\d{4}$"
    item = services.power_item_create(actor=personas.legal, data=_data(org, code="XK-0001"))
    assert item.code == "XK-0001"


def test_it_refuses_a_promised_limit_above_the_legal_limit(personas, org):
    data = _data(org, legal_limit=20, promised_limit=21)
    with pytest.raises(ValidationError) as exc:
        services.power_item_create(actor=personas.legal, data=data)
    assert _field_error(exc) == {"promised_limit"}
    assert not PowerItem.objects.exists()


def test_it_refuses_to_keep_an_item_without_legal_basis(personas, org):
    with pytest.raises(ValidationError) as exc:
        services.power_item_create(actor=personas.legal, data=_data(org, basis_set=[]))
    assert _field_error(exc) == {"basis_set"}


def test_it_accepts_a_cancelled_item_without_basis_but_wants_a_reason(personas, org):
    data = _data(org, basis_set=[], decision=Decision.CANCEL)
    with pytest.raises(ValidationError) as exc:
        services.power_item_create(actor=personas.legal, data=data)
    assert _field_error(exc) == {"decision_reason"}
    data["decision_reason"] = "上位法已废止。"
    assert services.power_item_create(actor=personas.legal, data=data).is_cancelled


def test_it_wants_a_legal_procedure_for_a_new_power(personas, org):
    with pytest.raises(ValidationError) as exc:
        services.power_item_create(actor=personas.legal, data=_data(org, decision=Decision.NEW))
    assert _field_error(exc) == {"procedure_ref"}
    data = _data(org, decision=Decision.NEW, procedure_ref="云政发〔2026〕3号")
    assert services.power_item_create(actor=personas.legal, data=data).pk


def test_it_keeps_a_cancelled_power_from_coming_back_by_name(personas, org):
    PowerItemFactory(
        unit=org.bureau, department=org.approval, name="营业性演出审批", decision=Decision.CANCEL
    )
    with pytest.raises(ValidationError) as exc:
        services.power_item_create(actor=personas.legal, data=_data(org))
    assert _field_error(exc) == {"procedure_ref"}
    assert "营业性演出审批" in exc.value.message_dict["procedure_ref"][0]


def test_it_keeps_a_cancelled_power_from_coming_back_under_another_name(personas, org):
    PowerItemFactory(
        unit=org.bureau, department=org.approval, name="旧审批", decision=Decision.CANCEL
    )
    data = _data(org, name="新名称的审批")  # same basis: 《营业性演出管理条例》第六条
    with pytest.raises(ValidationError) as exc:
        services.power_item_create(actor=personas.legal, data=data)
    assert _field_error(exc) == {"procedure_ref"}
    data["procedure_ref"] = "云政发〔2026〕3号"
    assert services.power_item_create(actor=personas.legal, data=data).pk


def test_it_lets_a_cancelled_item_back_only_by_legal_procedure(personas, org):
    item = PowerItemFactory(unit=org.bureau, department=org.approval, decision=Decision.CANCEL)
    with pytest.raises(ValidationError) as exc:
        services.power_item_update(actor=personas.legal, item=item, data={"decision": "keep"})
    assert _field_error(exc) == {"procedure_ref"}
    item.refresh_from_db()
    assert item.is_cancelled
    data = {"decision": "keep", "procedure_ref": "云政发〔2026〕9号"}
    assert not services.power_item_update(actor=personas.legal, item=item, data=data).is_cancelled


def test_it_unpublishes_an_item_when_it_is_cancelled(personas, org):
    item = PowerItemFactory(unit=org.bureau, department=org.approval, published=True)
    data = {"decision": Decision.CANCEL, "decision_reason": "职能已划转。"}
    item = services.power_item_update(actor=personas.legal, item=item, data=data)
    assert not item.published


def test_it_keeps_cancelled_items_on_record(personas, org):
    item = PowerItemFactory(unit=org.bureau, department=org.approval, decision=Decision.CANCEL)
    with pytest.raises(ValidationError):
        services.power_item_delete(actor=personas.legal, item=item)
    assert PowerItem.objects.filter(pk=item.pk).exists()


def test_it_wants_a_fee_basis_for_a_fee(personas, org):
    data = _data(org, fee_amount=Decimal("50.00"))
    with pytest.raises(ValidationError) as exc:
        services.power_item_create(actor=personas.legal, data=data)
    assert _field_error(exc) == {"fee_basis"}


def test_it_wants_handling_posts_of_the_handling_department(personas, org):
    data = _data(org, posts=[org.posts.cashier])
    with pytest.raises(ValidationError) as exc:
        services.power_item_create(actor=personas.legal, data=data)
    assert _field_error(exc) == {"posts"}


# Flowcharts


def _item(org, **kwargs):
    return PowerItemFactory(unit=org.bureau, department=org.approval, **kwargs)


def _steps():
    return [
        {"key": "start", "kind": "start", "name": "申请", "limit_days": 0},
        {"key": "accept", "kind": "step", "name": "受理", "limit_days": 2},
        {"key": "check", "kind": "decision", "name": "审查", "limit_days": 3},
        {"key": "end", "kind": "end", "name": "办结", "limit_days": 0},
    ]


def _edges():
    return [
        {"source": "start", "target": "accept", "condition": ""},
        {"source": "accept", "target": "check", "condition": ""},
        {"source": "check", "target": "end", "condition": "准予"},
        {"source": "check", "target": "accept", "condition": "补正"},
    ]


def test_it_saves_a_flow_and_audits_the_change(personas, org):
    item = _item(org)
    services.flow_save(actor=personas.legal, item=item, steps=_steps(), edges=_edges())
    assert list(item.steps.values_list("key", flat=True)) == ["start", "accept", "check", "end"]
    assert item.transitions.count() == 4
    entry = AuditEntry.objects.filter(object_type="powers.poweritem").latest("seq")
    assert entry.action == "update" and len(entry.after["steps"]) == 4


@pytest.mark.parametrize(
    "breaks",
    [
        "one_exit_decision",
        "unreachable",
        "over_promised",
        "no_start",
        "end_with_exit",
        "same_conditions",
    ],
)
def test_it_refuses_a_broken_flow_and_saves_nothing(personas, org, breaks):
    item = _item(org, promised_limit=10)
    steps, edges = _steps(), _edges()
    if breaks == "one_exit_decision":
        edges.pop()
    elif breaks == "unreachable":
        steps.append({"key": "orphan", "kind": "step", "name": "孤立环节", "limit_days": 0})
        edges.append({"source": "orphan", "target": "end", "condition": ""})
    elif breaks == "over_promised":
        steps[1]["limit_days"] = 8
    elif breaks == "no_start":
        steps[0]["kind"] = "step"
    elif breaks == "end_with_exit":
        edges.append({"source": "end", "target": "start", "condition": ""})
    elif breaks == "same_conditions":
        edges[-1]["condition"] = "准予"
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.flow_save(actor=personas.legal, item=item, steps=steps, edges=edges)
    assert not item.steps.exists() and AuditEntry.objects.count() == before


def test_it_keeps_risk_links_of_steps_that_stay(personas, org):
    item = _item(org)
    steps = simple_flow(item)
    risk = RiskPointFactory(post=org.posts.approver)
    MeasureFactory(risk=risk)
    link = RiskLink.objects.create(risk=risk, item=item, step=steps["accept"])
    new_steps = [
        {"key": s.key, "kind": s.kind, "name": s.name, "limit_days": s.limit_days}
        for s in item.steps.all()
    ]
    new_steps[1]["name"] = "窗口受理"
    edges = [
        {"source": t.source.key, "target": t.target.key, "condition": t.condition}
        for t in item.transitions.all()
    ]
    services.flow_save(actor=personas.legal, item=item, steps=new_steps, edges=edges)
    link.refresh_from_db()
    assert link.step.name == "窗口受理" and link.step_id == steps["accept"].pk


def test_it_refuses_to_drop_a_step_that_carries_risks(personas, org):
    item = _item(org)
    steps = simple_flow(item)
    risk = RiskPointFactory(post=org.posts.approver)
    MeasureFactory(risk=risk)
    RiskLink.objects.create(risk=risk, item=item, step=steps["decide"])
    with pytest.raises(ValidationError) as exc:
        services.flow_save(actor=personas.legal, item=item, steps=_steps(), edges=_edges())
    assert "决定" in exc.value.messages[0]
    assert FlowStep.objects.filter(pk=steps["decide"].pk).exists()


def test_it_refuses_to_shorten_a_limit_below_the_saved_flow(personas, org):
    item = _item(org, promised_limit=10)
    simple_flow(item, limits=(2, 3, 4))  # 9 working days
    with pytest.raises(ValidationError) as exc:
        services.power_item_update(actor=personas.legal, item=item, data={"promised_limit": 8})
    assert _field_error(exc) == {"promised_limit"}


# Risk points on steps


def test_it_puts_a_risk_with_measures_on_a_step(personas, org):
    item = _item(org)
    steps = simple_flow(item)
    risk = RiskPointFactory(post=org.posts.approver)
    MeasureFactory(risk=risk)
    link = services.risk_link_set(actor=personas.legal, risk=risk, item=item, step=steps["accept"])
    assert risk.power_link == link


def test_it_refuses_a_risk_without_measures_on_a_step(personas, org):
    item = _item(org)
    steps = simple_flow(item)
    risk = RiskPointFactory(post=org.posts.approver)
    with pytest.raises(ValidationError) as exc:
        services.risk_link_set(actor=personas.legal, risk=risk, item=item, step=steps["accept"])
    assert _field_error(exc) == {"risk"}


def test_it_refuses_a_step_of_another_item(personas, org):
    item, other = _item(org), _item(org)
    steps = simple_flow(other)
    risk = RiskPointFactory(post=org.posts.approver)
    MeasureFactory(risk=risk)
    with pytest.raises(ValidationError) as exc:
        services.risk_link_set(actor=personas.legal, risk=risk, item=item, step=steps["accept"])
    assert _field_error(exc) == {"step"}


def test_it_refuses_to_publish_a_flow_whose_risky_step_lost_its_measures(personas, org):
    item = _item(org)
    steps = simple_flow(item)
    risk = RiskPointFactory(post=org.posts.approver)
    measure = MeasureFactory(risk=risk)
    RiskLink.objects.create(risk=risk, item=item, step=steps["accept"])
    measure.delete()
    with pytest.raises(ValidationError) as exc:
        services.power_item_update(actor=personas.legal, item=item, data={"published": True})
    assert _field_error(exc) == {"published"}


# Discretion standards


def _rows():
    return [
        {
            "circumstance": "minor",
            "description": "初次违法并及时改正的",
            "penalty_types": "警告",
            "amount_min": None,
            "amount_max": None,
        },
        {
            "circumstance": "serious",
            "description": "拒不改正的",
            "penalty_types": "罚款",
            "amount_min": Decimal("10000"),
            "amount_max": Decimal("30000"),
        },
    ]


def test_it_saves_discretion_standards_for_a_penalty(personas, org):
    item = _item(org, category=Category.PENALTY)
    services.discretion_save(actor=personas.legal, item=item, rows=_rows())
    assert [d.circumstance for d in item.discretion.all()] == ["minor", "serious"]


def test_it_refuses_discretion_standards_for_a_licence(personas, org):
    with pytest.raises(ValidationError):
        services.discretion_save(actor=personas.legal, item=_item(org), rows=_rows())


def test_it_refuses_a_minimum_above_the_maximum(personas, org):
    item = _item(org, category=Category.PENALTY)
    rows = _rows()
    rows[1]["amount_min"] = Decimal("50000")
    with pytest.raises(ValidationError) as exc:
        services.discretion_save(actor=personas.legal, item=item, rows=rows)
    assert _field_error(exc) == {"amount_min"}
    assert not item.discretion.exists()


def test_it_wants_circumstances_from_minor_to_serious(personas, org):
    item = _item(org, category=Category.PENALTY)
    with pytest.raises(ValidationError) as exc:
        services.discretion_save(actor=personas.legal, item=item, rows=_rows()[::-1])
    assert _field_error(exc) == {"circumstance"}


def test_it_checks_a_constraint_when_an_update_changes_one_of_its_fields(personas, org):
    item = PowerItemFactory(unit=org.bureau, department=org.approval, legal_limit=20)
    with pytest.raises(ValidationError) as exc:
        services.power_item_update(actor=personas.legal, item=item, data={"promised_limit": 25})
    assert _field_error(exc) == {"promised_limit"}
    item.refresh_from_db()
    assert item.promised_limit == 10
