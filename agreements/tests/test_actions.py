"""The one-click actions on an agreement's page: status, renew, terminate."""

import datetime

from django.utils import timezone

from agreements.models import Agreement, AreaOfCooperation
from cooperation.tests.factories import AgreementFactory, AgreementPartyFactory


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_draft_is_signed_from_its_page(client, office_user, faculty):
    draft = AgreementFactory(status=Agreement.Status.DRAFT, responsible_unit=faculty)
    client.force_login(office_user)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Mark “Signed”" in page
    response = client.post(f"/agreements/{draft.pk}/status/", {"status": "signed"}, follow=True)
    draft.refresh_from_db()
    assert draft.status == "signed"
    assert "The status is now “Signed”." in messages_of(response)


def test_a_transition_not_allowed_is_explained_and_changes_nothing(client, office_user):
    terminated = AgreementFactory(
        status=Agreement.Status.TERMINATED, terminated_on=datetime.date(2025, 1, 1), termination_reason="Closed."
    )
    client.force_login(office_user)
    response = client.post(f"/agreements/{terminated.pk}/status/", {"status": "draft"}, follow=True)
    terminated.refresh_from_db()
    assert terminated.status == "terminated"
    assert any("cannot go from" in message for message in messages_of(response))


def test_renewing_makes_a_draft_successor_with_the_same_parties_and_opens_it(client, office_user):
    agreement = AgreementFactory()
    AgreementPartyFactory.create_batch(2, agreement=agreement)
    client.force_login(office_user)
    response = client.post(f"/agreements/{agreement.pk}/renew/")
    successor = Agreement.objects.get(renews=agreement)
    assert response.status_code == 302 and response.url == f"/agreements/{successor.pk}/edit/"
    assert successor.status == "draft"
    assert list(successor.parties.values_list("institution", flat=True)) == list(
        agreement.parties.values_list("institution", flat=True)
    )
    again = client.post(f"/agreements/{agreement.pk}/renew/", follow=True)
    assert any("already renewed" in message for message in messages_of(again))


def test_terminating_needs_a_reason(client, office_user):
    agreement = AgreementFactory()
    client.force_login(office_user)
    response = client.post(f"/agreements/{agreement.pk}/terminate/", {"terminated_on": "2026-11-25"}, follow=True)
    agreement.refresh_from_db()
    assert agreement.status == "signed"
    assert "Say why the agreement is terminated." in messages_of(response)
    client.post(
        f"/agreements/{agreement.pk}/terminate/",
        {"terminated_on": "2026-11-25", "termination_reason": "The partner closed the program."},
    )
    agreement.refresh_from_db()
    assert (agreement.status, agreement.terminated_on) == ("terminated", datetime.date(2026, 11, 25))


def test_a_bad_date_is_explained(client, office_user):
    agreement = AgreementFactory()
    client.force_login(office_user)
    response = client.post(
        f"/agreements/{agreement.pk}/terminate/",
        {"terminated_on": "25.13.2026", "termination_reason": "x"},
        follow=True,
    )
    assert "“25.13.2026” is not a date." in messages_of(response)
    agreement.refresh_from_db()
    assert agreement.status == "signed"


def test_the_rector_and_another_units_coordinator_are_refused(client, rector, other_coordinator, faculty):
    agreement = AgreementFactory(responsible_unit=faculty)
    for user in (rector, other_coordinator):
        client.force_login(user)
        for action, data in (
            ("status", {"status": "terminated"}),
            ("renew", {}),
            ("terminate", {"termination_reason": "x"}),
        ):
            assert client.post(f"/agreements/{agreement.pk}/{action}/", data).status_code == 403
        page = client.get(agreement.get_absolute_url()).content.decode()
        assert "Renew" not in page and "terminate-form" not in page
    agreement.refresh_from_db()
    assert agreement.status == "signed" and not Agreement.objects.filter(renews=agreement).exists()


def test_a_draft_without_a_date_of_signature_is_signed_with_the_date_given_next_to_the_button(client, office_user):
    draft = AgreementFactory(status=Agreement.Status.DRAFT, signed_on=None)
    client.force_login(office_user)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'name="signed_on"' in page
    response = client.post(f"/agreements/{draft.pk}/status/", {"status": "signed"}, follow=True)
    draft.refresh_from_db()
    assert (draft.status, draft.signed_on) == ("draft", None)
    assert "A signed agreement needs its date of signature." in messages_of(response)
    client.post(f"/agreements/{draft.pk}/status/", {"status": "signed", "signed_on": "2026-11-20"})
    draft.refresh_from_db()
    assert (draft.status, draft.signed_on) == ("signed", datetime.date(2026, 11, 20))


