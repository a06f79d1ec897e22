"""The forms that enter a whole agreement: the agreement itself, its parties and a document."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements.forms import AgreementForm, DocumentUploadForm, PartyFormSet
from cooperation.tests.factories import InstitutionFactory


def party_data(rows: list[dict]) -> dict:
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"form-{index}-{field}": value for field, value in row.items()})
    return data


def test_the_agreement_form_says_which_date_is_wrong(faculty):
    form = AgreementForm(
        data={
            "title": "Memorandum",
            "kind": "mou",
            "responsible_unit": faculty.pk,
            "valid_from": "2026-01-01",
            "expires_on": "2025-01-01",
        }
    )
    assert not form.is_valid()
    assert "The expiry date must come after the date it enters into force." in str(form.errors)


def test_a_party_is_an_institution_or_a_unit_not_both(university):
    partner = InstitutionFactory()
    formset = PartyFormSet(data=party_data([{"institution": partner.pk, "unit": university.pk}]))
    assert not formset.is_valid()
    assert "not both" in str(formset.errors)


def test_the_parties_need_a_partner_and_no_repeats(university):
    partner = InstitutionFactory()
    only_ours = PartyFormSet(data=party_data([{"unit": university.pk}]))
    assert not only_ours.is_valid()
    assert "at least one partner institution" in str(only_ours.non_form_errors())
    twice = PartyFormSet(data=party_data([{"institution": partner.pk}, {"institution": partner.pk}]))
    assert not twice.is_valid()
    assert "listed twice" in str(twice.non_form_errors())


def test_the_parties_become_rows_for_the_service(university):
    partner = InstitutionFactory()
    formset = PartyFormSet(
        data=party_data(
            [
                {"unit": university.pk, "signatory_name": "Sarsenbekova G.A.", "signatory_position": "Rector"},
                {"institution": partner.pk},
                {},
            ]
        )
    )
    assert formset.is_valid(), formset.errors
    rows = formset.rows()
    assert [(row["unit"], row["institution"], row["signatory_name"]) for row in rows] == [
        (university, None, "Sarsenbekova G.A."),
        (None, partner, ""),
    ]


@pytest.mark.parametrize(("content", "valid"), [(b"%PDF-1.7 signed", True), (b"MZ executable", False)])
def test_a_document_is_judged_by_its_content(content, valid):
    form = DocumentUploadForm(data={"kind": "signed"}, files={"file": SimpleUploadedFile("scan.pdf", content)})
    assert form.is_valid() is valid
