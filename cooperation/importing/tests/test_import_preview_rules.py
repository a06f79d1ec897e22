"""The finer rules of the preview: how it shows a change, which headers mark a required column,
and which of the preview's controls are read as the user's decisions."""

import datetime

import pytest

from agreements.models import Agreement
from cooperation.importing.base import RowDecisions
from cooperation.importing.institutions import InstitutionImport
from cooperation.importing.services import import_preview
from cooperation.importing.tests.test_import_helpers import xlsx_file
from cooperation.tests.factories import AgreementFactory, AgreementPartyFactory, InstitutionFactory
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
    assert batch.rows[0]["message"] == "updates Gazi University (TR): changes: Kind, City"


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


@pytest.mark.django_db
def test_an_update_that_would_break_a_rule_of_the_record_is_an_error_of_its_row(office_user, faculty):
    agreement = AgreementFactory(
        title="MoU", registration_number="MOU-1", responsible_unit=faculty, valid_from=datetime.date(2026, 1, 1)
    )
    AgreementPartyFactory(agreement=agreement, institution=InstitutionFactory(name="Gazi University"))
    headers = ["Title", "Kind", "Registration number", "Responsible unit", "Partners (separated by ;)", "Expires on"]
    rows = [["MoU", "mou", "MOU-1", "Faculty of Engineering", "Gazi University", "31.12.2025"]]

    batch = import_preview(kind="agreements", file=xlsx_file(headers, rows), user=office_user)

    assert batch.rows[0]["status"] == "error"
    assert batch.rows[0]["errors"] == ["row 2: The expiry date must come after the date it enters into force."]
    assert Agreement.objects.get(pk=agreement.pk).expires_on == agreement.expires_on
