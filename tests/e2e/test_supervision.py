from datetime import timedelta

from django.utils import timezone

from lianfang.core.calendar import SHANGHAI
from lianfang.powers.models import PowerItem
from lianfang.supervision.ingest import ingest
from lianfang.supervision.models import Case, Finding
from lianfang.supervision.sweep import sweep

from .conftest import login
from .test_risks import _csp_errors

NUMBER = "E2E-SP-0001"


def _case_with_a_card() -> Case:
    """A late case of one of the bureau's items, with a 暂停/恢复, swept into a red card.
    Made here unless an earlier test of the package made it already."""
    case = Case.objects.filter(external_no=NUMBER).first()
    if case is not None:
        return case
    item = (
        PowerItem.objects.filter(unit__parent__isnull=True, promised_limit__isnull=False)
        .order_by("code")
        .first()
    )
    now = timezone.now()

    def when(days, hour=10):
        moment = (now - timedelta(days=days)).astimezone(SHANGHAI)
        return moment.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()

    def row(n, kind, days, **extra):
        return {"source": "e2e", "event_id": f"{NUMBER}-{n}", "case": NUMBER, "kind": kind,
                "at": when(days), "actor": "钱佳", **extra}  # fmt: skip

    result = ingest(
        [
            row(1, "accept", 40, power_item=item.code, applicant="张小明"),
            row(2, "undertake", 39),
            row(3, "suspend", 38, reason="申请人补充现场照片"),
            row(4, "resume", 35),
            row(5, "review", 30),
        ],
        actor=None,
        source_name="e2e",
    )
    assert result.rejected == []
    sweep(now)
    return Case.objects.get(external_no=NUMBER)


def test_it_shows_the_board_a_case_and_answers_a_card(page, demo, shoot, django_db_blocker):
    with django_db_blocker.unblock():
        case = _case_with_a_card()
        card = Finding.objects.filter(case=case, level__gte=2, replied_at__isnull=True).first()
    assert card is not None
    csp_errors = _csp_errors(page)

    login(page, "jijian")
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_role("link", name="电子监察").click()
    page.get_by_role("heading", name="电子监察 · 实时监控").wait_for()
    for chart in ("#chart-trend", "#chart-departments", "#chart-items"):
        page.locator(f"{chart} canvas").wait_for()
    page.wait_for_timeout(600)  # ECharts' entry animation
    shoot(page, "supervision-00-board")

    page.get_by_role("link", name="办件查询").first.click()
    page.get_by_label("办件编号").fill(NUMBER)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name=NUMBER).click()
    page.get_by_role("heading", name=f"办件 {NUMBER}").wait_for()
    page.locator("#chart-timeline canvas").wait_for()
    assert page.locator("#applicant").inner_text().startswith(case.applicant_masked)
    page.get_by_role("link", name="查看完整信息").click()
    page.locator("#applicant").get_by_text("张小明").wait_for()
    page.get_by_text("申请人补充现场照片").first.wait_for()
    page.get_by_text("计入的工作日共").first.wait_for()
    page.wait_for_timeout(600)
    shoot(page, "supervision-01-case")

    page.context.clear_cookies()
    login(page, "juzhang")  # the bureau's principal answers the bureau's cards
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="监察卡片").click()
    page.get_by_role("heading", name="监察卡片").wait_for()
    shoot(page, "supervision-02-cards")
    page.goto(f"/supervision/cards/{card.pk}/")
    page.get_by_role("button", name="提交答复").click()  # empty: the browser refuses it
    page.get_by_label("整改答复").fill("已约谈承办人，补办结手续，今后每日核查在办件期限。")
    shoot(page, "supervision-03-card")
    page.get_by_role("button", name="提交答复").click()
    page.get_by_text("整改答复已提交。").wait_for()
    with django_db_blocker.unblock():
        card.refresh_from_db()
    assert card.reply.startswith("已约谈承办人") and card.replied_by.username == "juzhang"
    assert csp_errors == []
