"""Imports never change an existing partner unseen: the preview says how each row matched and
what it would change, a change of official name, status or country applies only to the rows
the user confirms, a blank cell erases nothing, and a matched row can become a new partner or
be skipped. The choices are made on the preview page and sent with its own form."""

import pytest
from django.urls import reverse

from cooperation.importing.models import ImportBatch
from cooperation.importing.services import import_preview
from cooperation.importing.tests.test_import_helpers import xlsx_file
from cooperation.importing.tests.test_import_institutions import made_up_names
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.db_state import changes_between, database_state
from cooperation.tests.factories import InstitutionFactory, InstitutionNameFactory
from partners.models import Institution, InstitutionName

HEADERS = ["Official name", "Country", "City", "Status", "Website", "Erasmus code", "Name in Russian", "Name in Kazakh"]


@pytest.fixture
def hacettepe(db):
    # As in the demo data: active, with the misspelling people make on record.
    institution = InstitutionFactory(
        name="Hacettepe University", country="TR", city="Ankara", status="active", website="https://hacettepe.edu.tr"
    )
    InstitutionNameFactory(institution=institution, name="Hacetteppe University", kind="misspelling")
    return institution


@pytest.fixture
def satpaev(db):
    institution = InstitutionFactory(
        name="Сатпаев университеті", country="KZ", city="Алматы", erasmus_code="KZ ALMATY05", status="active"
    )
    InstitutionNameFactory(institution=institution, name="Университет Сатпаева", language="ru")
    return institution


def sheet_of_20() -> list[list]:
    """The sheet of the issue: two spellings of Hacettepe among new partners, with "Турция"
    and "Turkiye" for the country."""
    rows = [[name, "Kazakhstan", "Almaty", "", "", "", "", ""] for name in made_up_names(18)]
    rows[4][1] = "Казахстан"
    rows[5][6] = "Университет Бозарту"
    rows[6][7] = "Тобекор университеті"
    return [
        ["Hacetteppe University", "Турция", "", "Prospective", "", "", "", ""],
        *rows[:9],
        ["Hacettepe Universty", "Turkiye", "Ankara", "", "", "", "", ""],
        *rows[9:],
    ]


def preview(user, rows, headers=HEADERS) -> ImportBatch:
    return import_preview(kind="institutions", file=xlsx_file(headers, rows), user=user)


def row_of(batch, number) -> dict:
    return next(row for row in batch.rows if row["number"] == number)


def confirm_form(client, batch, row: int = 2) -> RenderedForm:
    """The preview's confirm form, known by the choice of one of its rows."""
    return RenderedForm.get(client, batch.get_absolute_url(), containing=f"row-{row}")


def test_the_sheet_of_20_shows_the_matches_and_changes_before_anything_is_written(client, office_user, hacettepe):
    before = database_state()
    client.force_login(office_user)
    url = reverse("importing:institutions")
    upload = RenderedForm.get(client, url, containing="file")
    response = client.post(upload.action, {**upload.data(), "file": xlsx_file(HEADERS, sheet_of_20())})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.row_count == 20 and batch.error_count == 0
    # Nothing but the record of the import is written by the preview.
    assert {change.table for change in changes_between(before, database_state())} == {"cooperation.ImportBatch"}

    typo_on_record, typo_in_generic = row_of(batch, 2), row_of(batch, 12)
    assert typo_on_record["status"] == "update"
    assert typo_on_record["match"] == "through its variant 'Hacetteppe University'"
    assert typo_on_record["changes"] == [["Status", "Active", "Prospective"]]
    assert typo_on_record["needs_confirmation"] is True
    assert typo_on_record["choices"] == ["update", "new", "skip"] and typo_on_record["decision"] == "update"
    # Alike, and already matched by the row before.
    assert typo_in_generic["status"] == "duplicate"
    assert typo_in_generic["message"] == "the same institution as row 2 (Hacetteppe University)"
    assert {row["status"] for row in batch.rows if row["number"] not in (2, 12)} == {"new"}

    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Matched through its variant &#x27;Hacetteppe University&#x27;" in page
    assert "Apply the change of official name, status or country" in page
    form = confirm_form(client, batch)
    assert form["row-2"] == "update" and "confirm-2" in form
    assert "row-12" not in form  # the same partner as row 2: nothing to choose

    # Confirmed as drawn: the status change nobody confirmed is not applied, the rest is.
    response = form.submit(client, follow=True)
    assert "Imported: 18 created, 0 updated." in response.content.decode()
    hacettepe.refresh_from_db()
    assert hacettepe.status == "active"
    assert Institution.objects.count() == 19
    assert InstitutionName.objects.get(name="Тобекор университеті").institution.name == made_up_names(18)[6]
    assert Institution.objects.search("tobekor university").get().name == made_up_names(18)[6]
    assert Institution.objects.search("Бозарту университеті").get().name == made_up_names(18)[5]
    batch.refresh_from_db()
    assert "the change of Status was not confirmed" in row_of(batch, 2)["message"]


