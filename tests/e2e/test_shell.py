from lianfang.core.models import AuditEntry

from .conftest import login


def test_it_logs_in_and_shows_the_organisation_tree(page, demo, shoot):
    page.goto("/")
    assert "/accounts/login/" in page.url
    shoot(page, "01-login")
    login(page, "jijian")
    page.get_by_role("heading", name="您好").wait_for()
    shoot(page, "02-home-jijian")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="组织机构").click()
    page.get_by_role("heading", name="组织机构").wait_for()
    tree = page.get_by_role("tree")
    assert tree.get_by_text("云溪区文化和广电旅游体育局").first.is_visible()
    assert tree.get_by_text("财务审计科").first.is_visible()
    shoot(page, "03-org-tree-jijian")


def test_it_shows_staff_only_their_own_part_of_the_tree(page, demo, shoot):
    login(page, "zhiyuan")
    page.goto("/org/")
    tree = page.get_by_role("tree")
    links = tree.locator("ul.posts a[href^='/org/people/']").all_inner_texts()
    assert len(links) == 1  # only themselves
    shoot(page, "04-org-tree-zhiyuan")


def test_it_denies_a_page_outside_the_role_and_audits_it(page, demo, shoot):
    login(page, "zhiyuan")
    page.get_by_role("heading", name="您好").wait_for()
    nav = page.get_by_role("navigation", name="主导航")
    assert nav.get_by_role("link", name="审计日志").count() == 0
    response = page.goto("/audit/")
    assert response.status == 403
    page.get_by_role("heading", name="无权访问").wait_for()
    shoot(page, "05-denied")
    assert AuditEntry.objects.filter(action="denied", actor__username="zhiyuan").exists()


def test_it_shows_the_audit_log_to_the_audit_admin_only(page, demo, shoot):
    login(page, "auditor")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="审计日志").click()
    page.get_by_role("link", name="校验审计链").click()
    page.get_by_text("审计链完整").wait_for()
    shoot(page, "06-audit-log")


def test_it_switches_the_interface_to_english(page, demo, shoot):
    login(page, "juzhang")
    page.get_by_label("界面语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    page.get_by_role("navigation").get_by_role("link", name="Organisation").wait_for()
    shoot(page, "07-home-english")