def test_a_draft_goes_under_negotiation_and_back(client, office_user):
    draft = AgreementFactory(status=Agreement.Status.DRAFT)
    client.force_login(office_user)
    client.post(f"/agreements/{draft.pk}/status/", {"status": "negotiation"})
    draft.refresh_from_db()
    assert draft.status == "negotiation"
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Mark “Draft”" in page and "Mark “Signed”" in page
    response = client.post(f"/agreements/{draft.pk}/status/", {"status": "nonsense"}, follow=True)
    assert response.status_code == 200
    assert "nonsense is not a status of an agreement." in messages_of(response)


def test_the_renewal_carries_the_areas_and_the_chain_shows_both_ways(client, office_user):
    agreement = AgreementFactory(title="Memorandum with METU")
    AgreementPartyFactory(agreement=agreement)
    agreement.areas.set(
        [
            AreaOfCooperation.objects.create(code="test-mobility", name="Academic mobility"),
            AreaOfCooperation.objects.create(code="test-research", name="Joint research"),
        ]
    )
    client.force_login(office_user)
    assert f"/agreements/{agreement.pk}/renew/" in client.get(agreement.get_absolute_url()).content.decode()
    client.post(f"/agreements/{agreement.pk}/renew/")
    successor = Agreement.objects.get(renews=agreement)
    assert set(successor.areas.values_list("code", flat=True)) == {"test-mobility", "test-research"}
    assert successor.responsible_unit_id == agreement.responsible_unit_id
    for page_of, other in ((agreement, successor), (successor, agreement)):
        page = client.get(page_of.get_absolute_url()).content.decode()
        assert other.get_absolute_url() in page
    # Renewed once: the button is gone from the earlier agreement, though it stays signed until the successor is.
    agreement.refresh_from_db()
    assert agreement.status == "signed"
    assert f"/agreements/{agreement.pk}/renew/" not in client.get(agreement.get_absolute_url()).content.decode()


def test_only_a_signed_agreement_is_renewed_or_terminated(client, office_user):
    draft = AgreementFactory(status=Agreement.Status.DRAFT)
    client.force_login(office_user)
    response = client.post(f"/agreements/{draft.pk}/renew/", follow=True)
    assert "Only a signed agreement can be renewed; this one is “Draft”." in messages_of(response)
    response = client.post(f"/agreements/{draft.pk}/terminate/", {"termination_reason": "x"}, follow=True)
    assert "Only a signed agreement can be terminated; this one is “Draft”." in messages_of(response)
    draft.refresh_from_db()
    assert draft.status == "draft" and not Agreement.objects.filter(renews=draft).exists()


def test_termination_defaults_to_today_and_shows_the_reason(client, office_user):
    agreement = AgreementFactory()
    client.force_login(office_user)
    response = client.post(
        f"/agreements/{agreement.pk}/terminate/",
        {"terminated_on": "", "termination_reason": "Partner closed."},
        follow=True,
    )
    agreement.refresh_from_db()
    assert agreement.terminated_on == timezone.localdate()
    assert "The agreement is terminated." in messages_of(response)
    assert "Partner closed." in response.content.decode()
    response = client.post(f"/agreements/{agreement.pk}/terminate/", {"termination_reason": "Again."}, follow=True)
    assert any("Only a signed agreement can be terminated" in message for message in messages_of(response))
    agreement.refresh_from_db()
    assert agreement.termination_reason == "Partner closed."


def test_the_coordinator_of_the_unit_acts_on_its_agreements(client, coordinator, faculty):
    agreement = AgreementFactory(responsible_unit=faculty)
    client.force_login(coordinator)
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "terminate-form" in page
    response = client.post(f"/agreements/{agreement.pk}/renew/")
    assert response.status_code == 302
    assert Agreement.objects.filter(renews=agreement, responsible_unit=faculty).exists()


def test_actions_are_post_only_and_need_a_login(client, office_user):
    agreement = AgreementFactory()
    for action in ("status", "renew", "terminate"):
        response = client.post(f"/agreements/{agreement.pk}/{action}/")
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    client.force_login(office_user)
    for action in ("status", "renew", "terminate"):
        assert client.get(f"/agreements/{agreement.pk}/{action}/").status_code == 405
