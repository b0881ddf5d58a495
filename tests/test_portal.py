"""The public portal (/gongkai/): no login, published items only, public risks only, no internal
field, everything escaped, cacheable, readable without JavaScript."""

import json
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianfang.powers.models import Category, Circumstance, Decision, RegulationStatus
from lianfang.risks.models import Level, MeasureStatus, Publication, Status

from .power_factories import (
    DiscretionStandardFactory,
    PowerItemFactory,
    RegulationFactory,
    RiskLinkFactory,
    simple_flow,
)
from .risk_factories import MeasureFactory, RiskPointFactory

PHONE = "0739-12345678"
BUREAU_PHONE = "0739-12340000"
REASON = "清理理由不宜公开甲"
PROCEDURE = "局党组会议纪要〔2026〕99号"


@pytest.fixture(autouse=True)
def _phone(settings):
    settings.SUPERVISION_PHONE = BUREAU_PHONE


def _risk(org, title, *, publication, status=Status.EFFECTIVE, level=Level.TWO, measure=""):
    risk = RiskPointFactory(
        post=org.posts.approver,
        person=org.people.approver,
        responsible_person=org.people.approver,
        title=title,
        manifestation=f"{title}的表现",
        status=status,
        publication=publication,
        level=level,
    )
    if measure:
        MeasureFactory(risk=risk, content=measure, owner=org.people.head)
    return risk


@pytest.fixture
def item(org):
    """A published licence with a flow; risk points of every publication scope on its steps."""
    power = PowerItemFactory(
        department=org.approval,
        name="营业性演出审批",
        published=True,
        basis_implement=[
            {"document": "《营业性演出管理条例实施细则》", "article": "第八条", "excerpt": "申请…"}
        ],
        responsibilities=[{"stage": "受理责任", "content": "公示应当提交的材料"}],
        accountability="对符合法定条件的申请不予受理的",
        supervision_phone=PHONE,
        relief="可依法申请行政复议或者提起行政诉讼。",
        decision=Decision.NEW,
        decision_reason=REASON,
        procedure_ref=PROCEDURE,
        posts=[org.posts.approver],
    )
    steps = simple_flow(power)
    public = _risk(
        org, "审查把关不严", publication=Publication.PUBLIC, level=Level.ONE, measure="双人审查"
    )
    MeasureFactory(risk=public, content="已取消的措施", status=MeasureStatus.CANCELLED)
    internal = _risk(org, "内部风险点甲", publication=Publication.INTERNAL, measure="内部措施甲")
    unit_only = _risk(org, "单位内公示风险点乙", publication=Publication.UNIT, measure="单位措施乙")
    draft = _risk(org, "未生效风险点丙", publication=Publication.PUBLIC, status=Status.IN_PROGRESS)
    whole = _risk(org, "全过程风险点丁", publication=Publication.PUBLIC, measure="全程留痕")
    RiskLinkFactory(risk=public, item=power, step=steps["review"])
    RiskLinkFactory(risk=internal, item=power, step=steps["accept"])
    RiskLinkFactory(risk=unit_only, item=power, step=steps["decide"])
    RiskLinkFactory(risk=draft, item=power, step=steps["decide"])
    RiskLinkFactory(risk=whole, item=power, step=None)
    return power


HIDDEN = [
    "内部风险点甲",
    "内部措施甲",
    "单位内公示风险点乙",
    "单位措施乙",
    "未生效风险点丙",
    "已取消的措施",
    REASON,
    PROCEDURE,
]


def _people(org) -> list[str]:
    return [person.name for person in vars(org.people).values()]


def _url(power) -> str:
    return f"/gongkai/powers/{power.code}/"


def _json_url(power) -> str:
    return f"/gongkai/api/powers/{power.code}.json"


