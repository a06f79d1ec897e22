"""Importing contacts, agreements with their parties, and mobility participants into a program."""

import datetime
import decimal

import pytest

from agreements.models import Agreement
from cooperation.importing.readers import ImportFileError
from cooperation.importing.services import ImportRefused, import_confirm, import_preview, import_undo
from cooperation.importing.tests.test_import_helpers import xlsx_file
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ContactFactory,
    InstitutionFactory,
    InstitutionNameFactory,
    ProgramFactory,
)
from mobility.models import Participant
from partners.models import Contact


@pytest.fixture
def hacettepe(db):
    institution = InstitutionFactory(name="Hacettepe University", country="TR", erasmus_code="TR ANKARA03")
    InstitutionNameFactory(institution=institution, name="Университет Хаджеттепе", language="ru")
    return institution


@pytest.fixture
def gazi(db):
    return InstitutionFactory(name="Gazi University", country="TR", pic="949920587")


def run(kind, headers, rows, user, **options):
    batch = import_preview(kind=kind, file=xlsx_file(headers, rows), user=user, options=options or None)
    return batch, [(row["status"], row["message"] or " ".join(row["errors"])) for row in batch.rows]


# --- contacts --------------------------------------------------------------------------------

CONTACT_HEADERS = ["Institution", "Full name", "Position", "E-mail"]


def test_contacts_by_any_name_of_their_institution(office_user, hacettepe, gazi):
    ContactFactory(institution=gazi, full_name="Mehmet Öz", email="oz@gazi.edu.tr", position="Dean")
    rows = [
        ["Университет Хаджеттепе", "Ayşe Yılmaz", "Head of the International Office", "ayse@hacettepe.edu.tr"],
        ["949920587", "Mehmet Oz", "Vice-Rector", ""],  # by PIC; the same person without the accent
        ["TR ANKARA03", "Ayse Yilmaz", "", "AYSE@hacettepe.edu.tr"],  # the first row again
        ["Hacetepe Universty", "Can Demir", "", ""],
    ]
    batch, results = run("contacts", CONTACT_HEADERS, rows, office_user)
    assert [status for status, _ in results] == ["new", "update", "duplicate", "error"]
    assert results[3][1] == (
        "row 5, Institution: no partner is recorded as 'Hacetepe Universty'; did you mean Hacettepe University?"
    )
    rows.pop()
    batch, results = run("contacts", CONTACT_HEADERS, rows, office_user)
    batch = import_confirm(batch=batch, user=office_user)
    assert (batch.created_count, batch.updated_count) == (1, 1)
    assert Contact.objects.get(full_name="Mehmet Öz").position == "Vice-Rector"
    assert Contact.objects.get(full_name="Ayşe Yılmaz").institution == hacettepe


def test_a_bad_e_mail_is_an_error_of_its_column(office_user, hacettepe):
    _batch, results = run("contacts", CONTACT_HEADERS, [["Hacettepe University", "Can Demir", "", "can@"]], office_user)
    assert results == [("error", "row 2, E-mail: Enter a valid email address.")]


# --- agreements ------------------------------------------------------------------------------

AGREEMENT_HEADERS = [
    "Title",
    "Kind",
    "Registration number",
    "Responsible unit",
    "Partners (separated by ;)",
    "Signed on",
    "Expires on",
    "Areas of cooperation (separated by ;)",
]


def test_agreements_with_their_parties_dates_and_areas(office_user, faculty, hacettepe, gazi):
    rows = [
        [
            "Memorandum with Hacettepe and Gazi",
            "Memorandum of understanding",
            "MOU-2025-014",
            "Faculty of Engineering",
            "Hacettepe University; 949920587",
            datetime.datetime(2025, 9, 1),  # a real Excel date
            "31.08.2030",
            "student_mobility; Academic mobility of staff",
        ],
        ["Double degree", "double_degree", "", "Faculty of Engineering", "Gazi University", "1/9/2025", "", ""],
    ]
    batch, results = run("agreements", AGREEMENT_HEADERS, rows, office_user)
    assert [status for status, _ in results] == ["new", "new"]
    batch = import_confirm(batch=batch, user=office_user)
    memorandum = Agreement.objects.get(registration_number="MOU-2025-014")
    assert (memorandum.signed_on, memorandum.expires_on) == (datetime.date(2025, 9, 1), datetime.date(2030, 8, 31))
    assert memorandum.status == Agreement.Status.SIGNED
    assert memorandum.responsible_unit == faculty
    assert [party.institution for party in memorandum.parties.all()] == [hacettepe, gazi]
    assert sorted(memorandum.areas.values_list("code", flat=True)) == ["staff_mobility", "student_mobility"]
    assert Agreement.objects.get(title="Double degree").signed_on == datetime.date(2025, 9, 1)
    assert memorandum.created_by == office_user
    # Undone: the agreements go with their parties.
    import_undo(batch=batch, user=office_user)
    assert not Agreement.objects.exists()


