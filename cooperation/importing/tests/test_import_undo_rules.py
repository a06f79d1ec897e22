"""The finer rules of undoing an import, each a slip away from deleting someone else's work or
leaving a wrong value behind: what counts as a use of a record the import created and how the
refusal names it, the empty value an update filled in, a record deleted since, a link made after
the check, and whose history rows the undo stamps. (test_import_undo.py and
test_import_all_or_nothing.py have the main rules.)"""

import datetime
import io

import pytest

from agreements.models import Agreement
from cooperation.importing import services
from cooperation.importing.readers import ImportFileError
from cooperation.importing.services import ImportRefused, import_check, import_confirm, import_preview, import_undo
from cooperation.importing.tests.test_import_helpers import xlsx_file
from cooperation.tests.factories import (
    AgreementDocumentFactory,
    AgreementFactory,
    InstitutionFactory,
    ProgramFactory,
    UserFactory,
)
from mobility.models import Participant
from partners.models import Institution, InstitutionName

AGREEMENT_HEADERS = [
    "Title",
    "Kind",
    "Registration number",
    "Responsible unit",
    "Partners (separated by ;)",
    "Expires on",
]
INSTITUTION_HEADERS = ["Official name", "Country", "City"]


@pytest.fixture
def gazi(db):
    return InstitutionFactory(name="Gazi University", country="TR", city="Ankara")


def import_agreements(user, rows) -> services.ImportBatch:
    batch = import_preview(kind="agreements", file=xlsx_file(AGREEMENT_HEADERS, rows), user=user)
    assert [row["errors"] for row in batch.rows] == [[] for _row in rows]
    return import_confirm(batch=batch, user=user)


@pytest.fixture
def imported_agreement(office_user, faculty, gazi):
    """An import that created one agreement (with its party)."""
    batch = import_agreements(
        office_user, [["Memorandum with Gazi", "mou", "MOU-7", "Faculty of Engineering", "Gazi University", ""]]
    )
    return batch, Agreement.objects.get(registration_number="MOU-7")


def test_an_undo_is_refused_once_a_document_was_added_to_an_agreement_it_created_and_keeps_it(
    office_user, imported_agreement
):
    """A row of another kind pointing at an imported record (not only a many-to-many link) is
    someone's use of it: the undo would delete it with the agreement."""
    batch, agreement = imported_agreement
    document = AgreementDocumentFactory(agreement=agreement, title="Signed scan")

    with pytest.raises(ImportRefused) as refused:
        import_undo(batch=batch, user=office_user)

    assert refused.value.messages == [
        "This import cannot be undone:",
        f"{document._meta.verbose_name} '{document}' now refers to a record this import created.",
    ]
    assert type(document).objects.filter(pk=document.pk).exists()
    assert Agreement.objects.filter(pk=agreement.pk).exists()


def test_an_undo_refused_by_a_program_under_an_agreement_it_created_names_the_program(office_user, imported_agreement):
    """The refusal names the record the user knows by its page: the program, not the unit or
    the coordinator it also points at."""
    batch, agreement = imported_agreement
    program = ProgramFactory(title="Erasmus+ exchange", agreement=agreement, coordinator=office_user)

    with pytest.raises(ImportRefused) as refused:
        import_undo(batch=batch, user=office_user)

    assert refused.value.messages == [
        "This import cannot be undone:",
        f"program '{program}' now refers to a record this import created.",
    ]


def test_a_record_linked_after_the_check_makes_the_whole_undo_roll_back_saying_why(
    office_user, faculty, gazi, monkeypatch
):
    """A program made between the check and the deletion (the check is stood in for here by
    one that saw nothing): the database refuses the deletion and nothing of the undo stays,
    not even the values it had already put back."""
    AgreementFactory(title="Old title", registration_number="MOU-1", responsible_unit=faculty)
    batch = import_agreements(
        office_user,
        [
            ["New title", "mou", "MOU-1", "Faculty of Engineering", "Gazi University", ""],
            ["Memorandum with Gazi", "mou", "MOU-7", "Faculty of Engineering", "Gazi University", ""],
        ],
    )
    ProgramFactory(agreement=Agreement.objects.get(registration_number="MOU-7"))
    monkeypatch.setattr(services, "undo_problems", lambda batch: [])

    with pytest.raises(ImportRefused) as refused:
        import_undo(batch=batch, user=office_user)

    assert refused.value.messages[0] == "This import cannot be undone:"
    assert refused.value.messages[1].startswith(
        "Cannot delete some instances of model 'Agreement' because they are referenced through protected foreign keys"
    )
    assert len(refused.value.messages) == 2
    assert Agreement.objects.get(registration_number="MOU-1").title == "New title"
    batch.refresh_from_db()
    assert batch.status == batch.Status.IMPORTED


def test_an_undo_empties_again_a_date_the_import_filled_in(office_user, faculty, gazi):
    agreement = AgreementFactory(title="MoU", registration_number="MOU-1", responsible_unit=faculty, expires_on=None)
    batch = import_agreements(
        office_user, [["MoU", "mou", "MOU-1", "Faculty of Engineering", "Gazi University", "15.01.2030"]]
    )
    agreement.refresh_from_db()
    assert agreement.expires_on == datetime.date(2030, 1, 15)

    import_undo(batch=batch, user=office_user)

    agreement.refresh_from_db()
    assert agreement.expires_on is None


