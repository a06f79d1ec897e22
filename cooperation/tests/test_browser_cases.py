"""Two cases from the seed news items, entered completely through the browser by the office's
`staff` user, found again by search in another script, exported, and then read by the rector's
office, which has no way to change them."""

import datetime
import importlib
import io
import re

import openpyxl
import pytest
from django.apps import apps as django_apps
from playwright.sync_api import expect

from agreements.models import Agreement
from conftest import log_in
from cooperation import roles
from cooperation.tests.factories import InstitutionFactory, InstitutionNameFactory, make_user
from partners.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEMORANDUM = "Memorandum of Cooperation between METU, METU College, ATK, ASTK, ALMATY POLYTECHNIC COLLEGE and KITIG"
# (search words typed into the party's autocomplete, the signatory, the position)
COLLEGES = [
    ("ATK", "Almaty College of Technology", "Алматинский технологический колледж", "Karagulov E.S."),
    (
        "ASTK",
        "Almaty Construction and Technical College",
        "Алматинский строительно-технический колледж",
        "Akhmetov B.S.",
    ),
    ("APC", "ALMATY POLYTECHNIC COLLEGE", "Алматинский политехнический колледж", "Omarbekov M.A."),
    (
        "KITIG",
        "College of Tourism and Hospitality Industry",
        "Колледж туризма и индустрии гостеприимства",
        "Zhabykbaev N.J.",
    ),
]


@pytest.fixture
def metu(transactional_db):
    # A transactional test starts from an emptied database: the areas' data migration is gone.
    importlib.import_module("agreements.migrations.0002_areas_of_cooperation").create_areas(django_apps, None)
    university = Unit.objects.create(
        name="International Engineering and Technology University", short_name="METU", kind=Unit.Kind.UNIVERSITY
    )
    college = Unit.objects.create(
        name="METU College", short_name="METU College", kind=Unit.Kind.COLLEGE, parent=university
    )
    staff = make_user("staff", roles.OFFICE, unit=university, first_name="Dana", last_name="Seitkali")
    rector = make_user("rector", roles.RECTOR, unit=university, first_name="Gulmira", last_name="Tulegenova")
    for short_name, name, russian, _signatory in COLLEGES:
        college_partner = InstitutionFactory(
            name=name, short_name=short_name, country="KZ", city="Almaty", kind="college"
        )
        InstitutionNameFactory(institution=college_partner, name=russian, language="ru")
    return {"university": university, "college": college, "staff": staff, "rector": rector}


def pick_institution(page, row: int, words: str) -> None:
    """Type into a party row's autocomplete box, then choose the first match with the keyboard:
    nothing is chosen until the user does."""
    select = page.locator(f"#id_parties-{row}-institution")
    search = page.get_by_role("combobox", name=f"Partner institution, row {row + 1} — search")
    search.fill(words)
    expect(page.locator(f"#id_parties-{row}-institution-matches [role=option]").first).to_be_visible()
    expect(select).to_have_value("")
    search.press("ArrowDown")
    search.press("Enter")
    expect(select).not_to_have_value("")


def test_staff_enters_the_metu_memorandum_finds_it_in_cyrillic_and_exports_it(page, metu, tmp_path):
    log_in(page, "staff")
    page.get_by_role("navigation").get_by_role("link", name="Agreements").click()
    page.get_by_role("link", name="New agreement").click()

    page.fill("#id_title", MEMORANDUM)
    page.select_option("#id_kind", "moc")
    page.select_option("#id_status", "signed")
    page.fill("#id_registration_number", "IC-2025/007")
    page.fill(
        "#id_purpose",
        "Long-term partnership, integration of educational, scientific and innovative college resources, "
        "joint educational programs.",
    )
    for area in (
        "Joint educational programs",
        "Internships and practical training",
        "Joint research",
        "Promoting professions among young people",
    ):
        page.get_by_label(area, exact=True).check()
    page.select_option("#id_responsible_unit", label=str(metu["university"]))
    page.fill("#id_signed_on", "2025-02-04")
    page.fill("#id_valid_from", "2025-02-04")

    # Six parties: our university and college, and the four Almaty colleges found by their short names.
    for _ in range(4):
        page.get_by_role("button", name="Add a party").click()
    page.select_option("#id_parties-0-unit", label=str(metu["university"]))
    page.fill("#id_parties-0-signatory_name", "Sarsenbekova G.A.")
    page.fill("#id_parties-0-signatory_position", "Rector")
    page.select_option("#id_parties-1-unit", label=str(metu["college"]))
    page.fill("#id_parties-1-signatory_name", "Shalabayeva M.H.")
    page.fill("#id_parties-1-signatory_position", "Director")
    for row, (short_name, _name, _russian, signatory) in enumerate(COLLEGES, start=2):
        pick_institution(page, row, short_name)
        page.fill(f"#id_parties-{row}-signatory_name", signatory)
        page.fill(f"#id_parties-{row}-signatory_position", "Director")
    for row in range(6):
        page.fill(f"#id_parties-{row}-signed_on", "2025-02-04")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(MEMORANDUM)
    agreement = Agreement.objects.get(title=MEMORANDUM)
    assert agreement.parties.count() == 6
    assert agreement.signatories.count() == 6
    assert agreement.areas.count() == 4
    assert agreement.signed_on == datetime.date(2025, 2, 4)
    for signatory in ("Sarsenbekova G.A.", "Shalabayeva M.H.", "Karagulov E.S.", "Zhabykbaev N.J."):
        expect(page.get_by_text(signatory).first).to_be_visible()

    # Found again from the navigation bar by a college's Russian name.
    page.fill("#global-search", "алматинский политехнический")
    with page.expect_navigation():
        page.press("#global-search", "Enter")
    expect(page.locator("#search-partners")).to_contain_text("ALMATY POLYTECHNIC COLLEGE")
    expect(page.locator("#search-agreements")).to_contain_text(MEMORANDUM)

    # The agreement list filtered by the same words and the kind, exported to Excel.
    page.locator("#search-agreements").get_by_role("link", name=re.compile("in the list")).click()
    page.select_option("#id_kind", "moc")
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    assert "kind=moc" in page.url and "q=" in page.url
    expect(page.locator("#agreement-table tbody tr")).to_have_count(1)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    sheet = openpyxl.load_workbook(io.BytesIO(saved.read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][0] == MEMORANDUM
    assert "ALMATY POLYTECHNIC COLLEGE" in rows[1][rows[0].index("Partners")]
    assert page.console_errors == [] and page.external_requests == []


def test_the_rectors_office_reads_the_memorandum_and_cannot_change_it(page, metu):
    agreement = Agreement.objects.create(
        title=MEMORANDUM,
        kind="moc",
        status="signed",
        responsible_unit=metu["university"],
        signed_on=datetime.date(2025, 2, 4),
    )
    log_in(page, "rector")
    page.goto("/agreements/")
    page.get_by_role("link", name=MEMORANDUM).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MEMORANDUM)
    for label in ("Edit", "New agreement", "Renew", "Terminate"):
        expect(page.get_by_role("link", name=label, exact=True)).to_have_count(0)
        expect(page.get_by_role("button", name=label, exact=True)).to_have_count(0)
    response = page.goto(f"/agreements/{agreement.pk}/edit/")
    assert response.status == 403


