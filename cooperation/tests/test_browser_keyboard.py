"""The portal with the keyboard alone, and read by a screen reader: an agreement with two
partners chosen through the autocomplete is entered without the mouse, a chart's data is opened
and a drill-down link followed, with the focus in sight at every stop; and every control of the
entry pages has a name of its own in Playwright's accessibility tree."""

import re
from collections import Counter

import pytest
from playwright.sync_api import expect

from agreements.models import Agreement
from conftest import log_in
from cooperation.demo import demo_load
from cooperation.tests.accessibility import switch_language
from cooperation.tests.factories import InstitutionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_RING = """() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    return {
        element: element.outerHTML.slice(0, 120),
        visible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    };
}"""


def tab_to(page, target, *, limit: int = 250, backwards: bool = False) -> int:
    """Press Tab until `target` has the focus, checking at every stop that the focused control
    shows a ring of at least 2px; the number of stops."""
    for stop in range(1, limit + 1):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring is not None:
            assert ring["visible"], f"no visible focus on {ring['element']}"
        if target.evaluate("element => element === document.activeElement"):
            return stop
    raise AssertionError(f"{target} not reached in {limit} Tab presses")


def choose_with_keyboard(page, combobox, words: str, match: str) -> None:
    page.keyboard.type(words)
    option = page.get_by_role("option", name=re.compile(re.escape(match)))
    expect(option).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="found").first).to_be_attached()
    while combobox.get_attribute("aria-activedescendant") != option.get_attribute("id"):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(combobox).to_have_attribute("aria-expanded", "false")


def test_an_agreement_with_two_partners_is_entered_with_the_keyboard_alone(page, office_user, university):
    gazi = InstitutionFactory(name="Gazi University", country="TR")
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country="KZ")
    log_in(page, office_user.username)
    page.goto("/agreements/new/")

    tab_to(page, page.locator("#id_title"))
    page.keyboard.type("Memorandum typed without a mouse")
    tab_to(page, page.locator("#id_responsible_unit"))
    page.keyboard.type(str(university))
    expect(page.locator("#id_responsible_unit")).to_have_value(str(university.pk))

    first = page.get_by_role("combobox", name="Partner institution, row 1 — search")
    tab_to(page, first)
    choose_with_keyboard(page, first, "Gazi", "Gazi University")
    second = page.get_by_role("combobox", name="Partner institution, row 2 — search")
    tab_to(page, second)
    choose_with_keyboard(page, second, "Farabi", "Al-Farabi")
    # Nothing was chosen for the user: each row holds what was picked in it.
    expect(page.locator("#id_parties-0-institution")).to_have_value(str(gazi.pk))
    expect(page.locator("#id_parties-1-institution")).to_have_value(str(kaznu.pk))

    tab_to(page, page.get_by_role("button", name="Save"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    agreement = Agreement.objects.get(title="Memorandum typed without a mouse")
    assert {party.institution_id for party in agreement.parties.all()} == {gazi.pk, kaznu.pk}
    assert page.console_errors == []


def test_a_query_with_no_match_says_so_and_keeps_the_choice(page, office_user):
    gazi = InstitutionFactory(name="Gazi University", country="TR")
    log_in(page, office_user.username)
    page.goto("/agreements/new/")
    combobox = page.get_by_role("combobox", name="Partner institution, row 1 — search")
    combobox.focus()
    choose_with_keyboard(page, combobox, "Gazi", "Gazi University")
    expect(page.get_by_role("status").filter(has_text="Chosen: Gazi University")).to_be_attached()
    page.keyboard.type("Nowhere at all")
    expect(page.get_by_role("status").filter(has_text="No partner found: the choice is unchanged.")).to_be_attached()
    expect(combobox).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#id_parties-0-institution")).to_have_value(str(gazi.pk))
    assert combobox.get_attribute("aria-controls") == "id_parties-0-institution-matches"


@pytest.fixture
def demo(transactional_db):
    demo_load(password="demo")


def test_a_charts_data_is_opened_and_a_drill_down_followed_with_the_keyboard(page, demo):
    log_in(page, "rector", "demo")
    switch_language(page, "en")
    page.goto("/dashboard/")
    chart = page.locator("section[aria-labelledby='chart-partners_by_country-title']")
    canvas = chart.locator("canvas")
    assert canvas.get_attribute("aria-describedby") == "chart-partners_by_country-data"
    table = page.locator("#chart-partners_by_country-data")
    expect(table).to_be_hidden()

    tab_to(page, chart.get_by_text("The data as a table"))
    page.keyboard.press("Enter")
    expect(table).to_be_visible()
    link = table.get_by_role("link").first
    tab_to(page, link)
    href = link.get_attribute("href")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(href)
    assert "/partners/" in page.url
    # The map is hidden from assistive technology: its table stands in for it.
    page.goto("/dashboard/")
    assert page.locator("#partner-map").get_attribute("aria-hidden") == "true"
    assert page.locator("#map-data a").count() >= 5
    assert page.console_errors == []


CONTROL_ROLES = ("textbox", "combobox", "checkbox", "radio", "searchbox", "spinbutton", "listbox", "button")
CONTROL = re.compile(r"^\s*- (" + "|".join(CONTROL_ROLES) + r')(?: "((?:[^"\\]|\\.)*)")?', re.MULTILINE)


def control_names(page) -> list[tuple[str, str]]:
    """(role, accessible name) of every form control in the page's main form, from Playwright's
    accessibility tree."""
    snapshot = page.locator("main form[method=post]").last.aria_snapshot()
    return [(role, name or "") for role, name in CONTROL.findall(snapshot)]


def test_every_control_of_the_entry_pages_has_a_name_of_its_own(page, demo):
    from cooperation.visits.models import Visit
    from mobility.models import Program
    from partners.models import Institution

    log_in(page, "staff", "demo")
    switch_language(page, "en")
    agreement = Agreement.objects.get(registration_number="IC-2025/007")
    visit = Visit.objects.filter(participants__isnull=False).order_by("pk").first()
    program = Program.objects.filter(participants__isnull=False).order_by("pk").first()
    partner = Institution.objects.filter(names__isnull=False).order_by("pk").first()
    for path in (
        f"/agreements/{agreement.pk}/edit/",
        f"/visits/{visit.pk}/edit/",
        f"/mobility/{program.pk}/edit/",
        f"/partners/{partner.pk}/edit/",
    ):
        page.goto(path)
        names = control_names(page)
        assert len(names) > 10, path
        unnamed = [role for role, name in names if not name.strip() or name.strip().startswith("—")]
        assert unnamed == [], (path, unnamed)
        repeated = {name: count for name, count in Counter(name for _role, name in names).items() if count > 1}
        assert repeated == {}, (path, repeated)
        assert any(re.fullmatch(r"Remove row \d+ of .+", name) for _role, name in names), path
