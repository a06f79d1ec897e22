"""The shared cast of the test suite (after healthchecks): each role, and an outsider who must
be refused. Services that CI must have (PostgreSQL, Redis) fail the run when REQUIRE_SERVICES
is set instead of skipping."""

import os
from pathlib import Path

import pytest

from cooperation import roles
from cooperation.tests.factories import UnitFactory, make_user
from partners.models import Unit

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "").lower() in ("1", "true", "yes")


def service_missing(what: str) -> None:
    """Skip on a laptop without the service; fail in CI, where it must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES is set) but not available")
    pytest.skip(f"{what} is not available")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the test database is rolled back between tests,
    which no signal tells the cached dashboards about (nor the public API's request counts)."""
    from django.core.cache import caches

    for alias in ("default", "throttle"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test ends in the default language again: a request through LocaleMiddleware (the
    test client's, e.g. with Accept-Language: ru) leaves its language active in the thread, and
    the next test's labels would come out in Russian."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def university(db):
    return UnitFactory(
        name="International Engineering and Technology University", short_name="METU", kind=Unit.Kind.UNIVERSITY
    )


@pytest.fixture
def faculty(university):
    return UnitFactory(name="Faculty of Engineering", parent=university)


@pytest.fixture
def other_faculty(university):
    return UnitFactory(name="Faculty of Economics", parent=university)


@pytest.fixture
def office_user(db):
    return make_user("staff", roles.OFFICE)


@pytest.fixture
def coordinator(faculty):
    return make_user("coordinator", roles.COORDINATOR, unit=faculty)


@pytest.fixture
def other_coordinator(other_faculty):
    return make_user("other-coordinator", roles.COORDINATOR, unit=other_faculty)


@pytest.fixture
def rector(db):
    return make_user("rector", roles.RECTOR, is_staff=True)


@pytest.fixture
def outsider(db):
    """Logged in, but in no role."""
    return make_user("outsider")


@pytest.fixture
def admin_user(db):
    return make_user("admin", is_staff=True, is_superuser=True)


# Browser tests: Playwright driving Debian's Chromium (a browser download cannot work here).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        service_missing(f"Chromium ({CHROMIUM})")
    # Playwright's sync API runs an event loop in this thread; the live server's database
    # calls from the test thread are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab on the live server that records console errors and any request
    that leaves 127.0.0.1 (the portal must work on an intranet with no internet)."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    tab = context.new_page()
    tab.console_errors = []
    tab.external_requests = []
    tab.csp_violations = []
    tab.on("console", lambda message: message.type == "error" and tab.console_errors.append(message.text))
    # Chromium reports what the Content-Security-Policy refused as a console error.
    tab.on(
        "console",
        lambda message: "Content Security Policy" in message.text and tab.csp_violations.append(message.text),
    )
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    tab.on(
        "request",
        lambda request: (
            request.url.startswith(("http://", "https://"))
            and not request.url.startswith(live_server.url)
            and tab.external_requests.append(request.url)
        ),
    )
    yield tab
    context.close()
    # Every browser test fails on anything the policy refused: the page would be broken in it.
    assert tab.csp_violations == [], tab.csp_violations


SCREENSHOTS = Path(__file__).resolve().parent / "docs" / "screenshots"


def screenshot_path(name: str) -> str:
    """Where a browser test saves a screenshot: docs/screenshots/ (which the README shows) only
    when asked with UPDATE_SCREENSHOTS=1 (`make screenshots`), else a scratch folder, so that a
    test run leaves the working tree as it found it."""
    folder = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else SCREENSHOTS / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder / name)


def log_in(page, username: str, password: str = "secret") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
