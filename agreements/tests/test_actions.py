"""The one-click actions on an agreement's page: status, renew, terminate."""

import datetime

from agreements.models import Agreement
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
