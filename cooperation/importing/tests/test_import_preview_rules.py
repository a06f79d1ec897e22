"""The finer rules of the preview: how it shows a change, which headers mark a required column,
and which of the preview's controls are read as the user's decisions."""

import pytest

from cooperation.importing.base import RowDecisions
from cooperation.importing.institutions import InstitutionImport
from cooperation.importing.services import import_preview
from cooperation.importing.tests.test_import_helpers import xlsx_file
from cooperation.tests.factories import InstitutionFactory
from partners.models import Institution


@pytest.mark.django_db
def test_a_change_shows_an_empty_old_value_as_empty_and_a_stored_value_outside_the_choices_as_it_is(office_user):
    gazi = InstitutionFactory(name="Gazi University", country="TR", city="")
    Institution.objects.filter(pk=gazi.pk).update(kind="polytechnic")  # a kind no longer offered
    rows = [["Gazi University", "TR", "Beşevler", "University"]]

    batch = import_preview(
        kind="institutions", file=xlsx_file(["Official name", "Country", "City", "Kind"], rows), user=office_user
    )

    assert sorted(batch.rows[0]["changes"]) == [["City", "", "Beşevler"], ["Kind", "polytechnic", "University"]]


def test_only_the_headers_of_required_columns_carry_an_asterisk():
    headers = {column.key: column.header() for column in InstitutionImport.columns}

    assert (headers["name"], headers["country"]) == ("Official name *", "Country *")
    assert (headers["city"], headers["pic"]) == ("City", "PIC")


def test_only_the_preview_controls_of_a_row_number_are_read_as_decisions():
    """row-<number> is a choice, confirm-<number> a confirmed change; anything else the form
    sends (the CSRF token, a misspelt or forged name, a number of ten digits or in other
    digits than 0-9) is ignored rather than read as a row."""
    data = {
        "csrfmiddlewaretoken": "abc",
        "row-2": "skip",
        "confirm-3": "on",
        "row-123456789": "new",
        "row-1234567890": "new",
        "confirm-12345678901": "on",
        "row-abc": "new",
        "confirm-": "on",
        "row-١٢": "new",
        "other-5": "new",
        "row-4-5": "new",
    }

    decisions = RowDecisions.from_form(data)

    assert decisions.chosen == {2: "skip", 123456789: "new"}
    assert decisions.confirmed == {3}
    assert decisions.confirming