def test_an_agreement_on_record_is_updated_by_its_registration_number(office_user, faculty, hacettepe, gazi):
    agreement = AgreementFactory(title="MoU", registration_number="MOU-1", responsible_unit=faculty, expires_on=None)
    AgreementPartyFactory(agreement=agreement, institution=hacettepe)
    rows = [
        ["MoU", "mou", "MOU-1", "Faculty of Engineering", "Hacettepe University; Gazi University", "", "15.01.2030", ""]
    ]
    batch, results = run("agreements", AGREEMENT_HEADERS, rows, office_user)
    assert results[0][0] == "update"
    import_confirm(batch=batch, user=office_user)
    agreement.refresh_from_db()
    assert agreement.expires_on == datetime.date(2030, 1, 15)
    assert agreement.parties.count() == 2


def test_agreement_rows_with_errors_name_their_column(office_user, faculty, hacettepe):
    rows = [
        ["A", "mou", "", "Faculty of Medicine", "Hacettepe University", "01.09.2025", "", ""],
        ["B", "mou", "", "Faculty of Engineering", "Hacettepe University", "01.09.2025", "01.01.2025", ""],
        ["C", "mou", "", "Faculty of Engineering", "Hacettepe University", "31.02.2025", "", ""],
        ["D", "mou", "", "Faculty of Engineering", "Hacettepe University", "", "", "cooking"],
    ]
    _batch, results = run("agreements", AGREEMENT_HEADERS, rows, office_user)
    assert results == [
        ("error", "row 2, Responsible unit: 'Faculty of Medicine' is not one of our units."),
        ("error", "row 3: The expiry date must come after the signature."),
        ("error", "row 4, Signed on: '31.02.2025' is not a date; write it as 2025-09-01 or 01.09.2025."),
        ("error", "row 5, Areas of cooperation (separated by ;): 'cooking' is not an area of cooperation on the list."),
    ]


# --- participants ----------------------------------------------------------------------------

PARTICIPANT_HEADERS = [
    "Full name",
    "Partner institution",
    "Direction",
    "E-mail",
    "Starts on",
    "Grant amount",
    "Currency",
]


def test_participants_go_into_the_chosen_program(office_user, faculty, hacettepe):
    program = ProgramFactory(unit=faculty)
    rows = [
        [
            "Aigerim Seitkali",
            "Hacettepe University",
            "Outgoing",
            "aigerim@uni.example",
            "01.09.2025",
            "2 500,00",
            "EUR",
        ],
        ["Dauren Abenov", "TR ANKARA03", "outgoing", "", "2025-09-01", "", ""],
        ["Aigerim Seitkali", "Hacettepe University", "Outgoing", "", "", "", ""],  # twice in the file
    ]
    batch, results = run("participants", PARTICIPANT_HEADERS, rows, office_user, program=program.pk)
    assert [status for status, _ in results] == ["new", "new", "duplicate"]
    import_confirm(batch=batch, user=office_user)
    aigerim = Participant.objects.get(full_name="Aigerim Seitkali")
    assert (aigerim.program, aigerim.unit, aigerim.partner_institution) == (program, faculty, hacettepe)
    assert aigerim.grant_amount == decimal.Decimal("2500.00")
    assert program.participants.count() == 2


def test_a_participant_grant_needs_a_currency(office_user, faculty, hacettepe):
    program = ProgramFactory(unit=faculty)
    rows = [["Aigerim Seitkali", "Hacettepe University", "Outgoing", "", "", "100", ""]]
    _batch, results = run("participants", PARTICIPANT_HEADERS, rows, office_user, program=program.pk)
    assert results == [("error", "row 2: A grant needs a positive amount and a three-letter currency code.")]


def test_participants_need_a_program(office_user):
    with pytest.raises(ImportFileError, match="Choose the program"):
        run("participants", PARTICIPANT_HEADERS, [["A", "B", "", "", "", "", ""]], office_user)


def test_confirming_twice_is_refused(office_user, hacettepe):
    batch, _results = run("contacts", CONTACT_HEADERS, [["Hacettepe University", "Can Demir", "", ""]], office_user)
    import_confirm(batch=batch, user=office_user)
    with pytest.raises(ImportRefused, match="already been imported"):
        import_confirm(batch=batch, user=office_user)
    assert Contact.objects.count() == 1
