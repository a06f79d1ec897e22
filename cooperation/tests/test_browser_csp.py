"""The Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) on every page, and the pages
that run the most script still working under it in Chromium: the entry page's autocomplete,
the dashboard's charts and map, the admin and the API's Swagger page. The page fixture
(conftest.py) fails any browser test on a refused script, style, font or image."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from conftest import log_in
from cooperation.tests.factories import AgreementFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def test_every_page_has_the_policy_and_downloads_keep_their_own(client, office_user, admin_user):
    client.force_login(office_user)
    for path in ("/", "/agreements/", "/agreements/new/", "/dashboard/", "/no-such-page/"):
        assert client.get(path)["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY, path
    policy = settings.CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert client.get("/api/docs/")["Content-Security-Policy"] == policy
    # JSON and files are no pages: no policy of ours on them.
    assert "Content-Security-Policy" not in client.get("/partners/autocomplete/?q=ab")
    client.force_login(admin_user)
    assert client.get("/admin/")["Content-Security-Policy"] == policy


def test_the_api_pages_start_up_script_is_served_from_its_own_address(client):
    page = client.get("/api/docs/").content.decode()
    assert re.search(r'<script src="/api/docs/\?[^"]*script', page)
    assert "<style>" not in page and not re.search(r"<script>", page)
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pages_that_run_script_work_under_the_policy(page, admin_user, live_server):
    partner = InstitutionFactory(name="Gazi University", country="TR")
    agreement = AgreementFactory(title="Memorandum with Gazi")
    missing = []
    page.on("response", lambda response: response.status == 404 and missing.append(response.url))
    log_in(page, admin_user.username)

    page.goto("/agreements/new/")
    page.get_by_role("combobox", name="Partner institution, row 1 — search").fill("Gazi")
    page.get_by_role("option", name=re.compile("Gazi University")).click()
    expect(page.locator("#id_parties-0-institution")).to_have_value(str(partner.pk))
    page.get_by_role("button", name="Add a party").click()
    expect(page.get_by_role("combobox", name="Partner institution, row 3 — search")).to_be_visible()

    page.goto("/dashboard/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => Object.keys(window.dashboardCharts).length") == 4
    assert page.locator("#partner-map svg path.jvm-region").count() > 150

    # The language switch submits itself (a data- attribute, no inline handler).
    with page.expect_navigation():
        page.select_option("#language-switch", "ru")
    assert page.locator("html").get_attribute("lang") == "ru"
    with page.expect_navigation():
        page.select_option("#language-switch", "en")

    page.goto("/admin/")
    page.goto(f"/admin/agreements/agreement/{agreement.pk}/change/")
    expect(page.locator("#agreement_form")).to_be_visible()
    page.goto("/admin/agreements/agreement/")
    expect(page.locator("#result_list")).to_be_visible()

    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Cooperation portal API", timeout=10000)

    assert page.csp_violations == []
    assert missing == []  # nothing a page asked for is missing
    # The admin's pages link no icon, so Chromium asks for /favicon.ico on its own (no page
    # request event): its 404 is the one console error allowed.
    assert len(page.console_errors) <= 1, page.console_errors
    assert all("404 (Not Found)" in error for error in page.console_errors), page.console_errors
    assert page.external_requests == []
