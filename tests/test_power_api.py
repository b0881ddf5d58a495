"""The power list API under /api/v1/powers: items, flowcharts, discretion standards, risk links,
the catalogues and reports; the unit-wide read scope, the cleanup and flow rules, errors."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lianfang.accounts.roles import Role
from lianfang.accounts.services import token_create
from lianfang.core.models import AuditEntry, DictItem
from lianfang.powers.models import (
    CATEGORY_DICT,
    Category,
    Decision,
    DiscretionStandard,
    FlowStep,
    FlowTransition,
    PowerItem,
    Process,
    Regulation,
    RiskLink,
)
from lianfang.risks.models import Step

from .factories import DepartmentFactory, PersonFactory, UnitFactory, UserFactory
from .power_factories import (
    DiscretionStandardFactory,
    PowerItemFactory,
    RegulationFactory,
    RiskLinkFactory,
    simple_flow,
)
from .risk_factories import MeasureFactory, RiskPointFactory
from .support.scope_leaks import leaks

API = "/api/v1/powers"
NEW_CODE = "4406000020300101"


def _api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(actor=user, user=user)}")


@pytest.fixture
def sub_users(org):
    """A cadre and a legal-office worker of the sub unit (局属中心)."""
    return {
        "sub_staff": UserFactory(
            username="sub_staff", person=org.people.sub_clerk, roles=[Role.STAFF]
        ),
        "sub_legal": UserFactory(
            username="sub_legal",
            person=PersonFactory(name="孙法制", department=org.sub_office),
            roles=[Role.LEGAL],
        ),
    }


@pytest.fixture
def api(personas, sub_users):
    """A client per persona (and per sub-unit user), made on first use."""
    clients = {}

    def get(name):
        if name not in clients:
            user = sub_users[name] if name in sub_users else getattr(personas, name)
            clients[name] = _api(user)
        return clients[name]

    return get


def _send(client, method, path, payload=None):
    return getattr(client, method)(f"{API}{path}", payload or {}, content_type="application/json")


def _fields(response) -> set[str]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    return {e["field"] for e in body["errors"]}


def _item(org, **extra) -> PowerItem:
    return PowerItemFactory(department=extra.pop("department", org.approval), **extra)


def _new_item(org, **extra) -> dict:
    return {
        "unit": org.bureau.pk,
        "department": org.approval.pk,
        "posts": [org.posts.approver.pk],
        "code": NEW_CODE,
        "name": "对营业性演出的审批",
        "category": "license",
        "basis_set": [
            {
                "document": "《营业性演出管理条例》",
                "article": "第六条",
                "excerpt": "设立演出经纪机构",
            }
        ],
        "responsibilities": [{"stage": "受理责任", "content": "公示应当提交的材料"}],
        "legal_limit": 20,
        "promised_limit": 10,
        "supervision_phone": "0871-12345678",
        "decision_year": 2026,
        **extra,
    }


def _flow(org, **changes) -> dict:
    """start → 受理 → 审查 (decision) → 决定 → end, or 审查 → end."""
    steps = [
        {"key": "start", "kind": "start", "name": "申请"},
        {
            "key": "accept",
            "kind": "step",
            "name": "受理",
            "post": org.posts.approver.pk,
            "limit_days": 2,
            "documents": "受理通知书",
        },
        {"key": "review", "kind": "decision", "name": "审查", "limit_days": 3},
        {
            "key": "decide",
            "kind": "step",
            "name": "决定",
            "post": org.posts.director.pk,  # another department of the same unit
            "limit_days": 4,
            "supervision_point": True,
        },
        {"key": "end", "kind": "end", "name": "办结"},
    ]
    edges = [
        {"source": "start", "target": "accept"},
        {"source": "accept", "target": "review"},
        {"source": "review", "target": "decide", "condition": "符合条件"},
        {"source": "review", "target": "end", "condition": "不符合条件"},
        {"source": "decide", "target": "end"},
    ]
    return {"steps": steps, "edges": edges, **changes}


def _saved_flow(item) -> tuple[list, list]:
    steps = list(item.steps.values_list("key", "limit_days"))
    edges = list(item.transitions.values_list("source__key", "target__key", "condition"))
    return steps, edges


# Authentication, permission, scope


def test_it_answers_401_without_credentials(client, org):
    item = _item(org)
    for path in ("/items/", f"/items/{item.pk}", f"/items/{item.pk}/flow", "/categories"):
        assert client.get(f"{API}{path}").status_code == 401, path


def test_it_answers_403_to_the_administrators(api, org):
    item = _item(org)
    for path in ("/items/", f"/items/{item.pk}", f"/items/{item.pk}/flow", "/regulations/"):
        assert api("sysadmin").get(f"{API}{path}").status_code == 403, path
    assert _send(api("sysadmin"), "post", "/items/", _new_item(org)).status_code == 403


def test_it_lets_every_cadre_read_their_whole_units_power_list(api, org):
    bureau_items = [_item(org), _item(org, department=org.finance)]
    sub_item = _item(org, department=org.sub_office)

    def ids(who, query=""):
        body = api(who).get(f"{API}/items/{query}").json()
        assert body["count"] == len(body["items"])
        return {row["id"] for row in body["items"]}

    everything = {i.pk for i in bureau_items} | {sub_item.pk}
    assert ids("sub_staff") == {sub_item.pk}
    assert ids("staff") == everything  # 市局 reads its own list and its sub-unit's
    assert ids("jijian") == everything
    assert ids("legal") == everything
    assert api("sub_staff").get(f"{API}/items/{sub_item.pk}").status_code == 200
    assert api("sub_staff").get(f"{API}/items/{bureau_items[0].pk}").status_code == 404
    assert ids("jijian", f"?unit={org.sub.pk}") == {sub_item.pk}


def test_it_answers_404_for_an_item_outside_the_scope(api, org):
    item = _item(org, category=Category.PENALTY)
    steps = simple_flow(item)
    sub_staff, sub_legal = api("sub_staff"), api("sub_legal")
    for path in ("", "/flow", "/discretion"):
        assert sub_staff.get(f"{API}/items/{item.pk}{path}").status_code == 404, path
    assert _send(sub_legal, "patch", f"/items/{item.pk}", {"name": "越权"}).status_code == 404
    assert sub_legal.delete(f"{API}/items/{item.pk}").status_code == 404
    assert _send(sub_legal, "put", f"/items/{item.pk}/flow", _flow(org)).status_code == 404
    response = _send(sub_legal, "put", f"/items/{item.pk}/discretion", {"rows": []})
    assert response.status_code == 404
    assert sub_legal.get(f"{API}/items/999999").status_code == 404
    item.refresh_from_db()
    assert item.name != "越权"
    assert set(item.steps.values_list("pk", flat=True)) == {s.pk for s in steps.values()}


def test_it_filters_the_list(api, org):
    target = _item(org, category=Category.PENALTY, name="对擅自从事营业性演出的处罚")
    _item(org, department=org.finance, published=True)
    _item(org, decision=Decision.CANCEL, decision_reason="无法律依据")
    jijian = api("jijian")

    def ids(query):
        response = jijian.get(f"{API}/items/?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["items"]}

    assert ids("category=penalty") == {target.pk}
    assert ids("q=擅自从事") == {target.pk}
    assert ids(f"q={target.code[:12]}") >= {target.pk}
    assert len(ids(f"department={org.approval.pk}")) == 2
    assert len(ids("decision=cancel")) == 1
    assert len(ids("published=true")) == 1
    assert "category" in _fields(jijian.get(f"{API}/items/?category=gossip"))


def test_it_lists_in_a_bounded_number_of_queries(api, org, django_assert_max_num_queries):
    legal = api("legal")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert legal.get(f"{API}/items/").status_code == 200
        return len(ctx.captured_queries)

    _item(org, posts=[org.posts.approver])
    queries()  # the token's first use is recorded once
    before = queries()
    for department in (org.approval, org.finance, org.office) * 4:
        _item(org, department=department, posts=[org.posts.approver])
    with django_assert_max_num_queries(before):
        assert len(legal.get(f"{API}/items/").json()["items"]) == 13


# Reading one item


def test_it_shows_an_item_with_its_bases_responsibilities_posts_and_labels(api, org):
    DictItem.objects.filter(dict_type__code=CATEGORY_DICT, code="inspection").update(
        label="行政监督"
    )
    parent = _item(org)
    item = _item(
        org,
        parent=parent,
        category=Category.INSPECTION,
        posts=[org.posts.approver],
        basis_implement=[
            {"document": "《娱乐场所管理条例》", "article": "第九条", "excerpt": "摘录"}
        ],
        responsibilities=[{"stage": "检查责任", "content": "依法实施检查"}],
        fee_basis="《行政事业性收费标准》",
        fee_amount="12.50",
    )
    body = api("staff").get(f"{API}/items/{item.pk}").json()
    assert (body["id"], body["code"], body["name"]) == (item.pk, item.code, item.name)
    assert (body["category"], body["category_label"]) == ("inspection", "行政监督")
    assert (body["unit"], body["unit_name"]) == (org.bureau.pk, "市局")
    assert (body["department"], body["department_name"]) == (org.approval.pk, "审批科")
    assert (body["parent"], body["parent_name"]) == (parent.pk, parent.name)
    assert body["posts"] == [org.posts.approver.pk]
    assert body["basis_set"] == [
        {"document": "《营业性演出管理条例》", "article": "第六条", "excerpt": ""}
    ]
    assert body["basis_implement"] == [
        {"document": "《娱乐场所管理条例》", "article": "第九条", "excerpt": "摘录"}
    ]
    assert body["responsibilities"] == [{"stage": "检查责任", "content": "依法实施检查"}]
    assert (body["decision"], body["decision_label"]) == ("keep", "保留")
    assert (body["legal_limit"], body["promised_limit"]) == (20, 10)
    assert float(body["fee_amount"]) == 12.5
    row = api("staff").get(f"{API}/items/?category=inspection").json()["items"][0]
    assert (row["id"], row["category_label"]) == (item.pk, "行政监督")


# Writing items


def test_it_creates_an_item_for_the_legal_office_and_audits_it(api, personas, org):
    response = _send(api("legal"), "post", "/items/", _new_item(org))
    assert response.status_code == 201, response.content
    body = response.json()
    item = PowerItem.objects.get(pk=body["id"])
    assert (item.code, item.unit, item.department) == (NEW_CODE, org.bureau, org.approval)
    assert list(item.posts.all()) == [org.posts.approver]
    assert item.basis_set[0]["article"] == "第六条"
    assert body["responsibilities"] == [{"stage": "受理责任", "content": "公示应当提交的材料"}]
    assert (body["category_label"], body["decision"]) == ("行政许可", "keep")
    entry = AuditEntry.objects.get(action="create", object_type="powers.poweritem")
    assert (entry.actor, entry.object_id) == (personas.legal, str(item.pk))


def test_it_refuses_a_cadre_without_the_power_list_permission(api, org):
    item = _item(org)
    staff = api("staff")
    assert _send(staff, "post", "/items/", _new_item(org)).status_code == 403
    assert _send(staff, "patch", f"/items/{item.pk}", {"name": "改名"}).status_code == 403
    assert staff.delete(f"{API}/items/{item.pk}").status_code == 403
    assert _send(staff, "put", f"/items/{item.pk}/flow", _flow(org)).status_code == 403
    assert PowerItem.objects.count() == 1
    assert not FlowStep.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "HB-001"}, "code"),
        ({"legal_limit": 10, "promised_limit": 15}, "promised_limit"),
        ({"basis_set": []}, "basis_set"),
        ({"decision": "new"}, "procedure_ref"),
        ({"decision": "cancel"}, "decision_reason"),
        ({"fee_amount": "20.00"}, "fee_basis"),
        ({"category": "gossip"}, "category"),
        ({"legal_limit": -1}, "legal_limit"),
        ({"basis_set": [{"document": "营业性演出管理条例"}]}, "basis_set.0.document"),
        ({"department": "finance"}, "department"),
        ({"posts": [999999]}, "posts"),
    ],
)
def test_it_answers_400_naming_the_field_of_a_bad_item(api, org, change, field):
    response = _send(api("legal"), "post", "/items/", _new_item(org, **change))
    assert field in _fields(response)
    assert not PowerItem.objects.exists()


def test_it_refuses_a_department_and_posts_that_do_not_fit_the_unit(api, org):
    legal = api("legal")
    response = _send(legal, "post", "/items/", _new_item(org, department=org.sub_office.pk))
    assert "department" in _fields(response)
    response = _send(legal, "post", "/items/", _new_item(org, posts=[org.posts.cashier.pk]))
    assert "posts" in _fields(response)
    other = DepartmentFactory()  # another bureau: outside the legal office's scope
    response = _send(legal, "post", "/items/", _new_item(org, department=other.pk))
    assert "department" in _fields(response)
    assert not PowerItem.objects.exists()


def test_it_keeps_a_cancelled_item_from_coming_back_without_a_legal_procedure(api, org):
    _item(
        org,
        name="对营业性演出的审批",
        decision=Decision.CANCEL,
        decision_year=2024,
        decision_reason="上位法已取消",
    )
    legal = api("legal")
    response = _send(legal, "post", "/items/", _new_item(org))
    assert _fields(response) == {"procedure_ref"}
    assert "对营业性演出的审批" in response.json()["detail"]
    assert PowerItem.objects.count() == 1
    payload = _new_item(org, procedure_ref="云政发〔2026〕3号")
    assert _send(legal, "post", "/items/", payload).status_code == 201


def test_it_patches_only_the_given_fields(api, personas, org):
    item = _item(org, supervision_phone="0871-1")
    response = _send(
        api("legal"), "patch", f"/items/{item.pk}", {"promised_limit": 8, "relief": "行政复议"}
    )
    assert response.status_code == 200, response.content
    assert (response.json()["promised_limit"], response.json()["relief"]) == (8, "行政复议")
    item.refresh_from_db()
    assert (item.promised_limit, item.supervision_phone, item.legal_limit) == (8, "0871-1", 20)
    entry = AuditEntry.objects.get(action="update", object_type="powers.poweritem")
    assert entry.actor == personas.legal
    assert set(entry.after) == {"promised_limit", "relief"}


def test_it_answers_400_for_a_patch_that_breaks_a_rule(api, org):
    item = _item(org)
    simple_flow(item)  # 1 + 3 + 2 = 6 working days
    legal = api("legal")
    assert "promised_limit" in _fields(
        _send(legal, "patch", f"/items/{item.pk}", {"promised_limit": 30})
    )
    assert "promised_limit" in _fields(
        _send(legal, "patch", f"/items/{item.pk}", {"promised_limit": 5})
    )
    assert "basis_set" in _fields(_send(legal, "patch", f"/items/{item.pk}", {"basis_set": []}))
    assert "name" in _fields(_send(legal, "patch", f"/items/{item.pk}", {"name": None}))
    item.refresh_from_db()
    assert (item.promised_limit, len(item.basis_set), item.name) == (10, 1, item.name)


def test_it_cancels_an_item_and_takes_it_off_the_public_list(api, org):
    item = _item(org, published=True)
    payload = {"decision": "cancel", "decision_reason": "无法律依据", "decision_year": 2026}
    response = _send(api("legal"), "patch", f"/items/{item.pk}", payload)
    assert response.status_code == 200, response.content
    assert (response.json()["decision"], response.json()["published"]) == ("cancel", False)


def test_it_deletes_an_item_but_keeps_a_cancelled_one_on_record(api, org):
    item = _item(org)
    cancelled = _item(org, decision=Decision.CANCEL, decision_reason="无法律依据")
    legal = api("legal")
    assert legal.delete(f"{API}/items/{item.pk}").status_code == 204
    assert AuditEntry.objects.filter(action="delete", object_id=str(item.pk)).exists()
    assert legal.delete(f"{API}/items/{cancelled.pk}").status_code == 400
    assert list(PowerItem.objects.all()) == [cancelled]


# Flowcharts


def test_it_saves_a_whole_flow_and_reads_it_back(api, personas, org):
    item = _item(org)
    response = _send(api("legal"), "put", f"/items/{item.pk}/flow", _flow(org))
    assert response.status_code == 200, response.content
    body = response.json()
    assert [s["key"] for s in body["steps"]] == ["start", "accept", "review", "decide", "end"]
    accept = body["steps"][1]
    assert (accept["post"], accept["post_name"], accept["limit_days"]) == (
        org.posts.approver.pk,
        "审批员",
        2,
    )
    assert (accept["kind_label"], accept["documents"], accept["risks"]) == (
        "办理环节",
        "受理通知书",
        [],
    )
    decide = body["steps"][3]
    assert (decide["post_name"], decide["supervision_point"]) == ("局长", True)
    assert body["total_days"] == 9
    assert {"source": "review", "target": "end", "condition": "不符合条件"} in body["edges"]
    assert body["mermaid"].startswith("flowchart TD")
    assert "受理<br/>审批员<br/>2个工作日" in body["mermaid"]
    assert api("staff").get(f"{API}/items/{item.pk}/flow").json() == body
    assert len(_saved_flow(item)[1]) == 5
    entry = AuditEntry.objects.get(action="update", object_type="powers.poweritem")
    assert entry.actor == personas.legal


def test_it_keeps_the_risks_of_steps_that_stay_when_the_flow_changes(api, org):
    item = _item(org)
    steps = simple_flow(item)
    risk = RiskPointFactory(post=org.posts.approver, person=org.people.approver)
    MeasureFactory(risk=risk)
    RiskLinkFactory(risk=risk, item=item, step=steps["review"])
    flow = _flow(org)
    flow["steps"][2]["name"] = "实质审查"
    response = _send(api("legal"), "put", f"/items/{item.pk}/flow", flow)
    assert response.status_code == 200, response.content
    assert RiskLink.objects.get().step == steps["review"]
    assert FlowStep.objects.get(pk=steps["review"].pk).name == "实质审查"


def _one_exit(org):
    flow = _flow(org)
    flow["edges"] = [e for e in flow["edges"] if e.get("condition") != "不符合条件"]
    return flow


def _unreachable(org):
    flow = _flow(org)
    flow["steps"].insert(4, {"key": "lost", "kind": "step", "name": "归档"})
    flow["edges"].append({"source": "lost", "target": "end"})
    return flow


def _over_promised(org):
    flow = _flow(org)
    flow["steps"][3]["limit_days"] = 8  # 2 + 3 + 8 = 13 > 10
    return flow


def _foreign_post(org):
    flow = _flow(org)
    flow["steps"][1]["post"] = org.posts.sub_clerk.pk  # a post of 局属中心
    return flow


def _dangling_edge(org):
    flow = _flow(org)
    flow["edges"].append({"source": "decide", "target": "nowhere"})
    return flow


def _bad_key(org):
    flow = _flow(org)
    flow["steps"][0]["key"] = "开 始"
    return flow


@pytest.mark.parametrize(
    ("make", "field", "words"),
    [
        (_one_exit, "edges", "审查"),
        (_unreachable, "steps", "归档"),
        (_over_promised, "steps", "13"),
        (_foreign_post, "steps", "第2个环节"),
        (_dangling_edge, "edges", "nowhere"),
        (_bad_key, "steps.0.key", ""),
    ],
)
def test_it_refuses_a_bad_flow_naming_its_part_and_saves_nothing(api, org, make, field, words):
    item = _item(org)
    simple_flow(item)
    before = _saved_flow(item)
    response = _send(api("legal"), "put", f"/items/{item.pk}/flow", make(org))
    assert field in _fields(response)
    assert words in response.json()["detail"]
    assert _saved_flow(item) == before
    assert not AuditEntry.objects.filter(object_type__startswith="powers.").exists()


def test_it_shows_each_step_with_the_risks_the_caller_may_see(api, org):
    item = _item(org)
    steps = simple_flow(item)
    risk = RiskPointFactory(
        post=org.posts.approver, person=org.people.approver, level=1, title="违规受理"
    )
    measure = MeasureFactory(risk=risk, type="process", content="受理材料一次告知")
    RiskLinkFactory(risk=risk, item=item, step=steps["accept"])

    body = api("jijian").get(f"{API}/items/{item.pk}/flow").json()
    accept = next(s for s in body["steps"] if s["key"] == "accept")
    assert accept["level"] == 1
    assert accept["risks"] == [
        {
            "id": risk.pk,
            "title": "违规受理",
            "level": 1,
            "level_label": "一级（高）",
            "measures": [
                {
                    "id": measure.pk,
                    "type": "process",
                    "type_label": "流程",
                    "content": "受理材料一次告知",
                }
            ],
        }
    ]
    assert "★★★" in body["mermaid"]
    body = api("staff").get(f"{API}/items/{item.pk}/flow").json()  # not the accountant's risk
    accept = next(s for s in body["steps"] if s["key"] == "accept")
    assert (accept["level"], accept["risks"]) == (None, [])
    assert "★" not in body["mermaid"]


def test_it_removes_a_flow_with_an_empty_one(api, org):
    item = _item(org)
    simple_flow(item)
    response = _send(api("legal"), "put", f"/items/{item.pk}/flow", {"steps": [], "edges": []})
    assert response.status_code == 200, response.content
    assert (response.json()["steps"], response.json()["total_days"]) == ([], 0)
    assert not FlowStep.objects.exists()
    assert not FlowTransition.objects.exists()


def test_it_refuses_a_repeated_edge(api, org):
    item = _item(org)
    flow = _flow(org)
    flow["edges"].append({"source": "start", "target": "accept"})
    response = _send(api("legal"), "put", f"/items/{item.pk}/flow", flow)
    assert "edges" in _fields(response)


# Discretion standards


def _rows():
    return [
        {
            "circumstance": "minor",
            "description": "首次违法且及时改正的",
            "penalty_types": "警告",
        },
        {
            "circumstance": "serious",
            "description": "经责令改正拒不改正的",
            "penalty_types": "罚款",
            "amount_min": "5000.00",
            "amount_max": "10000",
        },
    ]


def test_it_replaces_the_discretion_standards_of_a_penalty(api, personas, org):
    item = _item(org, category=Category.PENALTY, name="对擅自从事营业性演出的处罚")
    DiscretionStandardFactory(item=item)
    response = _send(api("legal"), "put", f"/items/{item.pk}/discretion", {"rows": _rows()})
    assert response.status_code == 200, response.content
    body = api("staff").get(f"{API}/items/{item.pk}/discretion").json()
    assert body == response.json()
    assert body["item"] == item.pk
    assert [(r["circumstance"], r["circumstance_label"], r["order"]) for r in body["rows"]] == [
        ("minor", "轻微", 1),
        ("serious", "严重", 2),
    ]
    assert body["rows"][0]["amount_min"] is None
    assert float(body["rows"][1]["amount_max"]) == 10000
    assert DiscretionStandard.objects.filter(item=item).count() == 2
    entry = AuditEntry.objects.get(action="update", object_type="powers.poweritem")
    assert entry.actor == personas.legal


@pytest.mark.parametrize(
    ("category", "change", "field"),
    [
        (Category.LICENSE, {}, "category"),
        (Category.PENALTY, {"amount_min": "20000"}, "amount_min"),
        (Category.PENALTY, {"circumstance": "minor"}, "circumstance"),
        (Category.PENALTY, {"amount_max": "-1"}, "rows.1.amount_max"),
        (Category.PENALTY, {"circumstance": "harsh"}, "rows.1.circumstance"),
    ],
)
def test_it_refuses_bad_discretion_standards_and_keeps_the_old_ones(
    api, org, category, change, field
):
    item = _item(org, category=category)
    kept = DiscretionStandardFactory(item=item)
    rows = _rows()
    rows[1] |= change
    if change.get("circumstance") == "minor":
        rows.reverse()
        rows[0] |= {"circumstance": "serious"}
    response = _send(api("legal"), "put", f"/items/{item.pk}/discretion", {"rows": rows})
    assert field in _fields(response)
    assert list(DiscretionStandard.objects.all()) == [kept]


# Risk points on powers


def test_it_ties_a_risk_to_a_power_and_its_step_and_unties_it(api, personas, org):
    item = _item(org)
    steps = simple_flow(item)
    risk = RiskPointFactory(post=org.posts.approver, person=org.people.approver)
    MeasureFactory(risk=risk)
    legal = api("legal")
    path = f"/risks/{risk.pk}/power-link"
    assert legal.get(f"{API}{path}").status_code == 404

    response = _send(legal, "put", path, {"item": item.pk, "step": steps["review"].pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["risk"], body["item"], body["step"]) == (risk.pk, item.pk, steps["review"].pk)
    assert (body["item_code"], body["step_key"], body["step_name"]) == (item.code, "review", "审查")
    assert legal.get(f"{API}{path}").json() == body

    response = _send(legal, "put", path, {"item": item.pk, "step": None})
    assert (response.status_code, response.json()["step"]) == (200, None)
    assert RiskLink.objects.get().step is None
    assert AuditEntry.objects.filter(object_type="powers.risklink").count() == 2

    assert legal.delete(f"{API}{path}").status_code == 204
    assert not RiskLink.objects.exists()
    assert legal.delete(f"{API}{path}").status_code == 404


def test_it_refuses_to_put_a_risk_without_measures_on_a_step(api, org):
    item = _item(org)
    steps = simple_flow(item)
    risk = RiskPointFactory(post=org.posts.approver, person=org.people.approver)
    path = f"/risks/{risk.pk}/power-link"
    response = _send(api("legal"), "put", path, {"item": item.pk, "step": steps["accept"].pk})
    assert _fields(response) == {"risk"}
    assert risk.title in response.json()["detail"]
    assert not RiskLink.objects.exists()
    response = _send(api("legal"), "put", path, {"item": item.pk})
    assert response.status_code == 200, response.content


def test_it_refuses_a_step_of_another_item_and_items_and_risks_out_of_scope(api, org):
    item, other = _item(org), _item(org)
    other_steps = simple_flow(other)
    risk = RiskPointFactory(post=org.posts.approver, person=org.people.approver)
    MeasureFactory(risk=risk)
    legal, sub_legal = api("legal"), api("sub_legal")
    path = f"/risks/{risk.pk}/power-link"
    response = _send(legal, "put", path, {"item": item.pk, "step": other_steps["accept"].pk})
    assert _fields(response) == {"step"}
    sub_item = _item(org, department=org.sub_office)
    sub_risk = RiskPointFactory(post=org.posts.sub_clerk, person=org.people.sub_clerk)
    response = _send(sub_legal, "put", f"/risks/{sub_risk.pk}/power-link", {"item": item.pk})
    assert _fields(response) == {"item"}  # the bureau's item is not in 局属中心's power list
    assert _send(sub_legal, "put", path, {"item": sub_item.pk}).status_code == 404
    # a risk of 局属中心 may hang on the bureau's item, not a bureau risk on 局属中心's
    assert _send(legal, "put", path, {"item": sub_item.pk}).status_code == 400
    assert not RiskLink.objects.exists()


def test_it_lets_staff_tie_only_the_risks_they_may_edit(api, org):
    item = _item(org)
    own = RiskPointFactory(post=org.posts.accountant, person=org.people.staff)
    submitted = RiskPointFactory(
        post=org.posts.accountant, person=org.people.staff, step=Step.COLLEAGUES
    )
    others = RiskPointFactory(post=org.posts.cashier, person=org.people.cashier)
    RiskLinkFactory(risk=others, item=item)
    staff = api("staff")
    response = _send(staff, "put", f"/risks/{own.pk}/power-link", {"item": item.pk})
    assert response.status_code == 200, response.content
    response = _send(staff, "put", f"/risks/{submitted.pk}/power-link", {"item": item.pk})
    assert response.status_code == 403
    assert staff.delete(f"{API}/risks/{others.pk}/power-link").status_code == 404
    assert set(RiskLink.objects.values_list("risk", flat=True)) == {own.pk, others.pk}
    # the head of 财务科 looks after the cashier's risks
    assert api("dept_head").delete(f"{API}/risks/{others.pk}/power-link").status_code == 204


# Catalogues


def test_it_keeps_the_regulation_catalogue(api, org):
    item = _item(org)
    legal = api("legal")
    payload = {
        "unit": org.bureau.pk,
        "title": "行政审批工作规程",
        "number": "云文旅体发〔2026〕1号",
        "issuer": "市局",
        "issued_on": "2026-01-05",
        "posts": [org.posts.approver.pk],
        "power_items": [item.pk],
    }
    response = _send(legal, "post", "/regulations/", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["posts"], body["power_items"], body["status_label"]) == (
        [org.posts.approver.pk],
        [item.pk],
        "现行有效",
    )
    regulation = Regulation.objects.get()
    response = _send(legal, "patch", f"/regulations/{regulation.pk}", {"status": "repealed"})
    assert (response.status_code, response.json()["status"]) == (200, "repealed")
    assert api("staff").get(f"{API}/regulations/").json()["count"] == 1
    assert api("sub_staff").get(f"{API}/regulations/{regulation.pk}").status_code == 404
    assert _send(api("staff"), "post", "/regulations/", payload).status_code == 403
    sub_item = _item(org, department=org.sub_office)
    response = _send(legal, "post", "/regulations/", payload | {"power_items": [sub_item.pk]})
    assert response.status_code == 201, response.content  # 市局's rule governs 局属中心's power
    sibling = _item(org, department=DepartmentFactory(unit=UnitFactory(parent=org.bureau)))
    payload |= {"unit": org.sub.pk, "posts": [], "power_items": [sibling.pk]}
    response = _send(legal, "post", "/regulations/", payload)
    assert "power_items" in _fields(response)  # nor one of a sibling unit
    assert Regulation.objects.count() == 2
    assert legal.delete(f"{API}/regulations/{regulation.pk}").status_code == 204
    assert not Regulation.objects.filter(pk=regulation.pk).exists()


def test_it_keeps_the_process_catalogue(api, org):
    item = _item(org)
    legal = api("legal")
    payload = {
        "unit": org.bureau.pk,
        "department": org.approval.pk,
        "name": "演出审批业务流程",
        "power_items": [item.pk],
    }
    response = _send(legal, "post", "/processes/", payload)
    assert response.status_code == 201, response.content
    assert (response.json()["department_name"], response.json()["power_items"]) == (
        "审批科",
        [item.pk],
    )
    process = Process.objects.get()
    response = _send(legal, "patch", f"/processes/{process.pk}", {"department": org.sub_office.pk})
    assert "department" in _fields(response)
    assert api("staff").get(f"{API}/processes/{process.pk}").status_code == 200
    assert legal.delete(f"{API}/processes/{process.pk}").status_code == 204


def test_it_lists_regulations_in_a_bounded_number_of_queries(
    api, org, django_assert_max_num_queries
):
    legal = api("legal")
    item = _item(org)
    regulation = RegulationFactory(unit=org.bureau)
    regulation.power_items.set([item])
    legal.get(f"{API}/regulations/")
    with CaptureQueriesContext(connection) as ctx:
        legal.get(f"{API}/regulations/")
    for _ in range(5):
        RegulationFactory(unit=org.bureau).posts.set([org.posts.approver])
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        assert legal.get(f"{API}/regulations/").json()["count"] == 6


# Reports


def test_it_lists_the_post_catalogue(api, org):
    first = _item(org, posts=[org.posts.approver], code="4399010010100299")
    second = _item(
        org, posts=[org.posts.approver], code="4399010010100199", category=Category.PENALTY
    )
    _item(org, posts=[org.posts.approver], decision=Decision.CANCEL, decision_reason="无依据")
    _item(org, department=org.sub_office, posts=[org.posts.sub_clerk])
    body = api("legal").get(f"{API}/catalogue/posts").json()
    assert [row["post_name"] for row in body] == ["审批员", "科员"]
    approver = body[0]
    assert (approver["department_name"], approver["unit_name"]) == ("审批科", "市局")
    assert [(p["id"], p["category_label"]) for p in approver["powers"]] == [
        (second.pk, "行政处罚"),
        (first.pk, "行政许可"),
    ]
    only = api("legal").get(f"{API}/catalogue/posts?department={org.sub_office.pk}").json()
    assert [row["post"] for row in only] == [org.posts.sub_clerk.pk]
    assert len(api("sub_staff").get(f"{API}/catalogue/posts").json()) == 1


def test_it_reports_the_cleanup_per_year(api, org):
    _item(org, decision=Decision.KEEP, decision_year=2025)
    _item(org, decision=Decision.CANCEL, decision_year=2025, decision_reason="无依据")
    _item(org, decision=Decision.NEW, decision_year=2026, procedure_ref="云政发〔2026〕1号")
    _item(org, decision=Decision.NEW, decision_year=2026, procedure_ref="云政发〔2026〕2号")
    _item(org, department=org.sub_office, decision=Decision.ADJUST, decision_year=2026)
    body = api("legal").get(f"{API}/cleanup-report").json()
    assert body == [
        {"year": 2026, "keep": 0, "adjust": 1, "new": 2, "cancel": 0, "total": 3},
        {"year": 2025, "keep": 1, "adjust": 0, "new": 0, "cancel": 1, "total": 2},
    ]
    assert api("sub_staff").get(f"{API}/cleanup-report").json() == [
        {"year": 2026, "keep": 0, "adjust": 1, "new": 0, "cancel": 0, "total": 1}
    ]


def test_it_counts_items_per_category_under_the_local_labels(api, org):
    DictItem.objects.filter(dict_type__code=CATEGORY_DICT, code="inspection").update(
        label="行政监督"
    )
    _item(org, category=Category.INSPECTION)
    _item(org, category=Category.INSPECTION, published=True)
    _item(org, department=org.sub_office, category=Category.PENALTY)
    body = api("legal").get(f"{API}/categories").json()
    assert [row["code"] for row in body] == list(Category.values)
    counts = {row["code"]: (row["label"], row["count"]) for row in body}
    assert counts["inspection"] == ("行政监督", 2)
    assert counts["penalty"] == ("行政处罚", 1)
    assert counts["license"] == ("行政许可", 0)
    published = api("legal").get(f"{API}/categories?published=true").json()
    assert sum(row["count"] for row in published) == 1
    sub = {row["code"]: row["count"] for row in api("sub_staff").get(f"{API}/categories").json()}
    assert (sub["inspection"], sub["penalty"]) == (0, 1)


# The scope oracle and the schema


def test_it_shows_every_persona_exactly_its_power_list(api, org, personas, sub_users):
    for department in (org.approval, org.finance, org.sub_office, org.sub_office):
        _item(org, department=department)
    _item(org, department=DepartmentFactory())  # another bureau altogether
    users = [*vars(personas).values(), *sub_users.values()]
    assert {u.username: leaks(u) for u in users} == {u.username: [] for u in users}
    # not a vacuous pass: the three reaches really differ
    counts = {
        n: api(n).get(f"{API}/items/").json()["count"] for n in ("jijian", "staff", "sub_staff")
    }
    assert counts == {"jijian": 5, "staff": 4, "sub_staff": 2}


def test_it_lists_every_operation_in_the_openapi_schema(client, org):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    expected = {
        "/api/v1/powers/items/": {"get", "post"},
        "/api/v1/powers/items/{item_id}": {"get", "patch", "delete"},
        "/api/v1/powers/items/{item_id}/flow": {"get", "put"},
        "/api/v1/powers/items/{item_id}/discretion": {"get", "put"},
        "/api/v1/powers/risks/{risk_id}/power-link": {"get", "put", "delete"},
        "/api/v1/powers/regulations/": {"get", "post"},
        "/api/v1/powers/regulations/{pk}": {"get", "patch", "delete"},
        "/api/v1/powers/processes/": {"get", "post"},
        "/api/v1/powers/processes/{pk}": {"get", "patch", "delete"},
        "/api/v1/powers/catalogue/posts": {"get"},
        "/api/v1/powers/cleanup-report": {"get"},
        "/api/v1/powers/categories": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert set(paths[path]) == methods, path
        assert all(op["tags"] == ["权力清单"] for op in paths[path].values()), path
    operation_ids = [
        operation["operationId"] for item in paths.values() for operation in item.values()
    ]
    assert len(operation_ids) == len(set(operation_ids))
    params = {p["name"] for p in paths["/api/v1/powers/items/"]["get"]["parameters"]}
    assert params == {
        "category",
        "unit",
        "department",
        "decision",
        "published",
        "q",
        "limit",
        "offset",
    }
