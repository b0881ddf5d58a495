"""The power-list pages: list, item, form, flow editor, discretion, catalogues."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from lianfang.accounts.roles import Role
from lianfang.core.models import DictItem
from lianfang.powers import selectors
from lianfang.powers.models import Category, Decision, PowerItem, RiskLink

from .factories import UserFactory
from .power_factories import PowerItemFactory, RegulationFactory, simple_flow
from .risk_factories import MeasureFactory, RiskPointFactory


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _item(org, **kwargs):
    return PowerItemFactory(unit=org.bureau, department=org.approval, **kwargs)


def test_it_lists_the_units_power_items_with_bounded_queries(
    personas, org, django_assert_max_num_queries
):
    for _n in range(30):
        _item(org)
    client = _client(personas.staff)
    with django_assert_max_num_queries(15):
        response = client.get("/powers/")
    assert response.status_code == 200
    assert response.content.decode().count('href="/powers/') >= 30


def test_it_filters_the_list_by_category_and_text(personas, org):
    _item(org, name="营业性演出审批")
    _item(org, name="对擅自从事营业性演出的处罚", category=Category.PENALTY)
    body = _client(personas.staff).get("/powers/", {"category": "penalty"}).content.decode()
    assert "对擅自从事营业性演出的处罚" in body and "营业性演出审批</a>" not in body
    body = _client(personas.staff).get("/powers/", {"q": "审批"}).content.decode()
    assert "营业性演出审批" in body and "的处罚</a>" not in body


def test_it_hides_another_units_items(personas, org):
    item = _item(org)
    outsider = UserFactory(person=org.people.sub_clerk, roles=[Role.STAFF])
    assert _client(outsider).get(f"/powers/{item.pk}/").status_code == 404
    assert item.name not in _client(outsider).get("/powers/").content.decode()


def test_it_shows_an_item_with_its_flowchart_and_risk_table(personas, org):
    item = _item(org)
    steps = simple_flow(item)
    risk = RiskPointFactory(post=org.posts.approver, title="违规受理申请", level=1)
    MeasureFactory(risk=risk, content="受理情况当日录入系统")
    RiskLink.objects.create(risk=risk, item=item, step=steps["accept"])
    response = _client(personas.jijian).get(f"/powers/{item.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="flow-source"' in body and "flowchart TD" in body
    assert "违规受理申请" in body and "受理情况当日录入系统" in body and "★★★" in body
    assert "'unsafe-inline'" in response["Content-Security-Policy"].split("style-src")[1]
    assert "script-src 'self';" in response["Content-Security-Policy"] + ";"


def test_it_shows_only_risks_in_the_readers_scope_on_the_flowchart(personas, org):
    item = _item(org)
    steps = simple_flow(item)
    risk = RiskPointFactory(post=org.posts.approver, title="别人的风险点")
    MeasureFactory(risk=risk)
    RiskLink.objects.create(risk=risk, item=item, step=steps["accept"])
    body = _client(personas.staff).get(f"/powers/{item.pk}/").content.decode()
    assert "别人的风险点" not in body


def test_it_creates_an_item_from_the_form(personas, org):
    response = _client(personas.legal).post(
        "/powers/new/",
        {
            "code": "4399010010100500",
            "name": "旅行社设立许可",
            "category": "license",
            "unit": org.bureau.pk,
            "department": org.approval.pk,
            "posts": [org.posts.approver.pk],
            "basis_set": "《旅行社条例》第六条：申请经营国内旅游业务和入境旅游业务的……",
            "responsibilities": "受理责任：公示应当提交的材料。\n审查责任：对申请材料进行审查。",
            "legal_limit": "20",
            "promised_limit": "10",
            "decision": "keep",
            "decision_year": "2026",
        },
    )
    item = PowerItem.objects.get(name="旅行社设立许可")
    assert response.status_code == 302
    assert item.basis_set[0]["document"] == "《旅行社条例》"
    assert item.responsibilities[1] == {"stage": "审查责任", "content": "对申请材料进行审查。"}


def test_it_names_the_field_of_a_bad_basis_line_and_saves_nothing(personas, org):
    response = _client(personas.legal).post(
        "/powers/new/",
        {
            "code": "4399010010100500",
            "name": "旅行社设立许可",
            "category": "license",
            "unit": org.bureau.pk,
            "department": org.approval.pk,
            "basis_set": "旅行社条例第六条",
            "decision": "keep",
            "decision_year": "2026",
        },
    )
    assert response.status_code == 200
    assert "第1行应以《文件名称》开头" in response.content.decode()
    assert not PowerItem.objects.exists()


def test_it_edits_an_item_and_shows_the_rebound_rule(personas, org):
    cancelled = _item(org, name="旧事项", decision=Decision.CANCEL)
    item = _item(org)
    response = _client(personas.legal).post(
        f"/powers/{cancelled.pk}/edit/",
        {
            "code": cancelled.code,
            "name": cancelled.name,
            "category": "license",
            "unit": org.bureau.pk,
            "department": org.approval.pk,
            "basis_set": "《营业性演出管理条例》第六条",
            "decision": "keep",
            "decision_year": "2026",
        },
    )
    assert response.status_code == 200
    assert "须经法定程序才能恢复" in response.content.decode()
    cancelled.refresh_from_db()
    assert cancelled.is_cancelled
    assert _client(personas.legal).get(f"/powers/{item.pk}/edit/").status_code == 200


def test_it_refuses_the_forms_to_readers(personas, org):
    item = _item(org)
    client = _client(personas.staff)
    for url in ("/powers/new/", f"/powers/{item.pk}/edit/", f"/powers/{item.pk}/flow/"):
        assert client.get(url).status_code == 403


def test_it_offers_a_skeleton_for_a_new_flow(personas, org):
    item = _item(org)
    body = _client(personas.legal).get(f"/powers/{item.pk}/flow/").content.decode()
    assert 'value="accept"' in body and "不符合条件" in body


def _flow_post(steps, edges) -> dict:
    data = {
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
        "edges-TOTAL_FORMS": str(len(edges)),
        "edges-INITIAL_FORMS": "0",
    }
    for i, (key, kind, name, days) in enumerate(steps):
        data |= {
            f"steps-{i}-key": key,
            f"steps-{i}-kind": kind,
            f"steps-{i}-name": name,
            f"steps-{i}-limit_days": str(days),
            f"steps-{i}-ORDER": str(i + 1),
        }
    for i, (source, target, condition) in enumerate(edges):
        data |= {
            f"edges-{i}-source": source,
            f"edges-{i}-target": target,
            f"edges-{i}-condition": condition,
        }
    return data


STEPS = [
    ("s1", "start", "申请", 0),
    ("s2", "step", "受理", 1),
    ("s3", "decision", "审查", 2),
    ("s4", "end", "办结", 0),
]


def test_it_saves_a_flow_from_the_editor(personas, org):
    item = _item(org)
    edges = [("s1", "s2", ""), ("s2", "s3", ""), ("s3", "s4", "准予"), ("s3", "s2", "补正")]
    response = _client(personas.legal).post(f"/powers/{item.pk}/flow/", _flow_post(STEPS, edges))
    assert response.status_code == 302
    assert list(item.steps.values_list("name", flat=True)) == ["申请", "受理", "审查", "办结"]


def test_it_saves_steps_in_the_order_chosen(personas, org):
    item = _item(org)
    data = _flow_post(
        STEPS, [("s1", "s2", ""), ("s2", "s3", ""), ("s3", "s4", "是"), ("s3", "s2", "否")]
    )
    data["steps-1-ORDER"], data["steps-2-ORDER"] = "3", "2"
    _client(personas.legal).post(f"/powers/{item.pk}/flow/", data)
    assert list(item.steps.values_list("key", flat=True)) == ["s1", "s3", "s2", "s4"]


def test_it_explains_a_broken_flow_and_saves_nothing(personas, org):
    item = _item(org)
    edges = [("s1", "s2", ""), ("s2", "s3", ""), ("s3", "s4", "准予")]
    response = _client(personas.legal).post(f"/powers/{item.pk}/flow/", _flow_post(STEPS, edges))
    assert response.status_code == 200
    assert "判断环节“审查”须至少有两个出口" in response.content.decode()
    assert not item.steps.exists()


def test_it_links_a_risk_to_a_step_from_the_item_page(personas, org):
    item = _item(org)
    steps = simple_flow(item)
    risk = RiskPointFactory(post=org.posts.approver)
    MeasureFactory(risk=risk)
    response = _client(personas.legal).post(
        f"/powers/{item.pk}/risks/", {"link-risk": risk.pk, "link-step": steps["accept"].pk}
    )
    assert response.status_code == 302
    assert RiskLink.objects.get(risk=risk).step == steps["accept"]


def test_it_saves_discretion_standards_from_the_page(personas, org):
    item = _item(org, category=Category.PENALTY)
    response = _client(personas.legal).post(
        f"/powers/{item.pk}/discretion/",
        {
            "rows-TOTAL_FORMS": "2",
            "rows-INITIAL_FORMS": "0",
            "rows-0-circumstance": "minor",
            "rows-0-description": "初次违法并及时改正的",
            "rows-0-penalty_types": "警告",
            "rows-1-circumstance": "serious",
            "rows-1-description": "拒不改正的",
            "rows-1-penalty_types": "罚款",
            "rows-1-amount_min": "10000",
            "rows-1-amount_max": "30000",
        },
    )
    assert response.status_code == 302
    assert item.discretion.count() == 2


def test_it_has_no_discretion_page_for_a_licence(personas, org):
    item = _item(org)
    assert _client(personas.legal).get(f"/powers/{item.pk}/discretion/").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/powers/catalogue/posts/", "/powers/regulations/", "/powers/processes/", "/powers/cleanup/"],
)
def test_it_shows_the_catalogues(personas, org, url):
    item = _item(org, name="演出审批目录项")
    item.posts.set([org.posts.approver])
    RegulationFactory(unit=org.bureau, title="行政审批工作规程").power_items.set([item])
    response = _client(personas.staff).get(url)
    assert response.status_code == 200


def test_it_lists_each_posts_powers(personas, org):
    item = _item(org, name="演出审批目录项")
    item.posts.set([org.posts.approver])
    body = _client(personas.staff).get("/powers/catalogue/posts/").content.decode()
    assert "审批员" in body and "演出审批目录项" in body


def test_it_registers_a_regulation(personas, org):
    response = _client(personas.legal).post(
        "/powers/regulations/new/",
        {"unit": org.bureau.pk, "title": "首问负责制度", "issuer": "市局", "status": "in_force"},
    )
    assert response.status_code == 302
    body = _client(personas.staff).get("/powers/regulations/").content.decode()
    assert "首问负责制度" in body


def test_it_counts_cleanup_decisions_per_year(personas, org):
    _item(org, decision=Decision.CANCEL, decision_year=2025)
    _item(org, decision=Decision.KEEP, decision_year=2025)
    body = _client(personas.staff).get("/powers/cleanup/").content.decode()
    assert "<td>2025</td>" in body


def test_it_names_categories_in_the_readers_language_unless_the_bureau_renamed_them(db):
    with override("en"):
        assert selectors.category_labels()["license"] == "Administrative licensing"
    DictItem.objects.filter(dict_type__code="power_category", code="inspection").update(
        label="行政监督"
    )
    with override("en"):
        assert selectors.category_labels()["inspection"] == "行政监督"


def test_it_shows_an_item_in_the_same_number_of_queries_however_many_risks(personas, org):
    def queries(risks: int) -> int:
        item = _item(org)
        steps = simple_flow(item)
        for _n in range(risks):
            risk = RiskPointFactory(post=org.posts.approver)
            MeasureFactory(risk=risk)
            RiskLink.objects.create(risk=risk, item=item, step=steps["accept"])
        client = _client(personas.jijian)
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/powers/{item.pk}/").status_code == 200
        return len(context)

    assert queries(1) == queries(8)
