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