DELEGATION_TITLE = "Delegation of the Study Abroad Center of the Chinese Ministry of Education"
DELEGATES = [
    ("Xia Jianhui", "Deputy Director of the Study Abroad Center", "head"),
    ("Ma Yun", "Director of the Inbound Programs Department", "member"),
    ("Wang Shan", "Project Manager of the Study Abroad Center", "member"),
]
AGREED_POINTS = [
    "International recognition of diplomas",
    "Launching joint dual degree programs (the 2+2 model)",
    "Academic mobility for students and faculty",
    "Job fairs with the participation of Chinese companies",
    "Sharing experience of educational models, including foundation programs",
]


@pytest.fixture
def ministry(metu):
    ministry = InstitutionFactory(
        name="Ministry of Education of the People's Republic of China", country="CN", city="Beijing", kind="government"
    )
    InstitutionNameFactory(institution=ministry, name="Министерство образования КНР", language="ru")
    InstitutionNameFactory(institution=ministry, name="中华人民共和国教育部", language="zh")
    return ministry


def test_staff_enters_the_chinese_delegation_and_finds_it_in_chinese(page, metu, ministry):
    log_in(page, "staff")
    page.get_by_role("navigation").get_by_role("link", name="Visits").click()
    page.get_by_role("link", name="New visit or event").click()

    page.fill("#id_title", DELEGATION_TITLE)
    page.select_option("#id_kind", "incoming_delegation")
    page.select_option("#id_status", "held")
    page.fill("#id_starts_on", "2025-09-25")
    page.fill("#id_ends_on", "2025-09-25")
    page.fill("#id_city", "Astana")
    page.select_option("#id_country", "KZ")
    page.select_option("#id_host_unit", label=str(metu["university"]))
    page.get_by_role("combobox", name="Partners — search").fill("教育部")
    expect(page.get_by_role("status").filter(has_text="1 partner found")).to_be_attached()
    page.get_by_role("option", name=re.compile("Ministry of Education")).click()
    expect(page.locator("#id_partners option:checked")).to_have_text([re.compile("Ministry of Education")])
    for area in ("Diploma recognition", "Double degree", "Job fairs", "Foundation programs"):
        page.get_by_label(area, exact=True).check()
    for row, (name, position, role) in enumerate(DELEGATES):
        page.select_option(f"#id_participants-{row}-side", "partner")
        page.select_option(f"#id_participants-{row}-role", role)
        page.fill(f"#id_participants-{row}-full_name", name)
        page.fill(f"#id_participants-{row}-position", position)
    for _ in range(len(AGREED_POINTS) - 2):
        page.get_by_role("button", name="Add a point").click()
    for row, point in enumerate(AGREED_POINTS):
        page.fill(f"#id_outcomes-{row}-text", point)
    page.fill("#id_actions-0-description", "Send the draft 2+2 double degree agreement to the Study Abroad Center")
    page.select_option("#id_actions-0-owner", label="Dana Seitkali (METU)")
    page.fill("#id_actions-0-due_on", "2025-10-31")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(DELEGATION_TITLE)
    for name, _position, _role in DELEGATES:
        expect(page.get_by_text(name).first).to_be_visible()
    for point in AGREED_POINTS:
        expect(page.get_by_text(point).first).to_be_visible()

    page.fill("#global-search", "министерство образования")
    with page.expect_navigation():
        page.press("#global-search", "Enter")
    expect(page.locator("#search-visits")).to_contain_text(DELEGATION_TITLE)
    expect(page.locator("#search-partners")).to_contain_text("Ministry of Education")
    assert page.console_errors == [] and page.external_requests == []

    # The rector's office reads it, with no way to change it.
    page.context.clear_cookies()
    log_in(page, "rector")
    page.goto("/visits/")
    page.get_by_role("link", name=DELEGATION_TITLE).click()
    expect(page.get_by_text("Xia Jianhui").first).to_be_visible()
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="New visit or event")).to_have_count(0)
    assert page.goto(page.url + "edit/").status == 403
