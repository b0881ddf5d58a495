"""The public portal in a browser: an anonymous visitor searches, opens an item, and reads its
drawn flowchart and its risk points and measures; without JavaScript the table still reads."""

from datetime import date

import pytest

from lianfang.powers.models import Category, Circumstance
from lianfang.risks.models import Level, MeasureType, Publication, Register, Status

from ..factories import DepartmentFactory, PersonFactory, PostFactory, UnitFactory
from ..power_factories import (
    DiscretionStandardFactory,
    PowerItemFactory,
    RegulationFactory,
    RiskLinkFactory,
    simple_flow,
)
from ..risk_factories import MeasureFactory, RiskPointFactory

BUREAU = "云溪区文化和广电旅游体育局"
PHONE = "0739-5201234"
ITEM = "营业性演出审批"


def _csp_errors(page) -> list[str]:
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return errors


@pytest.fixture
def bureau(transactional_db, settings):
    """A small bureau with a published power list, committed for the live server."""
    settings.SUPERVISION_PHONE = PHONE
    unit = UnitFactory(name=BUREAU, short_name="区文旅体局", code="YXWLT")
    approval = DepartmentFactory(unit=unit, name="行政审批科", code="YX-SPK")
    enforcement = DepartmentFactory(unit=unit, name="文化市场综合执法大队", code="YX-ZFDD")
    market = DepartmentFactory(unit=unit, name="文化市场管理科", code="YX-SCK")
    reviewer = PostFactory(department=approval, name="审批岗")
    clerk = PersonFactory(name="刘芳", department=approval, unit=unit)

    licence = PowerItemFactory(
        department=approval,
        name=ITEM,
        published=True,
        basis_set=[
            {
                "document": "《营业性演出管理条例》",
                "article": "第六条",
                "excerpt": "文艺表演团体申请从事营业性演出活动，应当向县级人民政府文化主管部门"
                "提出申请。",
            }
        ],
        basis_implement=[
            {"document": "《营业性演出管理条例实施细则》", "article": "第八条", "excerpt": ""}
        ],
        responsibilities=[
            {"stage": "受理责任", "content": "公示应当提交的材料，一次性告知补正材料。"},
            {"stage": "审查责任", "content": "对申请材料进行审查，提出审查意见。"},
            {"stage": "决定责任", "content": "作出准予或者不予许可的决定，不予许可的说明理由。"},
        ],
        accountability="对符合法定条件的申请不予受理的；违法收取费用的；索取或者收受他人财物的。",
        relief="申请人对许可决定不服的，可以依法申请行政复议或者提起行政诉讼。",
        posts=[reviewer],
    )
    steps = simple_flow(licence)
    for key, post, documents in (
        ("accept", reviewer, "受理通知书"),
        ("review", reviewer, "审查意见表"),
        ("decide", reviewer, "营业性演出许可证"),
    ):
        steps[key].post = post
        steps[key].documents = documents
        steps[key].supervision_point = key == "review"
        steps[key].save(update_fields=["post", "documents", "supervision_point"])

    def risk(title, manifestation, level, publication, step, measures):
        point = RiskPointFactory(
            register=Register.DEPARTMENT,
            post=None,
            department=approval,
            unit=unit,
            person=None,
            responsible_person=clerk,
            title=title,
            manifestation=manifestation,
            level=level,
            status=Status.EFFECTIVE,
            publication=publication,
        )
        for content in measures:
            MeasureFactory(risk=point, content=content, owner=clerk, type=MeasureType.PROCESS)
        RiskLinkFactory(risk=point, item=licence, step=steps[step])

    risk(
        "审查标准把握不一",
        "对申请材料审查时降低或提高标准，为关系人开“绿灯”或故意刁难。",
        Level.ONE,
        Publication.PUBLIC,
        "review",
        ["审查标准、办理流程在大厅和网站公开", "实行审查、决定分离，重大事项集体研究"],
    )
    risk(
        "超时限受理",
        "无正当理由拖延受理，或不一次性告知需补正的材料。",
        Level.THREE,
        Publication.PUBLIC,
        "accept",
        ["执行首问负责制和限时办结制，电子监察系统自动预警"],
    )
    risk("内部掌握的风险", "仅内部掌握。", Level.TWO, Publication.INTERNAL, "decide", ["内部措施"])

    for n, (name, category, department) in enumerate(
        [
            ("娱乐场所从事娱乐活动审批", Category.LICENSE, approval),
            ("互联网上网服务营业场所经营单位设立审批", Category.LICENSE, approval),
            ("旅行社设立许可", Category.LICENSE, approval),
            ("对擅自从事营业性演出经营活动的处罚", Category.PENALTY, enforcement),
            ("对娱乐场所违反营业时间规定的处罚", Category.PENALTY, enforcement),
            ("对文化市场经营单位的日常检查", Category.INSPECTION, market),
            ("对优秀群众文化团队的奖励", Category.REWARD, market),
        ]
    ):
        item = PowerItemFactory(department=department, name=name, category=category, published=True)
        if category == Category.PENALTY and n == 3:
            DiscretionStandardFactory(item=item, circumstance=Circumstance.MINOR, order=1)
    regulation = RegulationFactory(
        unit=unit, title="行政审批“两集中、两到位”工作制度", issued_on=date(2024, 3, 15)
    )
    regulation.power_items.set([licence])
    RegulationFactory(unit=unit, title="文化市场行政执法全过程记录制度", issued_on=date(2023, 9, 1))
    return licence


def test_it_lets_a_visitor_find_an_item_and_read_its_flowchart(page, bureau, shoot):
    csp_errors = _csp_errors(page)
    page.goto("/gongkai/")
    page.get_by_role("heading", name="权力清单公开", level=1).wait_for()
    assert page.get_by_role("link", name=BUREAU).is_visible()
    assert page.locator("footer").get_by_text(PHONE).is_visible()
    shoot(page, "portal-home")

    page.get_by_label("查找权力事项").fill("演出")
    page.locator("form.portal-bigsearch").get_by_role("button", name="搜索").click()
    page.get_by_role("heading", name="权力清单", level=1).wait_for()
    results = page.locator("table.portal-table tbody tr")
    assert results.count() == 2  # the licence and the penalty on unlicensed performances
    shoot(page, "portal-list")

    page.get_by_role("link", name=ITEM).click()
    page.get_by_role("heading", name=ITEM, level=1).wait_for()
    page.locator("div.flowchart svg").wait_for()
    assert page.locator("div.flowchart svg").get_by_text("审查").first.is_visible()
    table = page.locator("table.portal-risks")
    assert table.get_by_text("审查标准把握不一").is_visible()
    assert table.get_by_text("实行审查、决定分离，重大事项集体研究").is_visible()
    assert table.get_by_text("★★★").first.is_visible()
    assert page.get_by_text("内部掌握的风险").count() == 0
    assert page.get_by_text("刘芳").count() == 0
    shoot(page, "portal-item")
    assert csp_errors == []


def test_it_reads_the_item_without_javascript(browser, live_server, bureau, shoot):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"/gongkai/powers/{bureau.code}/")
        table = page.locator("table.portal-risks")
        for text in ("工作流程", "廉政风险点", "防控措施", "受理", "审查"):
            assert table.get_by_text(text).first.is_visible()
        assert table.get_by_text("审查标准把握不一").is_visible()
        assert page.get_by_text("流程图需浏览器启用脚本后显示").is_visible()
    finally:
        context.close()
