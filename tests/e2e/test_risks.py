import re

from lianfang.risks.models import RiskPoint, Status, Step

from .conftest import login

TITLE = "差旅费报销凭证审核把关不严"


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


def test_it_takes_a_post_risk_from_self_identification_to_collective_decision(page, demo, shoot):
    csp_errors = _csp_errors(page)
    login(page, "kezhang")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="廉政风险库").click()
    page.get_by_role("heading", name="廉政风险库").wait_for()
    page.get_by_role("link", name="登记：个人岗位廉政风险防控登记表").click()

    page.get_by_label("岗位", exact=True).select_option(label="财务审计科 · 会计岗")
    page.get_by_label("填报人").select_option(label="刘芳")
    page.get_by_label("风险类别").select_option(label="岗位职责")
    page.get_by_label("风险点", exact=True).fill(TITLE)
    page.get_by_label("风险表现形式").fill("对不合规票据、超标准支出放行报销，或虚列支出套取资金。")
    page.get_by_label("职权内容/涉及环节").fill("审核原始凭证")
    page.get_by_label("直接责任人").select_option(label="刘芳")
    page.get_by_label("公示范围").select_option(label="单位内公示")
    shoot(page, "risks-00-create")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("heading", name=TITLE).wait_for()

    page.get_by_role("link", name="评定等级").click()
    page.get_by_label("可能性").select_option(label="4 · 很可能发生")
    page.get_by_label("影响程度").select_option(label="3 · 严重（党纪政纪处分）")
    shoot(page, "risks-01-grade")
    page.get_by_role("button", name="评定").click()
    page.get_by_text("按 4×4 风险矩阵定为一级（高）").first.wait_for()

    page.get_by_role("link", name="新增防控措施").first.click()
    page.get_by_label("措施类型").select_option(label="制度")
    page.get_by_label("防控措施").fill("实行报销“初审＋复核”双人审核，超标准支出一律退回。")
    page.get_by_label("责任人").select_option(label="黄卫民")
    page.get_by_label("完成期限").fill("2026-12-31")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已保存防控措施。").wait_for()

    steps = page.get_by_role("list", name="查找环节")
    for step in ("大家提", "组织点", "群众议", "集体定"):
        page.get_by_role("button", name="提交下一环节").click()
        page.get_by_text("已提交下一环节。").wait_for()
        assert steps.locator("[aria-current=step]").inner_text().endswith(step)
    shoot(page, "risks-02-decide")
    page.get_by_label("会议日期").fill("2026-11-20")
    page.get_by_label("会议纪要文号").fill("局党组会议纪要〔2026〕12号")
    page.get_by_role("button", name="集体审定").click()
    page.get_by_text("已集体审定，风险点已生效。").wait_for()

    assert page.get_by_text("已生效", exact=True).first.is_visible()
    assert page.get_by_text("郑明远").first.is_visible()  # the bureau's principal leader
    assert page.get_by_text("一级风险由单位主要领导负责").is_visible()
    shoot(page, "risks-03-detail")
    risk = RiskPoint.objects.get(title=TITLE)
    assert (risk.status, risk.step, risk.level) == (Status.EFFECTIVE, Step.COLLECTIVE, 1)

    page.get_by_role("link", name="历史版本").click()
    page.get_by_role("link", name="查看此版本").first.wait_for()
    shoot(page, "risks-04-history")

    page.goto("/risks/")
    page.locator("#chart-heat canvas").first.wait_for()
    assert page.get_by_role("link", name=TITLE).is_visible()
    _logout(page)

    login(page, "zhiyuan")  # staff: only their own risks, no steward actions
    page.goto("/risks/")
    page.get_by_role("heading", name="廉政风险库").wait_for()
    assert page.get_by_role("link", name="复制到新年度").count() == 0
    assert page.get_by_role("link", name=TITLE).count() == 0
    fillers = page.locator("table.risk-list tbody td .help").all_inner_texts()
    assert set(fillers) == {"钱佳"}
    _logout(page)

    login(page, "jijian")  # the whole bureau
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="廉政风险库").click()
    page.locator("#chart-heat canvas").first.wait_for()
    page.locator("#chart-levels canvas").first.wait_for()
    shoot(page, "risks-05-library")
    page.get_by_role("link", name="查找进度").click()
    page.get_by_role("heading", name=re.compile("年度风险查找进度")).wait_for()
    assert page.get_by_role("link", name="财务审计科").is_visible()
    shoot(page, "risks-06-progress")
    assert csp_errors == []


def _logout(page):
    page.get_by_role("button", name="退出").click()
    page.get_by_label("账号").wait_for()