def test_it_opens_every_page_without_logging_in(client, item):
    for path in (
        "/gongkai/",
        "/gongkai/powers/",
        _url(item),
        "/gongkai/regulations/",
        "/gongkai/api/powers.json",
        _json_url(item),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "accounts/login" not in response.text, path


def test_it_wears_the_public_dress_not_the_internal_shell(client, org, item):
    text = client.get("/gongkai/").text
    assert "市局" in text  # the root unit names the site
    assert BUREAU_PHONE in text
    assert "政府信息公开条例" in text
    assert "主导航" not in text and "工作台" not in text and "退出" not in text


def test_it_gives_each_page_a_title_and_one_h1(client, item):
    for path, title in (
        ("/gongkai/", "首页"),
        ("/gongkai/powers/", "权力清单"),
        (_url(item), "营业性演出审批"),
        ("/gongkai/regulations/", "制度公开"),
    ):
        text = client.get(path).text
        assert re.search(rf"<title>{title} - 权力清单公开 - 市局</title>", text), path
        assert text.count("<h1") == 1, path


def test_it_shows_the_item_as_the_public_needs_it(client, org, item):
    text = client.get(_url(item)).text
    for expected in (
        "营业性演出审批",
        item.code,
        "行政许可",
        "设定依据",
        "《营业性演出管理条例》第六条",
        "实施依据",
        "《营业性演出管理条例实施细则》第八条",
        "实施主体",
        "市局",
        "承办机构",
        "审批科",
        "审批员",
        "法定办结时限",
        "20个工作日",
        "承诺办结时限",
        "10个工作日",
        "收费依据及标准",
        "不收费",
        "受理责任",
        "公示应当提交的材料",
        "追责情形",
        "对符合法定条件的申请不予受理的",
        PHONE,
        "救济途径",
        "可依法申请行政复议或者提起行政诉讼。",
        "权力运行流程图",
        "我要投诉",
    ):
        assert expected in text, expected


def test_it_shows_fees_when_the_item_charges(client, org):
    power = PowerItemFactory(
        department=org.approval,
        published=True,
        fee_basis="《行政事业性收费标准》",
        fee_standard="每件50元",
        fee_amount="50.00",
    )
    text = client.get(_url(power)).text
    assert "《行政事业性收费标准》" in text and "每件50元" in text and "收费金额：50元" in text
    assert "不收费" not in text


def test_it_falls_back_to_the_bureau_phone_and_takes_complaints_by_phone(client, org):
    power = PowerItemFactory(department=org.approval, published=True, supervision_phone="")
    text = client.get(_url(power)).text
    assert BUREAU_PHONE in text
    assert "请通过电话投诉" in text
    complaint = text[text.index('id="complaint"') :]
    assert "<form" not in complaint  # no dead complaint form before the complaint issue


def test_it_answers_404_for_an_unpublished_item(client, org):
    power = PowerItemFactory(department=org.approval, published=False, name="未公开事项")
    response = client.get(_url(power))
    assert response.status_code == 404
    assert "未公开事项" not in response.text
    assert "权力清单公开" in response.text  # the portal's own 404 page
    assert client.get(_json_url(power)).status_code == 404
    assert "未公开事项" not in client.get("/gongkai/powers/").text


def test_it_answers_404_for_a_cancelled_item_and_leaves_it_out_of_lists(client, org, item):
    cancelled = PowerItemFactory(
        department=org.approval, decision=Decision.CANCEL, name="已取消事项", published=False
    )
    assert client.get(_url(cancelled)).status_code == 404
    assert client.get(_json_url(cancelled)).status_code == 404
    assert "已取消事项" not in client.get("/gongkai/powers/").text
    data = client.get("/gongkai/api/powers.json").json()
    assert [r["code"] for r in data["results"]] == [item.code]
    assert data["count"] == 1


def test_it_shows_only_public_effective_risks_on_the_page(client, org, item):
    text = client.get(_url(item)).text
    for shown in ("审查把关不严", "双人审查", "全过程风险点丁", "全程留痕", "★★★"):
        assert shown in text, shown
    for hidden in HIDDEN:
        assert hidden not in text, hidden
    source = json.loads(re.search(r'id="flow-source"[^>]*>(.*?)</script>', text, re.S)[1])
    # Only the public level-1 risk marks a step; the internal level-2 one leaves no trace.
    assert source.count("★") == 3 and "class n2 level1" in source and "class n1 " not in source


def test_it_shows_only_public_effective_risks_in_the_json(client, org, item):
    data = client.get(_json_url(item)).json()
    by_key = {step["key"]: step for step in data["steps"]}
    assert [r["title"] for r in by_key["review"]["risks"]] == ["审查把关不严"]
    assert by_key["review"]["risks"][0]["measures"] == ["双人审查"]
    assert by_key["review"]["level"] == 1 and by_key["review"]["mark"] == "★★★"
    assert by_key["accept"]["risks"] == [] and by_key["accept"]["level"] is None
    assert by_key["decide"]["risks"] == []
    assert [r["title"] for r in data["unplaced_risks"]] == ["全过程风险点丁"]
    raw = json.dumps(data, ensure_ascii=False)
    for hidden in HIDDEN:
        assert hidden not in raw, hidden


def test_it_never_shows_internal_fields_or_person_names(client, org, item):
    pages = [
        client.get(path).content.decode()
        for path in ("/gongkai/", "/gongkai/powers/", _url(item), "/gongkai/api/powers.json")
    ]
    pages.append(json.dumps(client.get(_json_url(item)).json(), ensure_ascii=False))
    for text in pages:
        for hidden in (REASON, PROCEDURE, *_people(org)):
            assert hidden not in text, hidden
    detail = client.get(_json_url(item)).json()
    for key in ("decision", "decision_reason", "procedure_ref", "decision_year", "published"):
        assert key not in detail


def test_it_escapes_what_it_shows(client, org):
    evil = "<script>alert(1)</script>"
    power = PowerItemFactory(
        department=org.approval,
        published=True,
        name=f"演出{evil}审批",
        relief=evil,
        basis_set=[{"document": f"《{evil}》", "article": "第一条", "excerpt": evil}],
    )
    steps = simple_flow(power)
    steps["accept"].name = f"受理{evil}"
    steps["accept"].save(update_fields=["name"])
    risk = _risk(org, f"风险{evil}", publication=Publication.PUBLIC, measure=f"措施{evil}")
    RiskLinkFactory(risk=risk, item=power, step=steps["accept"])
    for path in (_url(power), "/gongkai/powers/", f"/gongkai/powers/?q={evil}"):
        text = client.get(path).text
        assert "<script>alert" not in text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, path
    assert client.get(_json_url(power)).json()["name"] == f"演出{evil}审批"


def test_it_lists_in_a_number_of_queries_that_does_not_grow_with_rows(
    client, org, django_assert_max_num_queries
):
    PowerItemFactory(department=org.approval, published=True)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/gongkai/powers/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(40):
        PowerItemFactory(
            department=[org.approval, org.office, org.sub_office][n % 3],
            published=True,
            category=[Category.LICENSE, Category.PENALTY][n % 2],
        )
    assert queries() == few
    with django_assert_max_num_queries(8):
        client.get("/gongkai/powers/?category=penalty")
    with django_assert_max_num_queries(8):
        client.get("/gongkai/api/powers.json?limit=500")
    with django_assert_max_num_queries(10):
        client.get("/gongkai/")


def test_it_renders_an_item_in_a_number_of_queries_that_does_not_grow_with_its_risks(
    client, org, item, django_assert_max_num_queries
):
    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    before = (queries(_url(item)), queries(_json_url(item)))
    review = item.steps.get(key="review")
    for n in range(6):
        risk = _risk(org, f"新增公开风险{n}", publication=Publication.PUBLIC, measure=f"措施{n}")
        MeasureFactory(risk=risk, content=f"另一措施{n}")
        RiskLinkFactory(risk=risk, item=item, step=review)
        sub = PowerItemFactory(department=org.approval, published=True, parent=item)
        DiscretionStandardFactory(item=item, order=n)
        RegulationFactory(unit=org.bureau).power_items.set([item, sub])
    assert (queries(_url(item)), queries(_json_url(item))) == before
    with django_assert_max_num_queries(20):
        client.get(_url(item))


def test_it_paginates_the_list_by_fifty(client, org):
    for _ in range(55):
        PowerItemFactory(department=org.approval, published=True)
    first = client.get("/gongkai/powers/").text
    assert first.count('href="/gongkai/powers/4399') == 50
    assert "第 1 / 2 页，共 55 条" in first
    assert client.get("/gongkai/powers/?page=2").text.count('href="/gongkai/powers/4399') == 5


def test_it_filters_by_category_department_and_text(client, org):
    licence = PowerItemFactory(department=org.approval, published=True, name="娱乐场所审批")
    penalty = PowerItemFactory(
        department=org.office, published=True, category=Category.PENALTY, name="对擅自演出的处罚"
    )
    sub = PowerItemFactory(department=org.sub_office, published=True, name="网吧年检")

    def names(query):
        text = client.get(f"/gongkai/powers/?{query}").text
        return {p.name for p in (licence, penalty, sub) if p.name in text}

    assert names("category=penalty") == {"对擅自演出的处罚"}
    assert names(f"department={org.approval.pk}") == {"娱乐场所审批"}
    assert names("q=网吧") == {"网吧年检"}
    assert names(f"q={penalty.code[:9]}") == {p.name for p in (licence, penalty, sub)}
    assert names(f"category=license&department={org.sub_office.pk}") == {"网吧年检"}
    # A value that is not a filter is ignored, not an error.
    response = client.get("/gongkai/powers/?category=nonsense&department=abc")
    assert response.status_code == 200
    assert "部分查询条件无效" in response.text


def test_it_uses_the_bureaus_own_category_labels(client, org, item):
    from lianfang.core.models import DictItem

    DictItem.objects.filter(dict_type__code="power_category", code="license").update(
        label="行政审批"
    )
    assert "行政审批" in client.get("/gongkai/").text
    assert "行政审批" in client.get(_url(item)).text
    assert client.get("/gongkai/api/powers.json").json()["results"][0]["category_label"] == (
        "行政审批"
    )


def test_it_shows_category_tiles_and_departments_on_the_home_page(client, org, item):
    PowerItemFactory(department=org.sub_office, published=True, category=Category.PENALTY)
    PowerItemFactory(department=org.office, published=False, category=Category.REWARD)
    text = client.get("/gongkai/").text
    assert 'href="/gongkai/powers/?category=license"' in text
    assert 'href="/gongkai/powers/?category=penalty"' in text
    assert f'href="/gongkai/powers/?department={org.approval.pk}"' in text
    assert "局属中心 · 综合科" in text
    assert f'?department={org.office.pk}"' not in text  # its only item is unpublished
    assert 'name="q"' in text


def test_it_shows_discretion_standards_of_a_penalty(client, org):
    penalty = PowerItemFactory(
        department=org.approval,
        published=True,
        category=Category.PENALTY,
        name="对未经批准举办营业性演出的处罚",
    )
    DiscretionStandardFactory(item=penalty, order=1)
    DiscretionStandardFactory(
        item=penalty,
        order=2,
        circumstance=Circumstance.SERIOUS,
        description="多次擅自举办的",
        penalty_types="罚款，吊销许可证",
        amount_min="10000.00",
        amount_max=None,
    )
    text = client.get(_url(penalty)).text
    assert "自由裁量基准" in text
    for expected in ("一般", "违法行为情节一般的", "警告，并处罚款", "5000元至10000元"):
        assert expected in text
    assert "严重" in text and "10000元以上" in text
    discretion = client.get(_json_url(penalty)).json()["discretion"]
    assert discretion[0] == {
        "circumstance": "ordinary",
        "circumstance_label": "一般",
        "description": "违法行为情节一般的",
        "penalty_types": "警告，并处罚款",
        "amount_min": "5000",
        "amount_max": "10000",
        "fine_range": "5000元至10000元",
    }


def test_it_shows_the_regulations_in_force(client, org, item):
    kept = RegulationFactory(unit=org.bureau, title="行政许可工作规程", issued_on=date(2024, 5, 6))
    kept.power_items.set([item])
    RegulationFactory(unit=org.bureau, title="已废止的规程", status=RegulationStatus.REPEALED)
    RegulationFactory(unit=org.bureau, title="内部掌握的规程", published=False)
    text = client.get("/gongkai/regulations/").text
    assert "行政许可工作规程" in text and kept.number in text and "2024-05-06" in text
    assert "已废止的规程" not in text and "内部掌握的规程" not in text
    assert "行政许可工作规程" in client.get("/gongkai/").text
    item_page = client.get(_url(item)).text
    assert "相关制度" in item_page and "行政许可工作规程" in item_page
    regulations = client.get(_json_url(item)).json()["regulations"]
    assert regulations[0]["title"] == "行政许可工作规程"
    assert regulations[0]["issued_on"] == "2024-05-06"


def test_it_shows_published_sub_items_and_the_parent(client, org, item):
    sub = PowerItemFactory(
        department=org.approval, published=True, parent=item, name="营业性演出变更审批"
    )
    PowerItemFactory(department=org.approval, published=False, parent=item, name="未公开子项")
    text = client.get(_url(item)).text
    assert "子项" in text and "营业性演出变更审批" in text and "未公开子项" not in text
    assert f'href="/gongkai/powers/{item.code}/"' in client.get(_url(sub)).text
    assert client.get(_json_url(item)).json()["sub_items"] == [
        {"code": sub.code, "name": "营业性演出变更审批"}
    ]


def test_it_reads_without_javascript(client, item):
    text = client.get(_url(item)).text
    table = text[text.index('class="portal-table portal-risks"') :]
    table = table[: table.index("</table>")]
    for expected in ("工作流程", "廉政风险点", "防控措施", "申请", "受理", "审查", "决定", "办结"):
        assert expected in table, expected
    assert "审查把关不严" in table and "双人审查" in table
    assert 'data-source="flow-source"' in text
    assert "mermaid.min.js" in text and "flowchart.js" in text


def test_it_relaxes_only_styles_on_the_flowchart_page(client, item):
    csp = client.get(_url(item)).headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert "'unsafe-inline'" in directives["style-src"]
    assert directives["script-src"] == "'self'"
    list_csp = client.get("/gongkai/powers/").headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in list_csp


def test_it_lets_caches_keep_public_answers_for_five_minutes(client, org, item):
    for path in ("/gongkai/", "/gongkai/powers/", _url(item), "/gongkai/regulations/"):
        response = client.get(path)
        assert "public" in response.headers["Cache-Control"], path
        assert "max-age=300" in response.headers["Cache-Control"], path
        assert "Cookie" in response.headers["Vary"], path  # the language is a cookie
    for path in ("/gongkai/api/powers.json", _json_url(item)):
        assert client.get(path).headers["Cache-Control"] == "public, max-age=300"
    missing = client.get("/gongkai/powers/NOPE/")
    assert missing.status_code == 404
    assert "public" not in missing.headers.get("Cache-Control", "")


def test_it_serves_the_list_as_json(client, org, item):
    PowerItemFactory(
        department=org.office, published=True, category=Category.PENALTY, name="对擅自举办的处罚"
    )
    data = client.get("/gongkai/api/powers.json").json()
    assert (data["count"], data["limit"], data["offset"]) == (2, 50, 0)
    row = next(r for r in data["results"] if r["code"] == item.code)
    assert row == {
        "code": item.code,
        "name": "营业性演出审批",
        "category": "license",
        "category_label": "行政许可",
        "unit": "市局",
        "department": "审批科",
        "legal_limit": 20,
        "promised_limit": 10,
        "url": f"http://testserver/gongkai/powers/{item.code}/",
        "api_url": f"http://testserver/gongkai/api/powers/{item.code}.json",
    }
    filtered = client.get("/gongkai/api/powers.json?category=penalty").json()
    assert filtered["count"] == 1 and filtered["results"][0]["category"] == "penalty"
    by_department = client.get(f"/gongkai/api/powers.json?department={org.approval.pk}").json()
    assert [r["code"] for r in by_department["results"]] == [item.code]
    assert client.get("/gongkai/api/powers.json?q=演出").json()["count"] == 1


def test_it_pages_the_json_with_limit_and_offset(client, org):
    codes = sorted(PowerItemFactory(department=org.approval, published=True).code for _ in range(7))
    data = client.get("/gongkai/api/powers.json?limit=3&offset=2").json()
    assert data["count"] == 7 and (data["limit"], data["offset"]) == (3, 2)
    assert [r["code"] for r in data["results"]] == codes[2:5]
    assert client.get("/gongkai/api/powers.json?limit=100000").json()["limit"] == 500


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=x", "limit"),
        ("offset=-1", "offset"),
        ("category=x", "category"),
    ],
)
def test_it_refuses_bad_json_parameters_naming_the_field(client, org, query, field):
    response = client.get(f"/gongkai/api/powers.json?{query}")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_it_serves_an_item_as_json(client, org, item):
    data = client.get(_json_url(item)).json()
    assert data["code"] == item.code and data["name"] == "营业性演出审批"
    assert data["basis_set"] == [
        {"document": "《营业性演出管理条例》", "article": "第六条", "excerpt": ""}
    ]
    assert data["unit"] == "市局" and data["department"] == "审批科"
    assert data["posts"] == ["审批员"]
    assert data["fee"] == {"charged": False, "basis": "", "standard": "", "amount": ""}
    assert data["supervision_phone"] == PHONE
    assert data["responsibilities"] == [{"stage": "受理责任", "content": "公示应当提交的材料"}]
    assert [s["key"] for s in data["steps"]] == ["start", "accept", "review", "decide", "end"]
    assert {"source": "review", "target": "end", "condition": "不符合条件"} in data["edges"]
    assert data["flowchart_mermaid"].startswith("flowchart TD")
    assert data["updated_at"].endswith("+08:00")  # Asia/Shanghai
    review = next(s for s in data["steps"] if s["key"] == "review")
    assert set(review) == {
        "key",
        "kind",
        "kind_label",
        "name",
        "post",
        "limit_days",
        "documents",
        "supervision_point",
        "level",
        "mark",
        "risks",
    }
    assert set(review["risks"][0]) == {
        "title",
        "manifestation",
        "level",
        "level_label",
        "mark",
        "measures",
    }


def test_it_refuses_anything_but_reading(client, item):
    assert client.head(_url(item)).status_code == 200
    assert client.post("/gongkai/powers/").status_code == 405
    assert client.post(_json_url(item)).status_code == 405


def test_it_answers_unknown_portal_addresses_with_its_own_404(client, org):
    response = client.get("/gongkai/nothing/here/")
    assert response.status_code == 404
    assert "权力清单公开" in response.text and "工作台" not in response.text


def test_it_shows_the_same_to_a_signed_in_cadre(client, personas, item):
    client.force_login(personas.legal)
    text = client.get(_url(item)).text
    for hidden in HIDDEN:
        assert hidden not in text, hidden
    assert "退出" not in text


def test_it_keeps_the_page_fields_public(org, item):
    from lianfang.portal import selectors

    detail = selectors.item_detail(item, {})
    flat = json.dumps(detail, ensure_ascii=False, default=str)
    for hidden in (*HIDDEN, *_people(org)):
        assert hidden not in flat, hidden
    assert detail["name"] == "营业性演出审批"
