"""Browser tests: Playwright driving Debian's Chromium against the live test server."""

import os
import shutil
from importlib import import_module
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("LIANFANG_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
DEMO_PASSWORD = "Demo#2026pass"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to
# set up data are still ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        if os.environ.get("LIANFANG_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 860}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db):
    """The demo bureau, committed so that the live server sees it.

    Each transactional test ends with a flush that also removes the rows migrations seeded.
    Django's serialized_rollback cannot restore them here: Playwright's event loop gives this
    thread a different connection object than the one the database was serialized on. So the
    seeding migration runs again first.
    """
    from django.apps import apps

    from lianfang.demo import load

    import_module("lianfang.org.migrations.0002_key_areas").seed(apps, None)
    import_module("lianfang.risks.migrations.0002_default_matrix").seed(apps, None)
    import_module("lianfang.powers.migrations.0002_power_categories").seed(apps, None)

    load(password=DEMO_PASSWORD)


@pytest.fixture
def shoot():
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


def login(page, username: str, password: str = DEMO_PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
