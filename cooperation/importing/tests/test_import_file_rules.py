"""What an import says about a file as a whole (its headers, a file without a name, a second
confirmation), word for word, and the rows it still reads when a file is oddly shaped."""

import io

import pytest

from cooperation.importing.base import RowDecisions
from cooperation.importing.institutions import InstitutionImport
from cooperation.importing.readers import ImportFileError
from cooperation.importing.services import ImportRefused, import_check, import_confirm, import_preview
from cooperation.importing.tests.test_import_helpers import csv_file, xlsx_file
from cooperation.tests.factories import InstitutionFactory
from partners.models import Institution

pytestmark = pytest.mark.django_db

INSTITUTION_COLUMNS = ", ".join(str(column.label) for column in InstitutionImport.columns)


def test_every_problem_with_the_headers_is_said_at_once_each_in_its_own_sentence(office_user):
    # An unnamed column in the middle is skipped, and the columns after it are still read.
    headers = ["Official name*", "", "Country", "City", "Town", "city "]

    with pytest.raises(ImportFileError) as refused:
        import_check(
            kind="institutions",
            file=xlsx_file(headers, [["Gazi University", "", "TR", "Ankara", "", ""]]),
            user=office_user,
        )

    assert str(refused.value) == (
        f"The column 'Town' is not one of this import's columns: {INSTITUTION_COLUMNS}. "
        "The column 'city' is given twice."
    )


def test_each_required_column_missing_is_named(office_user):
    with pytest.raises(ImportFileError) as refused:
        import_check(kind="institutions", file=xlsx_file(["City"], [["Ankara"]]), user=office_user)

    assert str(refused.value) == (
        "The required column 'Official name' is missing. The required column 'Country' is missing."
    )


def test_a_row_with_a_value_only_under_an_unnamed_column_is_a_row_without_a_name(office_user):
    """The line is shorter than the header and its only value has no column: it is read, not
    a failure, and the preview names it by nothing rather than by a made-up text."""
    file = csv_file(["Official name", "", "Country"], [["", "stray note"]], delimiter=",")

    [row] = import_check(kind="institutions", file=file, user=office_user)

    assert row.label == ""
    assert ("Official name", "a value is required.") in [(str(column), str(message)) for column, message in row.errors]


def test_a_file_without_a_name_is_refused_as_no_spreadsheet_under_the_name_import(office_user):
    with pytest.raises(ImportFileError) as refused:
        import_preview(kind="institutions", file=io.BytesIO(b"Official name;Country\n"), user=office_user)

    assert str(refused.value) == "import is not an .xlsx or .csv file."


def test_a_second_confirmation_is_refused_saying_so(office_user):
    batch = import_preview(
        kind="institutions",
        file=xlsx_file(["Official name", "Country"], [["Sakarya University", "TR"]]),
        user=office_user,
    )
    import_confirm(batch=batch, user=office_user)

    with pytest.raises(ImportRefused) as refused:
        import_confirm(batch=batch, user=office_user)

    assert refused.value.messages == ["This file has already been imported."]
    assert Institution.objects.filter(name="Sakarya University").count() == 1


def test_a_confirmation_without_decisions_applies_no_change_of_status_nobody_confirmed(office_user):
    """The preview only marks such a change; confirming writes it only where the box was ticked,
    and a confirmation that brings no answers (the command, a form that lost them) ticked none."""
    gazi = InstitutionFactory(name="Gazi University", country="TR", pic="999999999", status="active")
    headers, rows = (
        ["Official name", "Country", "PIC", "Status"],
        [["Gazi University", "TR", "999999999", "Prospective"]],
    )
    batch = import_preview(kind="institutions", file=xlsx_file(headers, rows), user=office_user)
    assert batch.rows[0]["needs_confirmation"] is True

    import_confirm(batch=batch, user=office_user)

    gazi.refresh_from_db()
    assert gazi.status == "active"

    confirmed = import_preview(kind="institutions", file=xlsx_file(headers, rows), user=office_user)
    answers = RowDecisions.from_form({"row-2": "update", "confirm-2": "on"})
    import_confirm(batch=confirmed, user=office_user, decisions=answers)
    gazi.refresh_from_db()
    assert gazi.status == "prospective"
