"""Browser tests: Playwright driving Debian's Chromium against the live test server."""

import os
import shutil
from importlib import import_module
from pathlib import Path

import pytest
from django.core.management import call_command

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


def reseed() -> None:
    """Put back the rows the migrations seed, which a flush removes.

    Django's serialized_rollback cannot restore them here: Playwright's event loop gives this
    thread a different connection object than the one the database was serialized on.
    """
    from django.apps import apps

    import_module("lianfang.org.migrations.0002_key_areas").seed(apps, None)
    import_module("lianfang.risks.migrations.0002_default_matrix").seed(apps, None)
    import_module("lianfang.powers.migrations.0002_power_categories").seed(apps, None)


@pytest.fixture(scope="package")
def _demo_database(django_db_setup, django_db_blocker):
    """Loading the demo takes most of a browser test's time, so the browser tests share one
    copy; afterwards the database is emptied again for the tests that follow."""
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        reseed()


@pytest.fixture
def demo(_demo_database, django_db_blocker):
    """The demo bureau, committed so that the live server sees it; loaded again only when a
    transactional test (which flushes when it ends) has emptied the database since."""
    from lianfang.demo import load
    from lianfang.org.models import Unit

    with django_db_blocker.unblock():
        if not Unit.objects.exists():
            reseed()
            load(password=DEMO_PASSWORD)
        yield


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
