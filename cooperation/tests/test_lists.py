"""The list pages: filters kept in the URL, sorting, and an export of exactly the filtered rows."""

import csv
import datetime
import gc
import io
import zoneinfo

import openpyxl
import pytest
import time_machine

from agreements.models import Agreement
from cooperation.lib import listing
from cooperation.lib.listing import XLSX_CONTENT_TYPE
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    FollowUpActionFactory,
    InstitutionFactory,
    InstitutionNameFactory,
    ProgramFactory,
    UnitFactory,
    VisitFactory,
)

TODAY = datetime.date(2026, 11, 25)
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


@pytest.fixture
def today(db):
    with time_machine.travel(datetime.datetime(2026, 11, 25, 12, tzinfo=ALMATY), tick=False):
        yield TODAY


def shown(response) -> list:
    return [row.record for row in response.context["table"].page.object_list]


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def agreements(today, faculty, other_faculty):
    turkey = InstitutionFactory(name="Hacettepe University", country="TR")
    InstitutionNameFactory(institution=turkey, name="Университет Хаджеттепе", language="ru")
    china = InstitutionFactory(name="Xinjiang University", country="CN")
    made = {
        "expires in 20 days": AgreementFactory(
            title="Memorandum with Hacettepe", responsible_unit=faculty, expires_on=today + days(20)
        ),
        "expires in 60 days": AgreementFactory(
            title="Exchange with Xinjiang", responsible_unit=other_faculty, expires_on=today + days(60)
        ),
        "expires in 150 days": AgreementFactory(title="Research with Xinjiang", expires_on=today + days(150)),
        "expires in 3 years": AgreementFactory(title="Framework with Hacettepe", expires_on=today + days(1100)),
        "expired": AgreementFactory(title="Old memorandum", expires_on=today - days(1)),
        "draft": AgreementFactory(title="Draft with Xinjiang", status=Agreement.Status.DRAFT),
    }
    for agreement in made.values():
        AgreementPartyFactory(agreement=agreement, institution=turkey if "Hacettepe" in agreement.title else china)
    return made


def titles(response) -> set[str]:
    return {agreement.title for agreement in shown(response)}


@pytest.mark.parametrize(
    ("within", "expected"),
    [
        ("30", {"Memorandum with Hacettepe"}),
        ("90", {"Memorandum with Hacettepe", "Exchange with Xinjiang"}),
        ("180", {"Memorandum with Hacettepe", "Exchange with Xinjiang", "Research with Xinjiang"}),
    ],
)
def test_agreements_expiring_within_30_90_180_days(client, office_user, agreements, within, expected):
    client.force_login(office_user)
    assert titles(client.get("/agreements/", {"expiring": within})) == expected


def test_agreement_filters_combine_and_stay_in_the_url(client, office_user, agreements, faculty):
    client.force_login(office_user)
    response = client.get("/agreements/", {"country": "TR", "state": "expiring", "unit": faculty.pk})
    assert titles(response) == {"Memorandum with Hacettepe"}
    page = response.content.decode()
    # The export links carry the same filters.
    assert f"?country=TR&amp;state=expiring&amp;unit={faculty.pk}&amp;export=xlsx" in page
    assert "One record matches these filters." in page


def test_agreements_are_found_by_a_partners_name_in_another_script(client, office_user, agreements):
    client.force_login(office_user)
    response = client.get("/agreements/", {"q": "ХАДЖЕТТЕПЕ"})
    assert titles(response) == {"Memorandum with Hacettepe", "Framework with Hacettepe"}


def test_a_state_filter_matches_the_state_badge(client, office_user, agreements):
    client.force_login(office_user)
    assert titles(client.get("/agreements/", {"state": "expired"})) == {"Old memorandum"}
    assert titles(client.get("/agreements/", {"state": "draft"})) == {"Draft with Xinjiang"}
    assert titles(client.get("/agreements/", {"state": "active"})) == {
        "Research with Xinjiang",
        "Framework with Hacettepe",
    }


def test_sorting_by_a_column(client, office_user, agreements):
    client.force_login(office_user)
    response = client.get("/agreements/", {"sort": "expires_on", "state": "expiring"})
    assert [agreement.title for agreement in shown(response)] == ["Memorandum with Hacettepe", "Exchange with Xinjiang"]
    response = client.get("/agreements/", {"sort": "-expires_on", "state": "expiring"})
    assert [agreement.title for agreement in shown(response)] == ["Exchange with Xinjiang", "Memorandum with Hacettepe"]
    assert 'aria-sort="descending"' in response.content.decode()


def test_a_wrong_filter_value_is_explained_not_a_server_error(client, office_user, agreements):
    client.force_login(office_user)
    response = client.get("/agreements/", {"expiring": "7000", "unit": "abc"})
    assert response.status_code == 200
    assert shown(response) == []
    assert "Select a valid choice" in response.content.decode()


def test_the_excel_export_holds_exactly_the_filtered_rows_in_order(client, office_user, agreements):
    client.force_login(office_user)
    response = client.get("/agreements/", {"expiring": "180", "sort": "expires_on", "export": "xlsx"})
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="agreements-2026-11-25.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:3] == ("Title", "Registration number", "Kind")
    assert [row[0] for row in body] == ["Memorandum with Hacettepe", "Exchange with Xinjiang", "Research with Xinjiang"]
    expires = body[0][header.index("Expires")]
    assert expires.date() == TODAY + days(20)  # a real date, not text
    assert body[0][header.index("Partners")] == "Hacettepe University"
    assert body[0][header.index("State")] == "Expiring in 20 days"


