"""A partner, agreement or visit that other records refer to cannot be deleted, on any delete
path: foreign keys are PROTECT (Django refuses), many-to-many links are guarded by
cooperation.lib.protection. The admin says which records stand in the way and deletes nothing."""

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from agreements.models import Agreement
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ContactFactory,
    FollowUpActionFactory,
    InstitutionFactory,
    InstitutionNameFactory,
    ParticipantFactory,
    ProgramFactory,
    VisitFactory,
    VisitParticipantFactory,
)
from cooperation.visits.models import FollowUpAction, Visit, VisitParticipant
from partners.models import Contact, Institution, InstitutionName

pytestmark = pytest.mark.django_db


def admin_delete_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])


def linked_by(case: str):
    """An institution and what refers to it, for each kind of reference."""
    institution = InstitutionFactory(name="Gazi University")
    if case == "contact":
        ContactFactory(institution=institution)
    elif case == "agreement party":
        AgreementPartyFactory(institution=institution)
    elif case == "mobility participant":
        ParticipantFactory(partner_institution=institution)
    elif case == "child institution":
        InstitutionFactory(parent=institution)
    elif case == "merged institution":
        InstitutionFactory(merged_into=institution)
    elif case == "visit":
        VisitFactory().partners.add(institution)
    elif case == "program":
        ProgramFactory().partners.add(institution)
    return institution


INSTITUTION_CASES = [
    "contact",
    "agreement party",
    "mobility participant",
    "child institution",
    "merged institution",
    "visit",
    "program",
]


@pytest.mark.parametrize("case", INSTITUTION_CASES)
def test_a_partner_that_others_refer_to_is_not_deleted(case):
    institution = linked_by(case)

    # (Each in a savepoint: a link refusal is raised inside the delete's transaction.)
    with pytest.raises(ProtectedError), transaction.atomic():
        institution.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Institution.objects.filter(pk=institution.pk).delete()

    assert Institution.objects.filter(pk=institution.pk).exists()


@pytest.mark.parametrize("case", INSTITUTION_CASES)
def test_the_admin_refuses_to_delete_a_referred_partner_and_says_why(client, admin_user, case):
    institution = linked_by(case)
    client.force_login(admin_user)

    page = client.get(admin_delete_url(institution))
    assert page.status_code == 200
    assert page.context["protected"], case
    response = client.post(admin_delete_url(institution), {"post": "yes"})

    assert response.status_code == 200  # the same refusal, not a redirect to the list
    assert "protected" in response.content.decode()
    assert Institution.objects.filter(pk=institution.pk).exists()


def test_delete_selected_in_the_admin_refuses_too(client, admin_user):
    linked = linked_by("visit")
    free = InstitutionFactory(name="Free University")
    visit = linked.visits.get()
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:partners_institution_changelist"),
        {"action": "delete_selected", "_selected_action": [linked.pk, free.pk], "post": "yes"},
    )

    assert response.status_code == 200
    assert "Cannot delete" in response.content.decode()
    assert visit.title in response.content.decode()
    assert Institution.objects.filter(pk__in=[linked.pk, free.pk]).count() == 2


def test_the_refusal_names_the_records_in_the_way():
    institution = InstitutionFactory(name="Gazi University")
    VisitFactory(title="Rector's delegation").partners.add(institution)

    with pytest.raises(ProtectedError, match="Rector's delegation"):
        institution.delete()


def test_a_partner_nothing_refers_to_is_deleted_with_its_names():
    institution = InstitutionFactory()
    InstitutionNameFactory(institution=institution)

    institution.delete()

    assert not Institution.objects.exists()
    assert not InstitutionName.objects.exists()


def agreement_referred_by(case: str) -> Agreement:
    agreement = AgreementFactory()
    if case == "renewal":
        AgreementFactory(renews=agreement)
    elif case == "program":
        ProgramFactory(agreement=agreement)
    elif case == "visit":
        VisitFactory().agreements_signed.add(agreement)
    return agreement


@pytest.mark.parametrize("case", ["renewal", "program", "visit"])
def test_an_agreement_that_others_refer_to_is_not_deleted(client, admin_user, case):
    agreement = agreement_referred_by(case)

    with pytest.raises(ProtectedError), transaction.atomic():
        agreement.delete()
    client.force_login(admin_user)
    assert client.get(admin_delete_url(agreement)).context["protected"]
    client.post(admin_delete_url(agreement), {"post": "yes"})

    assert Agreement.objects.filter(pk=agreement.pk).exists()


def test_an_agreement_is_deleted_with_its_own_parties():
    party = AgreementPartyFactory()

    party.agreement.delete()

    assert not Agreement.objects.exists()
    assert Institution.objects.filter(pk=party.institution_id).exists()


def test_a_visit_is_deleted_with_its_own_rows_and_leaves_the_people_and_partners():
    """Nothing outside a visit refers to it: its participants, actions and links are its own."""
    participant = VisitParticipantFactory()
    visit = participant.visit
    FollowUpActionFactory(visit=visit)
    partner = InstitutionFactory()
    visit.partners.add(partner)

    visit.delete()

    assert not Visit.objects.exists()
    assert not VisitParticipant.objects.exists()
    assert not FollowUpAction.objects.exists()
    assert Contact.objects.filter(pk=participant.contact_id).exists()
    assert Institution.objects.filter(pk=partner.pk).exists()


def test_a_contact_who_took_part_in_a_visit_is_not_deleted(client, admin_user):
    participant = VisitParticipantFactory()

    with pytest.raises(ProtectedError):
        participant.contact.delete()
    client.force_login(admin_user)
    assert client.get(admin_delete_url(participant.contact)).context["protected"]


def test_a_visit_in_the_admin_lists_its_own_rows_before_deleting(client, admin_user):
    visit = VisitParticipantFactory().visit
    client.force_login(admin_user)

    page = client.get(admin_delete_url(visit))

    assert page.status_code == 200
    assert not page.context["protected"]
    response = client.post(admin_delete_url(visit), {"post": "yes"})
    assert response.status_code == 302
    assert not Visit.objects.filter(pk=visit.pk).exists()
