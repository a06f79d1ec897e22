"""Entering and editing a whole agreement in the browser's form: who may, and what is kept."""

import pytest

from agreements.models import Agreement
from cooperation.tests.factories import AgreementFactory, AgreementPartyFactory, InstitutionFactory, SignatoryFactory


def agreement_post(unit, parties: list[dict], **fields) -> dict:
    data = {
        "title": "Memorandum of Cooperation between METU and the Almaty colleges",
        "kind": "moc",
        "status": "signed",
        "responsible_unit": unit.pk,
        "signed_on": "2025-02-04",
        "valid_from": "2025-02-04",
        "parties-TOTAL_FORMS": str(len(parties)),
        "parties-INITIAL_FORMS": "0",
        "quotas-TOTAL_FORMS": "1",
        "quotas-INITIAL_FORMS": "0",
        "quotas-0-first_academic_year": "2025/2026",
        "quotas-0-last_academic_year": "2026/2027",
        "quotas-0-direction": "outgoing",
        "quotas-0-category": "student_studies",
        "quotas-0-places": "4",
        **fields,
    }
    for index, row in enumerate(parties):
        data.update({f"parties-{index}-{name}": value for name, value in row.items()})
    return data


@pytest.fixture
def colleges(db):
    names = [
        "Almaty College of Technology",
        "Almaty Construction and Technical College",
        "ALMATY POLYTECHNIC COLLEGE",
        "College of Tourism and Hospitality Industry",
    ]
    return [InstitutionFactory(name=name, country="KZ", city="Almaty") for name in names]


def test_the_office_enters_a_memorandum_with_six_parties_at_once(client, office_user, university, faculty, colleges):
    signers = [("Sarsenbekova G.A.", "Rector"), ("Shalabayeva M.H.", "Director")] + [
        (name, "Director") for name in ("Karagulov E.S.", "Akhmetov B.S.", "Omarbekov M.A.", "Zhabykbaev N.J.")
    ]
    parties = [{"unit": university.pk}, {"unit": faculty.pk}] + [{"institution": college.pk} for college in colleges]
    for party, (name, position) in zip(parties, signers, strict=True):
        party.update(signatory_name=name, signatory_position=position, signed_on="2025-02-04")
    client.force_login(office_user)
    response = client.post("/agreements/new/", agreement_post(university, parties))
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and response.url == agreement.get_absolute_url()
    assert agreement.parties.count() == 6
    assert list(agreement.signatories.order_by("party__order").values_list("full_name", "position")) == signers
    assert agreement.quotas.get().places == 4
    assert agreement.created_by == office_user
    assert agreement.history.first().history_user == office_user


def test_bad_input_is_explained_and_nothing_is_written(client, office_user, university, colleges):
    client.force_login(office_user)
    data = agreement_post(university, [{"institution": colleges[0].pk}], expires_on="2024-01-01")
    data["quotas-0-first_academic_year"] = "2025-2026"
    response = client.post("/agreements/new/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The agreement was not saved" in page
    assert "The expiry date must come after the date it enters into force." in page
    assert "2025-2026 is not an academic year" in page
    assert Agreement.objects.count() == 0


def test_editing_replaces_parties_and_signatories(client, office_user, university, colleges):
    agreement = AgreementFactory(responsible_unit=university)
    party = AgreementPartyFactory(agreement=agreement, institution=colleges[0])
    SignatoryFactory(agreement=agreement, party=party, full_name="Old Name")
    client.force_login(office_user)
    page = client.get(f"/agreements/{agreement.pk}/edit/").content.decode()
    assert 'value="Old Name"' in page
    data = agreement_post(university, [{"institution": colleges[1].pk, "signatory_name": "Omarbekov M.A."}])
    data["title"] = agreement.title
    response = client.post(f"/agreements/{agreement.pk}/edit/", data)
    assert response.status_code == 302
    assert [p.institution for p in agreement.parties.all()] == [colleges[1]]
    assert list(agreement.signatories.values_list("full_name", flat=True)) == ["Omarbekov M.A."]


def test_the_rectors_office_gets_no_form(client, rector, university):
    agreement = AgreementFactory(responsible_unit=university)
    client.force_login(rector)
    assert client.get("/agreements/new/").status_code == 403
    assert client.post("/agreements/new/", agreement_post(university, [])).status_code == 403
    assert client.post(f"/agreements/{agreement.pk}/edit/", {}).status_code == 403
    detail = client.get(agreement.get_absolute_url()).content.decode()
    assert "/edit/" not in detail


def test_a_coordinator_edits_their_units_agreements_only(client, coordinator, faculty, other_faculty, colleges):
    ours = AgreementFactory(responsible_unit=faculty)
    theirs = AgreementFactory(responsible_unit=other_faculty)
    client.force_login(coordinator)
    assert client.get(f"/agreements/{ours.pk}/edit/").status_code == 200
    assert client.get(f"/agreements/{theirs.pk}/edit/").status_code == 403
    assert f"/agreements/{ours.pk}/edit/" in client.get(ours.get_absolute_url()).content.decode()
    assert "/edit/" not in client.get(theirs.get_absolute_url()).content.decode()


def test_a_coordinator_cannot_enter_an_agreement_for_another_unit(client, coordinator, other_faculty, colleges):
    client.force_login(coordinator)
    response = client.post("/agreements/new/", agreement_post(other_faculty, [{"institution": colleges[0].pk}]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Agreement.objects.count() == 0
