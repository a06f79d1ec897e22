"""The shared layer of the entry forms (cooperation/lib/forms.py), asserted on the agreement page
as a browser submits it: each row's controls named with the row's number, the blank row's
placeholder, the error summary tying each error to its control (and the control described by
it), and a save that changes nothing leaving the history alone."""

import lxml.html
import pytest
from django.urls import reverse

from agreements.models import Agreement, Quota
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    InstitutionFactory,
    QuotaFactory,
    SignatoryFactory,
)


@pytest.fixture
def agreement(db, university):
    agreement = AgreementFactory(responsible_unit=university, notes="Signed in Ankara.\r\nOriginal kept.")
    gazi = AgreementPartyFactory(agreement=agreement, institution=InstitutionFactory(name="Gazi University"), order=0)
    AgreementPartyFactory(agreement=agreement, institution=None, unit=university, order=1)
    SignatoryFactory(party=gazi, full_name="Musa Yıldız", position="Rector")
    QuotaFactory(agreement=agreement, places=4, eqf_levels=[6, 7], category=Quota.Category.STUDENT_STUDIES)
    return agreement


def edit_url(agreement) -> str:
    return reverse("agreements:agreement-edit", args=[agreement.pk])


def page(response):
    return lxml.html.fromstring(response.content.decode())


def control(document, name):
    found = document.xpath(f'//form//*[@name="{name}"][not(ancestor::template)]')
    assert found, name
    return found[0]


def summary(document) -> list[tuple[str, str]]:
    links = document.xpath('//*[@id="error-summary"]//a')
    return [(link.get("href"), " ".join(link.text_content().split())) for link in links]


def test_each_rows_controls_are_named_with_the_rows_number_as_people_count(client, office_user, agreement):
    client.force_login(office_user)
    document = page(client.get(edit_url(agreement)))

    assert control(document, "parties-0-signatory_position").get("aria-label") == "Position, row 1"
    assert control(document, "parties-1-signatory_position").get("aria-label") == "Position, row 2"
    assert control(document, "quotas-0-places").get("aria-label") == "Places per year, row 1"


def test_the_blank_row_to_copy_carries_the_placeholder_formset_js_numbers(client, office_user, agreement):
    client.force_login(office_user)
    html = client.get(edit_url(agreement)).content.decode()
    document = lxml.html.fromstring(html)

    template_places = document.xpath('//template//*[@name="quotas-__prefix__-places"]')
    assert template_places
    assert template_places[0].get("aria-label").endswith(", row __row__")


def test_each_eqf_box_is_named_by_its_level_the_field_and_the_row(client, office_user, agreement):
    client.force_login(office_user)
    document = page(client.get(edit_url(agreement)))

    boxes = document.xpath('//form//input[@name="quotas-0-eqf_levels"][not(ancestor::template)]')
    labels = [box.get("aria-label") for box in boxes]
    assert len(labels) == len(set(labels)) == len(Quota.EQF_LEVELS)
    assert labels == [f"{level} — EQF levels, row 1" for level in Quota.EQF_LEVELS]
    assert not any(box.get("aria-label") is None for box in boxes)


def test_row_controls_get_the_bootstrap_class_of_their_kind(client, office_user, agreement):
    client.force_login(office_user)
    document = page(client.get(edit_url(agreement)))

    assert "form-select-sm" in control(document, "quotas-0-category").get("class").split()
    assert "form-control-sm" in control(document, "quotas-0-places").get("class").split()
    assert "form-check-input" in control(document, "quotas-0-blended").get("class").split()


def test_a_row_field_error_is_in_the_summary_linked_to_its_control_which_it_describes(client, office_user, agreement):
    client.force_login(office_user)
    form = RenderedForm.get(client, edit_url(agreement))
    form["parties-1-signed_on"] = "2024-01-16"  # a date without the name of who signed

    document = page(form.submit(client))

    name = control(document, "parties-1-signatory_name")
    assert (f"#{name.get('id')}", f"{name.get('aria-label')}: Name the person who signed.") in summary(document)
    assert f"{name.get('id')}_error" in name.get("aria-describedby").split()
    assert name.get("aria-invalid") == "true"
    assert document.get_element_by_id(f"{name.get('id')}_error") is not None
    other = control(document, "parties-0-signatory_name")
    assert other.get("aria-invalid") is None


def test_an_error_of_the_whole_table_is_tied_to_its_first_control(client, office_user, agreement):
    client.force_login(office_user)
    form = RenderedForm.get(client, edit_url(agreement))
    form["parties-0-DELETE"] = "on"  # removes the only partner

    document = page(form.submit(client))

    first = control(document, "parties-0-institution")
    assert first.get("aria-label") == "Partner institution, row 1"
    assert (f"#{first.get('id')}", f"{first.get('aria-label')}: Add at least one partner institution.") in summary(
        document
    )
    assert "parties-errors" in first.get("aria-describedby").split()
    assert first.get("aria-invalid") == "true"
    assert Agreement.objects.get(pk=agreement.pk).parties.count() == 2


def test_an_error_of_a_whole_row_is_tied_to_the_rows_first_control(client, office_user, agreement):
    client.force_login(office_user)
    form = RenderedForm.get(client, edit_url(agreement))
    form["parties-0-institution"] = ""  # its signatory is left without a party

    document = page(form.submit(client))

    first = control(document, "parties-0-institution")
    message = "Choose the party this person signs for."
    assert (f"#{first.get('id')}", f"Partner institution, row 1: {message}") in summary(document)
    assert "parties-0-row-errors" in first.get("aria-describedby").split()
    assert first.get("aria-invalid") == "true"
    assert document.get_element_by_id("parties-0-row-errors").text_content().strip() == message


def test_the_records_own_fields_are_in_the_summary_labelled_by_their_label(client, office_user, agreement):
    client.force_login(office_user)
    form = RenderedForm.get(client, edit_url(agreement))
    form["title"] = ""

    document = page(form.submit(client))

    title = control(document, "title")
    assert (f"#{title.get('id')}", "Title: This field is required.") in summary(document)
    assert len(summary(document)) == 1


def test_a_save_that_changes_nothing_writes_no_history(client, office_user, agreement):
    client.force_login(office_user)
    entries = agreement.history.count()

    response = RenderedForm.get(client, edit_url(agreement)).submit(client)

    assert response.status_code == 302
    assert agreement.history.count() == entries
    assert Agreement.objects.get(pk=agreement.pk).notes == "Signed in Ankara.\r\nOriginal kept."