def test_a_confirmed_row_changes_the_status(client, office_user, hacettepe):
    batch = preview(office_user, sheet_of_20()[:1])
    client.force_login(office_user)
    form = confirm_form(client, batch)
    form.check("confirm-2")
    form.submit(client)
    hacettepe.refresh_from_db()
    assert hacettepe.status == "prospective"
    assert ImportBatch.objects.get().updated_records == [
        {"model": "partners.institution", "pk": hacettepe.pk, "before": {"status": "active"}}
    ]


def test_a_similar_row_can_update_the_partner_or_become_a_new_one(client, office_user, hacettepe):
    rows = [
        ["Hacettepe Universty", "Türkiye", "", "", "", "", "", ""],
        ["Hacetepe University", "TR", "Beytepe", "", "", "", "", ""],
    ]
    batch = preview(office_user, rows)
    assert [row_of(batch, n)["status"] for n in (2, 3)] == ["duplicate", "duplicate"]
    assert row_of(batch, 2)["match"] == "similar 0.97 to 'Hacettepe University'"
    assert row_of(batch, 2)["decision"] == "skip"
    assert row_of(batch, 2)["changes"] == [["Name variants", "", "Hacettepe Universty"]]  # the city is blank
    assert "not imported unless you choose" in row_of(batch, 2)["message"]
    client.force_login(office_user)
    form = confirm_form(client, batch)
    form["row-2"] = "update"
    form["row-3"] = "new"
    form.submit(client)
    hacettepe.refresh_from_db()
    assert "Hacettepe Universty" in hacettepe.names.values_list("name", flat=True)
    assert hacettepe.city == "Ankara"
    assert Institution.objects.filter(name="Hacetepe University", city="Beytepe").count() == 1


def test_a_matched_row_can_be_skipped(client, office_user, hacettepe):
    batch = preview(office_user, [["Hacettepe University", "TR", "Beytepe", "Inactive", "", "", "", ""]])
    assert row_of(batch, 2)["changes"] == [["City", "Ankara", "Beytepe"], ["Status", "Active", "Inactive"]]
    client.force_login(office_user)
    form = confirm_form(client, batch)
    form["row-2"] = "skip"
    form.check("confirm-2")
    before = database_state()
    form.submit(client)
    changed = {change.table for change in changes_between(before, database_state())}
    assert changed == {"cooperation.ImportBatch"}
    batch.refresh_from_db()
    assert row_of(batch, 2)["message"] == "not imported, as chosen"


def test_blank_cells_never_erase_and_kazakh_and_russian_names_match(client, office_user, satpaev):
    rows = [
        ["Satpaev University", "KZ", "", "", "", "KZ ALMATY05", "", ""],  # by its Erasmus code
    ]
    batch = preview(office_user, rows)
    row = row_of(batch, 2)
    assert row["match"] == "by its Erasmus code KZ ALMATY05"
    assert row["changes"] == [["Name variants", "", "Satpaev University"]]
    assert row["choices"] == ["update", "skip"]  # its code is that partner's
    client.force_login(office_user)
    confirm_form(client, batch).submit(client)
    satpaev.refresh_from_db()
    assert (satpaev.city, satpaev.status, satpaev.name) == ("Алматы", "active", "Сатпаев университеті")
    assert list(Institution.objects.search("satpaev university")) == [satpaev]

    # A Russian name on record, in a Kazakh sheet: the partner through its variant.
    batch = preview(office_user, [["Университет Сатпаева", "Қазақстан", "Алматы", "", "", "", "", ""]])
    assert row_of(batch, 2)["match"] == "through its variant 'Университет Сатпаева'"
    assert row_of(batch, 2)["status"] == "duplicate"  # nothing to change


def test_an_identifier_match_cannot_become_a_new_partner(client, office_user, satpaev):
    batch = preview(office_user, [["Satpaev University", "KZ", "", "", "", "KZ ALMATY05", "", ""]])
    client.force_login(office_user)
    form = confirm_form(client, batch)
    data = form.data()
    data["row-2"] = ["new"]
    response = client.post(form.action, data, follow=True)
    assert "Nothing was imported. row 2: &#x27;new&#x27; is not a choice for this row." in response.content.decode()
    assert InstitutionName.objects.filter(name="Satpaev University").count() == 0
    assert ImportBatch.objects.get().status == "previewed"


def test_the_same_website_domain_is_a_match_to_decide_on(office_user, hacettepe):
    batch = preview(office_user, [["Beytepe Campus", "TR", "", "", "http://www.hacettepe.edu.tr/en", "", "", ""]])
    row = row_of(batch, 2)
    assert (row["status"], row["decision"]) == ("duplicate", "skip")
    assert row["match"] == "by its Website hacettepe.edu.tr"
