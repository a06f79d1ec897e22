"""The main pages on the demo data in English, Russian and Kazakh: each renders with no console
error and no request leaving the machine, speaks the chosen language, and is saved as a
screenshot under docs/screenshots/ (the README shows them)."""

import pytest
from django.conf import settings

from agreements.models import Agreement
from conftest import log_in, screenshot_path
from cooperation.demo import demo_load
from cooperation.visits.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A word each page must show in each language: proof that the page is translated.
HEADINGS = {
    "partners": {"en": "Partners", "ru": "Партнёры", "kk": "Серіктестер"},
    "agreements": {"en": "Agreements", "ru": "Соглашения", "kk": "Келісімдер"},
    "visits": {"en": "Visits and events", "ru": "Визиты и мероприятия", "kk": "Сапарлар мен іс-шаралар"},
}


@pytest.fixture
def demo(transactional_db):
    demo_load(password="demo")


def test_the_main_pages_in_three_languages(page, demo):
    log_in(page, "staff", "demo")
    metu = Agreement.objects.get(registration_number="IC-2025/007")
    delegation = Visit.objects.filter(title__icontains="Ministry of Education").order_by("starts_on").first()
    pages = {
        "home": "/",
        "partners": "/partners/?country=TR",
        "agreements": "/agreements/?expiring=180",
        "agreement": metu.get_absolute_url(),
        "visits": "/visits/",
        "visit": delegation.get_absolute_url(),
        "dashboard": "/dashboard/",
        "search": "/search/?q=урумчи",
    }
    for language, _name in settings.LANGUAGES:
        if page.locator("html").get_attribute("lang") != language:
            with page.expect_navigation():
                page.select_option("#language-switch", language)
        for name, path in pages.items():
            response = page.goto(path)
            assert response.status == 200, (language, path)
            assert page.locator("html").get_attribute("lang") == language
            if name in HEADINGS:
                assert page.get_by_role("heading", level=1).inner_text() == HEADINGS[name][language]
            page.screenshot(path=screenshot_path(f"{name}-{language}.png"), full_page=False)
    assert page.console_errors == []
    assert page.external_requests == []