def test_the_csv_export_is_utf8_for_excel_and_has_every_filtered_row(client, office_user, agreements):
    client.force_login(office_user)
    response = client.get("/agreements/", {"q": "xinjiang", "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert {row[0] for row in rows[1:]} == {
        "Exchange with Xinjiang",
        "Research with Xinjiang",
        "Draft with Xinjiang",
        "Old memorandum",
    }


def test_the_csv_export_streams_its_rows_in_pieces_and_leaves_the_collector_running(
    client, office_user, agreements, monkeypatch
):
    monkeypatch.setattr(listing, "CSV_ROWS_PER_PIECE", 2)
    client.force_login(office_user)
    whole = client.get("/agreements/", {"export": "xlsx"})
    titles = [row[0] for row in openpyxl.load_workbook(io.BytesIO(b"".join(whole.streaming_content))).active.values]

    pieces = list(client.get("/agreements/", {"export": "csv"}).streaming_content)

    rows = list(csv.reader(io.StringIO(b"".join(pieces).decode().lstrip("\ufeff"))))
    assert [row[0] for row in rows] == titles  # the header and every row, in the list's order
    assert len(pieces) == -(-len(rows) // 2)
    assert gc.isenabled()
    # A download abandoned after its first piece does not leave the collector paused either.
    abandoned = client.get("/agreements/", {"export": "csv"})
    next(iter(abandoned.streaming_content))
    abandoned.close()
    assert gc.isenabled()


def test_exports_never_carry_a_formula(client, office_user, today):
    AgreementFactory(title='=HYPERLINK("http://evil.example","click")')
    client.force_login(office_user)
    csv_text = b"".join(client.get("/agreements/", {"export": "csv"}).streaming_content).decode()
    assert "'=HYPERLINK" in csv_text
    workbook = b"".join(client.get("/agreements/", {"export": "xlsx"}).streaming_content)
    cell = openpyxl.load_workbook(io.BytesIO(workbook)).active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_the_rectors_office_exports_too(client, rector, agreements):
    client.force_login(rector)
    response = client.get("/agreements/", {"export": "csv"})
    assert response.status_code == 200
    page = client.get("/agreements/").content.decode()
    assert "New agreement" not in page


def test_partners_filter_by_country_kind_and_agreement_in_force(client, office_user, agreements):
    InstitutionFactory(name="Ministry of Education of the PRC", country="CN", kind="government")
    client.force_login(office_user)
    names = lambda response: {institution.name for institution in shown(response)}  # noqa: E731
    assert names(client.get("/partners/", {"country": "CN"})) == {
        "Xinjiang University",
        "Ministry of Education of the PRC",
    }
    assert names(client.get("/partners/", {"country": "CN", "kind": "government"})) == {
        "Ministry of Education of the PRC"
    }
    assert names(client.get("/partners/", {"agreements": "none"})) == {"Ministry of Education of the PRC"}
    response = client.get("/partners/", {"sort": "-agreements_in_force"})
    # In force: not the draft, not the expired memorandum.
    counts = {institution.name: institution.agreements_in_force for institution in shown(response)}
    assert counts == {"Hacettepe University": 2, "Xinjiang University": 2, "Ministry of Education of the PRC": 0}


def test_visits_with_overdue_actions_upcoming_and_by_country(client, office_user, today):
    china = InstitutionFactory(name="Ministry of Education of the PRC", country="CN")
    late = VisitFactory(title="Chinese delegation", starts_on=today - days(40))
    late.partners.add(china)
    FollowUpActionFactory(visit=late, due_on=today - days(3))
    on_time = VisitFactory(title="Turkish delegation", starts_on=today - days(30))
    FollowUpActionFactory(visit=on_time, due_on=today + days(3))
    VisitFactory(title="Summer school", starts_on=today + days(200), kind="summer_school")
    client.force_login(office_user)
    names = lambda response: {visit.title for visit in shown(response)}  # noqa: E731
    assert names(client.get("/visits/", {"overdue": "true"})) == {"Chinese delegation"}
    assert names(client.get("/visits/", {"period": "upcoming"})) == {"Summer school"}
    assert names(client.get("/visits/", {"country": "CN"})) == {"Chinese delegation"}
    assert names(client.get("/visits/", {"q": "министерство"})) == set()
    assert names(client.get("/visits/", {"direction": "incoming", "year": "2026"})) == {
        "Chinese delegation",
        "Turkish delegation",
    }


def test_programs_by_academic_year_and_unit_with_its_departments(client, office_user, today, faculty):
    department = UnitFactory(name="Department of Physics", parent=faculty)
    ProgramFactory(title="Physics exchange", unit=department, academic_year="2026/2027")
    ProgramFactory(title="Faculty exchange", unit=faculty, academic_year="2025/2026")
    ProgramFactory(title="Elsewhere", academic_year="2026/2027")
    client.force_login(office_user)
    names = lambda response: {program.title for program in shown(response)}  # noqa: E731
    assert names(client.get("/mobility/", {"unit": faculty.pk})) == {"Physics exchange", "Faculty exchange"}
    assert names(client.get("/mobility/", {"academic_year": "2026/2027"})) == {"Physics exchange", "Elsewhere"}
