"""In a real browser: record that the partner approved our IIA copy, export it from the agreement's
page, upload the partner's copy with one condition changed, see that field highlighted beside ours,
take it after the confirmation page, find the agreement's condition changed with its history
saying where it came from, and the partner's approval marked outdated. Every page passes axe's
WCAG 2.1 AA checks."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from agreements.ewp.tests.test_export import exchange  # noqa: F401 (a fixture)
from conftest import log_in
from cooperation.tests.accessibility import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@override_settings(HOME_INSTITUTION_SCHAC="ietu.edu.kz")
def test_the_partners_changed_copy_is_compared_highlighted_and_taken(page, office_user, exchange):  # noqa: F811
    quota = exchange.quotas.get(places=3)
    log_in(page, office_user.username)
    page.goto(exchange.get_absolute_url())
    # The partner approved our copy as it is now (the form's defaults).
    page.get_by_role("link", name="Record an IIA approval").click()
    assert axe_violations(page) == [], describe(axe_violations(page))
    with page.expect_navigation():
        page.get_by_role("button", name="Record the approval").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(exchange.title)
    expect(page.get_by_text("changed since the partner approved it")).to_have_count(0)

    with page.expect_download() as download:
        page.get_by_role("link", name="EWP IIA (XML)").click()
    ours = open(download.value.path(), "rb").read()
    assert b"<mobilities-per-year>3</mobilities-per-year>" in ours
    theirs = ours.replace(
        b"<mobilities-per-year>3</mobilities-per-year>", b"<mobilities-per-year>6</mobilities-per-year>", 1
    )

    page.get_by_role("link", name="Compare a partner's IIA").click()
    page.get_by_label("The partner's IIA document (XML)").set_input_files(
        {"name": "gazi-iia.xml", "mimeType": "application/xml", "buffer": theirs}
    )
    page.get_by_role("button", name="Compare").click()

    gazi = page.locator("section.iia-comparison").first
    differing = gazi.locator("table.iia-conditions tr[data-state=differs]")
    expect(differing).to_have_count(1)
    expect(differing).to_have_class("table-warning")
    expect(differing.locator("th")).to_have_text("Places per year")
    expect(differing.locator("td").nth(0)).to_have_text("3")
    expect(differing.locator("td").nth(1)).to_have_text("6")
    assert axe_violations(page) == [], describe(axe_violations(page))

    gazi.get_by_role("link", name="Take their conditions…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Take the partner's conditions")
    box = page.get_by_role("checkbox")
    expect(box).to_have_count(1)
    expect(box).to_be_checked()
    assert axe_violations(page) == [], describe(axe_violations(page))
    quota.refresh_from_db()
    assert quota.places == 3  # nothing written before the confirmation

    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(exchange.title)
    expect(page.get_by_text("Their conditions were taken: 1 changed, 0 added, 0 removed.")).to_be_visible()
    quota.refresh_from_db()
    assert quota.places == 6
    assert quota.history.first().history_change_reason.startswith("Taken from gazi.edu.tr's IIA")
    # Our copy is no longer the one the partner approved: the page says so, and the list too.
    expect(page.get_by_role("link", name="changed since the partner approved it")).to_be_visible()
    page.goto("/agreements/")
    expect(page.get_by_text("changed since the partner approved it")).to_be_visible()
    assert page.console_errors == []


@override_settings(HOME_INSTITUTION_SCHAC="uw.edu.pl")
def test_an_agreement_is_created_from_the_official_vector(page, office_user, university):
    from agreements.ewp.documents import SPEC
    from agreements.models import Agreement
    from conftest import screenshot_path

    log_in(page, office_user.username)
    page.goto("/agreements/iia/compare/")
    page.get_by_label("The partner's IIA document (XML)").set_input_files(str(SPEC / "hash" / "get-response-v7.xml"))
    page.get_by_role("button", name="Compare").click()
    page.get_by_role("link", name="Create a new agreement from it…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an agreement from the partner's IIA")
    expect(page.get_by_text("places per year not yet defined")).to_be_visible()
    page.get_by_label("Name of the new partner institution").fill("Nord University")
    page.get_by_label("Its country").select_option("NO")
    page.get_by_label("Signed on").fill("2015-01-15")
    page.screenshot(path=screenshot_path("iia-create-confirm.png"), full_page=True)
    assert axe_violations(page) == [], describe(axe_violations(page))
    assert not Agreement.objects.exists()

    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("The agreement was created from the partner's IIA.")).to_be_visible()
    assert Agreement.objects.get().quotas.count() == 2
    assert page.console_errors == []
