"""The rules of confirming and undoing an import that a one-character slip would break unseen:
a confirmation writes every row or none (also when the database itself refuses a row), the
preview is brought up to date when it refuses, the batch remembers who, when and what, and an
undo gives back every value (many-to-many ones too), names who undid it on every deletion, and is
refused by a change to a record the import created."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from agreements.models import Agreement, AgreementParty, AreaOfCooperation
from cooperation.dashboard.cache import data_version
from cooperation.importing.models import ImportBatch
from cooperation.importing.services import ImportRefused, import_confirm, import_preview, import_undo, undo_problems
from cooperation.importing.tests.test_import_helpers import csv_file, xlsx_file
from cooperation.tests.factories import AgreementFactory, AgreementPartyFactory, InstitutionFactory
from partners.models import Contact, Institution, InstitutionName

INSTITUTION_HEADERS = ["Official name", "Country", "City", "PIC", "Name in Russian"]
CONTACT_HEADERS = ["Institution", "Full name", "Position", "E-mail"]


@pytest.fixture
def gazi(db):
    return InstitutionFactory(name="Gazi University", country="TR", city="Ankara")


def preview_institutions(user, rows, headers=INSTITUTION_HEADERS) -> ImportBatch:
    return import_preview(kind="institutions", file=xlsx_file(headers, rows), user=user)


@pytest.fixture
def refuse_institution_named():
    """PostgreSQL itself refuses to insert a partner of this name, as a unique index does when
    someone entered the same partner a moment before the confirmation: the check passed, the
    INSERT does not. (A trigger made inside the test's transaction, so it goes with it.)"""

    def refuse(name: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                CREATE FUNCTION pg_temp.refuse_institution() RETURNS trigger AS $$
                BEGIN
                    IF NEW.name = %s THEN
                        RAISE unique_violation USING MESSAGE = 'duplicate key value: ' || NEW.name;
                    END IF;
                    RETURN NEW;
                END $$ LANGUAGE plpgsql
                """.replace("%s", "'" + name.replace("'", "''") + "'")
            )
            cursor.execute(
                "CREATE TRIGGER refuse_institution BEFORE INSERT ON partners_institution "
                "FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse_institution()"
            )

    return refuse


def test_a_row_the_database_refuses_at_confirmation_leaves_nothing_of_the_whole_import(
    office_user, gazi, refuse_institution_named
):
    batch = preview_institutions(
        office_user,
        [
            ["Gazi University", "TR", "Beşevler", "949920587", ""],  # an update, written first
            ["Sakarya University", "TR", "Sakarya", "", "Университет Сакарья"],
            ["Ankara University", "TR", "Ankara", "", ""],
        ],
    )
    assert batch.error_count == 0
    refuse_institution_named("Ankara University")

    with pytest.raises(ImportRefused) as refused:
        import_confirm(batch=batch, user=office_user)

    assert len(refused.value.messages) == 1
    assert refused.value.messages[0].startswith("The database refused a row (duplicate key value: Ankara University")
    assert refused.value.messages[0].endswith("nothing was imported. Check the file again.")
    gazi.refresh_from_db()
    assert (gazi.city, gazi.pic) == ("Ankara", "")
    assert list(Institution.objects.values_list("name", flat=True)) == ["Gazi University"]
    assert not InstitutionName.objects.exists()
    assert not Institution.history.filter(history_user=office_user).exists()
    batch.refresh_from_db()
    assert (batch.status, batch.imported_by, batch.imported_at) == (ImportBatch.Status.PREVIEWED, None, None)
    assert (batch.created_records, batch.updated_records) == ([], [])


def test_a_row_that_went_wrong_since_the_preview_refuses_every_row_and_the_preview_says_which(office_user, gazi):
    hacettepe = InstitutionFactory(name="Hacettepe University", country="TR")
    rows = [
        ["Gazi University", "Mehmet Öz", "Dean", "oz@gazi.edu.tr"],
        ["Hacettepe University", "Ayşe Yılmaz", "", ""],
    ]
    batch = import_preview(kind="contacts", file=xlsx_file(CONTACT_HEADERS, rows), user=office_user)
    assert (batch.row_count, batch.error_count) == (2, 0)
    hacettepe.delete()  # someone removed the partner between the preview and the confirmation

    with pytest.raises(ImportRefused) as refused:
        import_confirm(batch=batch, user=office_user)

    assert refused.value.messages == [
        "row 3, Institution: no partner is recorded as 'Hacettepe University'; import or enter it first."
    ]
    assert not Contact.objects.exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert (batch.row_count, batch.error_count) == (2, 1)
    assert [row["status"] for row in batch.rows] == ["new", "error"]


def test_a_confirmed_import_remembers_who_when_what_it_created_and_what_it_changed(office_user, gazi):
    batch = preview_institutions(
        office_user,
        [
            ["Gazi University", "TR", "Beşevler", "949920587", ""],
            ["Sakarya University", "TR", "Sakarya", "", ""],
        ],
    )
    moment = timezone.now()

    batch = import_confirm(batch=batch, user=office_user)

    batch.refresh_from_db()
    sakarya = Institution.objects.get(name="Sakarya University")
    assert batch.status == ImportBatch.Status.IMPORTED
    assert batch.imported_by == office_user
    assert moment <= batch.imported_at <= timezone.now()
    assert (batch.created_count, batch.updated_count) == (1, 1)
    assert batch.created_records == [["partners.institution", sakarya.pk]]
    assert batch.updated_records == [
        {"model": "partners.institution", "pk": gazi.pk, "before": {"city": "Ankara", "pic": ""}}
    ]
    for record in (gazi, sakarya):
        last = record.history.latest()
        assert (last.history_user, last.history_change_reason) == (office_user, "Imported from import.xlsx")


def test_confirming_and_undoing_make_every_cached_dashboard_stale(office_user):
    # New partners only: they are written in bulk, which sends no signal the dashboard hears.
    batch = preview_institutions(office_user, [["Sakarya University", "TR", "Sakarya", "", ""]])
    before = data_version()
    batch = import_confirm(batch=batch, user=office_user)
    confirmed = data_version()
    assert confirmed > before
    import_undo(batch=batch, user=office_user)
    assert data_version() > confirmed


def test_the_deletions_of_an_undo_name_who_undid_it_and_why(office_user, gazi):
    batch = preview_institutions(office_user, [["Sakarya University", "TR", "Sakarya", "", "Университет Сакарья"]])
    batch = import_confirm(batch=batch, user=office_user)
    sakarya_pk = Institution.objects.get(name="Sakarya University").pk

    import_undo(batch=batch, user=office_user)

    deletions = [
        *Institution.history.filter(id=sakarya_pk, history_type="-"),
        *InstitutionName.history.filter(history_type="-"),
    ]
    assert len(deletions) == 2
    for deletion in deletions:
        assert (deletion.history_user, deletion.history_change_reason) == (
            office_user,
            "Import of import.xlsx undone",
        )
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    assert batch.undone_by == office_user
    assert batch.undone_at is not None and batch.undone_at >= batch.imported_at


def test_an_undo_leaves_alone_the_history_of_deletions_it_did_not_make(office_user, gazi):
    """Only the deletion rows the undo wrote are stamped with its user and reason: an earlier
    deletion of another record, with no user, keeps saying so."""
    other = InstitutionFactory(name="Erciyes University")
    other_pk = other.pk
    other.delete()  # a deletion by no known user (a script)
    batch = import_confirm(
        batch=preview_institutions(office_user, [["Sakarya University", "TR", "", "", ""]]), user=office_user
    )

    import_undo(batch=batch, user=office_user)

    earlier = Institution.history.get(id=other_pk, history_type="-")
    assert (earlier.history_user, earlier.history_change_reason) == (None, None)


AGREEMENT_HEADERS = [
    "Title",
    "Kind",
    "Registration number",
    "Responsible unit",
    "Partners (separated by ;)",
    "Expires on",
    "Areas of cooperation (separated by ;)",
]


def test_undoing_an_agreement_update_gives_back_its_areas_and_dates_and_removes_the_parties_it_added(
    office_user, faculty, gazi
):
    hacettepe = InstitutionFactory(name="Hacettepe University", country="TR")
    agreement = AgreementFactory(
        title="MoU", registration_number="MOU-1", responsible_unit=faculty, expires_on=datetime.date(2027, 6, 30)
    )
    party = AgreementPartyFactory(agreement=agreement, institution=gazi)
    agreement.areas.set([AreaOfCooperation.objects.get(code="student_mobility")])
    rows = [
        [
            "MoU",
            "mou",
            "MOU-1",
            "Faculty of Engineering",
            "Gazi University; Hacettepe University",
            "15.01.2030",
            "student_mobility; joint_research",
        ]
    ]
    last_before = agreement.history.latest("history_id").history_id
    batch = import_preview(kind="agreements", file=xlsx_file(AGREEMENT_HEADERS, rows), user=office_user)
    assert [row["status"] for row in batch.rows] == ["update"]
    batch = import_confirm(batch=batch, user=office_user)
    agreement.refresh_from_db()
    assert sorted(agreement.areas.values_list("code", flat=True)) == ["joint_research", "student_mobility"]
    assert agreement.expires_on == datetime.date(2030, 1, 15)

    import_undo(batch=batch, user=office_user)

    agreement = Agreement.objects.get(pk=agreement.pk)
    assert list(agreement.areas.values_list("code", flat=True)) == ["student_mobility"]
    assert agreement.expires_on == datetime.date(2027, 6, 30)
    assert [p.institution for p in agreement.parties.all()] == [gazi]
    assert not AgreementParty.objects.filter(institution=hacettepe).exists()
    assert agreement.parties.get() == party
    # Every history row the import and its undo wrote, the areas' too, names who and why.
    written = agreement.history.filter(history_id__gt=last_before).order_by("history_date", "history_id")
    assert [(row.history_user, row.history_change_reason) for row in written] == [
        (office_user, "Imported from import.xlsx"),
        (office_user, "Imported from import.xlsx"),
        (office_user, "Import of import.xlsx undone"),
        (office_user, "Import of import.xlsx undone"),
    ]


def test_an_agreement_the_import_created_with_its_areas_is_undone_with_them(office_user, faculty, gazi):
    """The links to its areas are the new agreement's own rows, not uses of it by another record."""
    rows = [
        ["MoU", "mou", "MOU-2", "Faculty of Engineering", "Gazi University", "", "student_mobility; joint_research"]
    ]
    batch = import_preview(kind="agreements", file=xlsx_file(AGREEMENT_HEADERS, rows), user=office_user)
    assert [row["status"] for row in batch.rows] == ["new"]
    batch = import_confirm(batch=batch, user=office_user)
    created = Agreement.objects.get(registration_number="MOU-2")
    assert created.areas.count() == 2

    assert undo_problems(batch) == []
    import_undo(batch=batch, user=office_user)

    assert not Agreement.objects.filter(pk=created.pk).exists()
    assert not Agreement.areas.through.objects.filter(agreement_id=created.pk).exists()


def test_undo_is_refused_once_a_record_it_created_has_been_changed(office_user, gazi):
    batch = import_confirm(
        batch=preview_institutions(office_user, [["Sakarya University", "TR", "Sakarya", "", ""]]), user=office_user
    )
    sakarya = Institution.objects.get(name="Sakarya University")
    sakarya.city = "Serdivan"
    sakarya.save()

    with pytest.raises(ImportRefused) as refused:
        import_undo(batch=batch, user=office_user)

    assert refused.value.messages == [
        "This import cannot be undone:",
        "institution 'Sakarya University', created by this import, has been changed since.",
    ]
    assert Institution.objects.get(pk=sakarya.pk).city == "Serdivan"
    batch.refresh_from_db()
    assert (batch.status, batch.undone_by, batch.undone_at) == (ImportBatch.Status.IMPORTED, None, None)


def test_the_imports_own_writes_are_not_changes_since_even_within_one_tick_of_the_clock(office_user, gazi):
    """A coarse clock (or a fast machine) can stamp the import's own history rows with the very
    moment recorded as imported_at: only what happened *after* it counts as a change."""
    with time_machine.travel(datetime.datetime(2027, 3, 2, 9, 30, tzinfo=datetime.UTC), tick=False):
        batch = preview_institutions(
            office_user,
            [["Gazi University", "TR", "Beşevler", "", ""], ["Sakarya University", "TR", "Sakarya", "", ""]],
        )
        batch = import_confirm(batch=batch, user=office_user)
        assert gazi.history.latest().history_date == batch.imported_at
        assert undo_problems(batch) == []
        import_undo(batch=batch, user=office_user)
    assert not Institution.objects.filter(name="Sakarya University").exists()


def test_a_preview_that_was_never_confirmed_cannot_be_undone(office_user):
    batch = preview_institutions(office_user, [["Sakarya University", "TR", "Sakarya", "", ""]])

    assert undo_problems(batch) == ["Only a completed import can be undone."]
    with pytest.raises(ImportRefused) as refused:
        import_undo(batch=batch, user=office_user)

    assert refused.value.messages == ["Only a completed import can be undone."]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_a_required_cell_that_cannot_be_read_says_so_once_not_also_that_it_is_missing(office_user):
    batch = preview_institutions(office_user, [["Sakarya University", "Narnia", "", "", ""]])

    assert batch.rows[0]["errors"] == [
        "row 2, Country: 'Narnia' is not a country; write its name or its ISO code (TR, CN)."
    ]


def test_a_required_cell_left_empty_is_an_error_of_its_column(office_user):
    batch = preview_institutions(office_user, [["Sakarya University", "", "Sakarya", "", ""]])

    assert batch.rows[0]["errors"] == ["row 2, Country: a value is required."]
    assert (batch.row_count, batch.error_count) == (1, 1)


def test_a_csv_line_shorter_than_the_header_reads_its_missing_cells_as_empty(office_user):
    file = csv_file(
        INSTITUTION_HEADERS,
        [["Sakarya University", "TR", "Sakarya", "", ""], ["Erciyes University", "TR"], ["Ankara University"]],
        delimiter=",",
    )

    batch = import_preview(kind="institutions", file=file, user=office_user)

    assert [row["status"] for row in batch.rows] == ["new", "new", "error"]
    assert batch.rows[2]["errors"] == ["row 4, Country: a value is required."]
    assert [row["label"] for row in batch.rows] == ["Sakarya University", "Erciyes University", "Ankara University"]
