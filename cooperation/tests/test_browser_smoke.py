"""The portal in a real browser: logging in, navigating, switching language."""

import pytest

from conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_logs_in_and_reaches_every_area(page, office_user):
    log_in(page, office_user.username)
    assert page.url.endswith("/")
    for link, path in [
        ("Partners", "/partners/"),
        ("Agreements", "/agreements/"),
        ("Visits", "/visits/"),
        ("Mobility", "/mobility/"),
    ]:
        page.get_by_role("navigation").get_by_role("link", name=link).click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(path)
    assert page.console_errors == []
    assert page.external_requests == []


def test_an_anonymous_visitor_is_sent_to_the_login_page(page, db):
    page.goto("/agreements/")
    assert "/accounts/login/?next=/agreements/" in page.url


def test_the_language_switcher_remembers_kazakh(page, office_user):
    log_in(page, office_user.username)
    with page.expect_navigation():
        page.select_option("#language-switch", "kk")
    assert page.locator("html").get_attribute("lang") == "kk"
    page.goto("/partners/")
    assert page.locator("html").get_attribute("lang") == "kk"


def test_on_a_phone_pages_do_not_scroll_sideways_and_the_filters_fold_away(page, office_user):
    from cooperation.tests.factories import AgreementPartyFactory

    # A long title and many columns: the table scrolls inside its box, not the page.
    party = AgreementPartyFactory(agreement__title="Memorandum of understanding " * 6)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, office_user.username)
    for path in ("/", "/partners/", "/agreements/", "/visits/", "/mobility/", party.agreement.get_absolute_url()):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide on a 390px screen"

    page.goto("/agreements/")
    filters = page.locator("#list-filters")
    assert not filters.is_visible()
    page.get_by_role("button", name="Filters").click()
    filters.wait_for(state="visible")
    assert page.console_errors == []
