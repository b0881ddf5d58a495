from lianfang.powers.models import PowerItem
from lianfang.risks.models import Publication, RiskPoint, Status

from .conftest import login
from .test_risks import _csp_errors

NAME = "公共文化设施开放情况登记"


def _fill_item(page):
    page.get_by_label("事项编码").fill("4399010010799900")
    page.get_by_label("事项名称").fill(NAME)
    page.get_by_label("权力类别").select_option(label="行政确认")
    page.get_by_label("实施主体").select_option(label="云溪区文化和广电旅游体育局")
    page.get_by_label("承办机构").select_option(label="云溪区文广旅体局 · 行政审批科")
    page.get_by_label("行政审批科 · 审批受理岗").check()
    page.get_by_label("设定依据").fill(
        "《艺术品经营管理办法》第五条：设立从事艺术品经营活动的经营单位……应当到其住所地县级以上人民政府文化行政部门备案。"
    )
    page.get_by_label("法定时限（工作日）").fill("15")
    page.get_by_label("承诺时限（工作日）").fill("5")
    page.get_by_label("监督电话").fill("0731-88886666")


def test_it_lets_the_legal_office_build_an_item_with_its_flowchart_for_the_public(
    page, demo, shoot
):
    csp_errors = _csp_errors(page)
    login(page, "fazhi")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="权力清单").click()
    page.get_by_role("heading", name="权力清单").wait_for()
    shoot(page, "powers-00-list")
    page.get_by_role("link", name="新增权力事项").click()
    _fill_item(page)
    page.get_by_label("承诺时限（工作日）").fill("20")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("承诺时限（20个工作日）不能超过法定时限（15个工作日）。").wait_for()
    page.get_by_label("承诺时限（工作日）").fill("5")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("heading", name=NAME).wait_for()

    # The editor starts from the usual shape; add a step, move it up, connect it.
    page.get_by_role("link", name="编辑流程图").click()
    page.get_by_role("heading", name="编辑流程图").wait_for()
    page.get_by_role("button", name="添加环节").click()
    new_row = page.locator("#steps-table tr.step-row").last
    new_row.locator("input[name$='-name']").fill("现场核查")
    new_row.locator("input[name$='-limit_days']").fill("1")
    new_row.get_by_role("button", name="上移").click()
    page.get_by_role("button", name="添加连线").click()
    edge = page.locator("#edges-table tr.edge-row").last
    edge.locator("select[name$='-source']").select_option(label="决定（decide）")
    edge.locator("select[name$='-target']").select_option(label="现场核查（s1）")
    shoot(page, "powers-01-editor")
    page.get_by_role("button", name="保存流程图").click()
    page.get_by_text("环节“现场核查”没有出口，流程走不下去。").wait_for()

    page.get_by_role("button", name="添加连线").click()
    edge = page.locator("#edges-table tr.edge-row").last
    edge.locator("select[name$='-source']").select_option(label="现场核查（s1）")
    edge.locator("select[name$='-target']").select_option(label="办结送达（end）")
    page.get_by_role("button", name="保存流程图").click()
    page.get_by_text("流程图已保存。").wait_for()
    page.locator("div.flowchart svg").wait_for()
    item = PowerItem.objects.get(name=NAME)
    assert list(item.steps.values_list("key", flat=True))[-2:] == ["s1", "end"]

    # A risk published to the public goes on the 受理 step, and so onto the portal.
    risk = (
        RiskPoint.objects.filter(
            unit=item.unit, status=Status.EFFECTIVE, publication=Publication.PUBLIC
        )
        .filter(power_link__isnull=True, measures__isnull=False)
        .first()
    )
    page.get_by_label("廉政风险点").select_option(value=str(risk.pk))
    page.get_by_label("流程环节").select_option(label="受理")
    page.get_by_role("button", name="关联风险点").click()
    page.get_by_text("风险点已关联到本事项。").wait_for()
    page.locator("table.flow-table .mark").first.wait_for()
    shoot(page, "powers-02-item")

    page.get_by_role("link", name="编辑", exact=True).click()
    page.get_by_label("向社会公开").check()
    page.get_by_role("button", name="保存").click()
    page.get_by_text("权力事项已保存。").wait_for()

    page.context.clear_cookies()
    page.goto(f"/gongkai/powers/{item.code}/")
    page.get_by_role("heading", name=NAME).wait_for()
    page.locator("div.flowchart svg").wait_for()
    page.get_by_role("cell", name=risk.title).first.wait_for()
    shoot(page, "powers-03-portal")
    assert csp_errors == []