def test_an_undo_puts_back_the_other_records_it_updated_when_one_was_deleted_since(office_user, gazi):
    hacettepe = InstitutionFactory(name="Hacettepe University", country="TR", city="Ankara")
    rows = [["Gazi University", "TR", "Beşevler"], ["Hacettepe University", "TR", "Sıhhiye"]]
    batch = import_preview(kind="institutions", file=xlsx_file(INSTITUTION_HEADERS, rows), user=office_user)
    batch = import_confirm(batch=batch, user=office_user)
    Institution.objects.get(pk=hacettepe.pk).delete()  # the last row's record, put back first

    import_undo(batch=batch, user=office_user)

    gazi.refresh_from_db()
    assert gazi.city == "Ankara"


def test_an_undo_stamps_only_the_deletions_it_wrote_not_what_others_did_to_its_records_before(office_user, gazi):
    """Two records the import created were deleted since, one by a colleague, one after a
    script had changed it: the colleague's deletion and the script's change keep their own
    authors (the undo's user and reason go on the rows of the deletions it makes)."""
    colleague = UserFactory(username="colleague")
    rows = [
        ["Sakarya University", "TR", "Sakarya"],
        ["Erciyes University", "TR", "Kayseri"],
        ["Ege University", "TR", ""],
    ]
    batch = import_preview(kind="institutions", file=xlsx_file(INSTITUTION_HEADERS, rows), user=office_user)
    batch = import_confirm(batch=batch, user=office_user)
    sakarya, erciyes = (
        Institution.objects.get(name="Sakarya University"),
        Institution.objects.get(name="Erciyes University"),
    )
    sakarya_pk, erciyes_pk = sakarya.pk, erciyes.pk
    sakarya._history_user = colleague
    sakarya.delete()
    erciyes.city = "Kayseri, Melikgazi"
    erciyes.save()  # no user: a script
    erciyes.delete()

    import_undo(batch=batch, user=office_user)

    assert Institution.history.get(id=sakarya_pk, history_type="-").history_user == colleague
    assert Institution.history.get(id=erciyes_pk, history_type="~").history_user is None
    ege = Institution.history.get(name="Ege University", history_type="-")
    assert (ege.history_user, ege.history_change_reason) == (office_user, "Import of import.xlsx undone")


def test_a_file_without_a_name_is_checked_as_import_and_refused_as_no_spreadsheet(office_user):
    """A stream handed to the service by a script has no name: it is called "import", which has
    no extension of a spreadsheet."""
    nameless = io.BytesIO(b"Official name;Country\nGazi University;TR\n")

    with pytest.raises(ImportFileError) as refused:
        import_check(kind="institutions", file=nameless, user=office_user)

    assert str(refused.value) == "import is not an .xlsx or .csv file."


def test_the_dry_run_checks_participants_against_the_program_chosen(office_user, gazi, faculty):
    program = ProgramFactory(unit=faculty, direction="outgoing")
    headers = ["Full name", "Partner institution"]
    upload = xlsx_file(headers, [["Aigerim Sadykova", "Gazi University"]], name="students.xlsx")

    rows = import_check(kind="participants", file=upload, user=office_user, options={"program": program.pk})

    assert [(row.status, row.errors) for row in rows] == [("new", [])]
    assert not Participant.objects.exists()


def test_each_record_an_import_creates_one_by_one_has_a_creation_history_naming_the_user_and_the_file(
    office_user, imported_agreement
):
    _batch, agreement = imported_agreement

    for record in (agreement, agreement.parties.get()):
        created = record.history.get(history_type="+")
        assert (created.history_user, created.history_change_reason) == (office_user, "Imported from import.xlsx")


def test_a_name_variant_the_import_created_and_someone_corrected_since_stops_the_undo(office_user, gazi):
    """A name variant has no "updated" stamp: its history says it was changed."""
    rows = [["Sakarya University", "TR", "Sakarya", "Университет Сакария"]]
    headers = [*INSTITUTION_HEADERS, "Name in Russian"]
    batch = import_preview(kind="institutions", file=xlsx_file(headers, rows), user=office_user)
    batch = import_confirm(batch=batch, user=office_user)
    variant = InstitutionName.objects.get(name="Университет Сакария")
    variant.name = "Университет Сакарья"
    variant.save()

    with pytest.raises(ImportRefused) as refused:
        import_undo(batch=batch, user=office_user)

    assert "name variant 'Университет Сакарья', created by this import, has been changed since." in (
        refused.value.messages
    )
    assert Institution.objects.filter(name="Sakarya University").exists()


def test_changes_to_other_partners_since_the_import_do_not_stop_its_undo(office_user, gazi):
    batch = import_preview(
        kind="institutions", file=xlsx_file(INSTITUTION_HEADERS, [["Sakarya University", "TR", ""]]), user=office_user
    )
    batch = import_confirm(batch=batch, user=office_user)
    gazi.city = "Ankara, Beşevler"
    gazi.save()

    import_undo(batch=batch, user=office_user)

    assert list(Institution.objects.values_list("name", flat=True)) == ["Gazi University"]


def test_a_refusals_text_gives_each_reason_on_a_line_of_its_own():
    """What a log or a traceback shows of a refused import or undo."""
    refused = ImportRefused(["This import cannot be undone:", "program 'Erasmus+' now refers to a record."])

    assert str(refused) == "This import cannot be undone:\nprogram 'Erasmus+' now refers to a record."
