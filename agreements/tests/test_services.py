"""The lifecycle of an agreement through its services: status, termination, renewal, and the audit."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from agreements.models import Agreement, AgreementParty, AreaOfCooperation
from agreements.services import agreement_change_status, agreement_renew, agreement_terminate
from cooperation.tests.factories import AgreementFactory, AgreementPartyFactory, InstitutionFactory

SIGNED_ON = datetime.date(2026, 4, 10)


@pytest.fixture
def draft(faculty):
    return AgreementFactory(
        title="Memorandum with Hacettepe University",
        status=Agreement.Status.DRAFT,
        responsible_unit=faculty,
        signed_on=None,
        valid_from=None,
        expires_on=None,
    )


@pytest.fixture
def signed(faculty, coordinator):
    agreement = AgreementFactory(
        title="Memorandum of cooperation with METU",
        kind=Agreement.Kind.MOC,
        purpose="Joint programs and academic mobility.",
        responsible_unit=faculty,
        responsible_person=coordinator,
        signed_on=datetime.date(2021, 5, 20),
        valid_from=datetime.date(2021, 6, 1),
        expires_on=datetime.date(2026, 5, 31),
        registration_number="MoC-2021/7",
    )
    AgreementPartyFactory(agreement=agreement, institution=None, unit=faculty.parent, order=0)
    AgreementPartyFactory(agreement=agreement, institution=InstitutionFactory(name="METU"), order=1)
    AgreementPartyFactory(agreement=agreement, institution=InstitutionFactory(name="Ankara University"), order=2)
    agreement.areas.set(
        [
            AreaOfCooperation.objects.create(code="test-double-degree", name="Double degree"),
            AreaOfCooperation.objects.create(code="test-summer-schools", name="Summer schools"),
        ]
    )
    return agreement


def stored_status(agreement) -> str:
    return Agreement.objects.values_list("status", flat=True).get(pk=agreement.pk)


# Status


def test_it_moves_a_draft_to_negotiation(draft, office_user):
    agreement_change_status(agreement=draft, status=Agreement.Status.NEGOTIATION, user=office_user)
    assert stored_status(draft) == Agreement.Status.NEGOTIATION


def test_it_signs_an_agreement_with_its_date_of_signature(draft, office_user):
    draft.signed_on = SIGNED_ON
    agreement_change_status(agreement=draft, status=Agreement.Status.SIGNED, user=office_user)
    draft.refresh_from_db()
    assert (draft.status, draft.signed_on) == (Agreement.Status.SIGNED, SIGNED_ON)


def test_it_refuses_to_sign_without_a_date_of_signature(draft, office_user):
    with pytest.raises(ValidationError) as refusal:
        agreement_change_status(agreement=draft, status=Agreement.Status.SIGNED, user=office_user)
    assert "signed_on" in refusal.value.message_dict
    assert stored_status(draft) == Agreement.Status.DRAFT
    assert draft.status == Agreement.Status.DRAFT


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Agreement.Status.SIGNED, Agreement.Status.DRAFT),
        (Agreement.Status.SIGNED, Agreement.Status.NEGOTIATION),
        (Agreement.Status.SIGNED, Agreement.Status.RENEWED),
        (Agreement.Status.RENEWED, Agreement.Status.SIGNED),
        (Agreement.Status.DRAFT, Agreement.Status.RENEWED),
        (Agreement.Status.DRAFT, Agreement.Status.DRAFT),
    ],
)
def test_it_refuses_a_transition_the_lifecycle_does_not_have(db, office_user, start, target):
    agreement = AgreementFactory(status=start)
    with pytest.raises(ValidationError, match="cannot go from"):
        agreement_change_status(agreement=agreement, status=target, user=office_user)
    assert stored_status(agreement) == start


def test_it_refuses_to_reopen_a_terminated_agreement(db, office_user):
    agreement = AgreementFactory(
        status=Agreement.Status.TERMINATED, terminated_on=SIGNED_ON, termination_reason="The partner closed."
    )
    with pytest.raises(ValidationError, match="cannot go from"):
        agreement_change_status(agreement=agreement, status=Agreement.Status.SIGNED, user=office_user)


def test_it_refuses_an_unknown_status(draft, office_user):
    with pytest.raises(ValidationError, match="not a status"):
        agreement_change_status(agreement=draft, status="expired", user=office_user)


def test_it_decides_on_the_stored_status_not_a_stale_copy(draft, office_user):
    stale = Agreement.objects.get(pk=draft.pk)
    Agreement.objects.filter(pk=draft.pk).update(status=Agreement.Status.NEGOTIATION)
    # The stale copy still says "draft"; draft -> negotiation would be allowed, negotiation -> negotiation is not.
    with pytest.raises(ValidationError, match="cannot go from"):
        agreement_change_status(agreement=stale, status=Agreement.Status.NEGOTIATION, user=office_user)


def test_terminating_through_a_status_change_needs_the_date_and_reason(signed, office_user):
    with pytest.raises(ValidationError):
        agreement_change_status(agreement=signed, status=Agreement.Status.TERMINATED, user=office_user)
    assert stored_status(signed) == Agreement.Status.SIGNED


# Termination


def test_it_terminates_a_signed_agreement(signed, office_user):
    agreement_terminate(
        agreement=signed, on=datetime.date(2025, 3, 1), reason="  The partner closed the faculty. ", user=office_user
    )
    signed.refresh_from_db()
    assert signed.status == Agreement.Status.TERMINATED
    assert signed.terminated_on == datetime.date(2025, 3, 1)
    assert signed.termination_reason == "The partner closed the faculty."
    assert signed.state() == "terminated"


@pytest.mark.parametrize("reason", ["", "   "])
def test_it_refuses_a_termination_without_a_reason(signed, office_user, reason):
    with pytest.raises(ValidationError) as refusal:
        agreement_terminate(agreement=signed, on=datetime.date(2025, 3, 1), reason=reason, user=office_user)
    assert "termination_reason" in refusal.value.message_dict
    assert stored_status(signed) == Agreement.Status.SIGNED


@pytest.mark.parametrize("status", [Agreement.Status.DRAFT, Agreement.Status.NEGOTIATION, Agreement.Status.RENEWED])
def test_it_terminates_only_a_signed_agreement(db, office_user, status):
    agreement = AgreementFactory(status=status)
    with pytest.raises(ValidationError, match="Only a signed agreement can be terminated"):
        agreement_terminate(agreement=agreement, on=datetime.date(2025, 3, 1), reason="No reason", user=office_user)
    agreement.refresh_from_db()
    assert (agreement.status, agreement.terminated_on, agreement.termination_reason) == (status, None, "")


def test_it_refuses_to_terminate_twice(signed, office_user):
    agreement_terminate(agreement=signed, on=datetime.date(2025, 3, 1), reason="Closed.", user=office_user)
    with pytest.raises(ValidationError, match="Only a signed agreement"):
        agreement_terminate(agreement=signed, on=datetime.date(2025, 4, 1), reason="Again.", user=office_user)
    signed.refresh_from_db()
    assert (signed.terminated_on, signed.termination_reason) == (datetime.date(2025, 3, 1), "Closed.")


def test_it_refuses_a_termination_before_the_signature(signed, office_user):
    with pytest.raises(ValidationError) as refusal:
        agreement_terminate(agreement=signed, on=datetime.date(2021, 5, 19), reason="Closed.", user=office_user)
    assert "terminated_on" in refusal.value.message_dict
    assert stored_status(signed) == Agreement.Status.SIGNED


# Renewal


def test_renewing_creates_a_draft_successor_with_the_same_substance(signed, office_user):
    successor = agreement_renew(agreement=signed, user=office_user)
    successor.refresh_from_db()
    assert successor.renews == signed
    assert successor.status == Agreement.Status.DRAFT
    assert successor.title == signed.title
    assert successor.kind == Agreement.Kind.MOC
    assert successor.purpose == signed.purpose
    assert successor.responsible_unit == signed.responsible_unit
    assert successor.responsible_person == signed.responsible_person
    assert successor.created_by == office_user
    assert successor.registration_number == ""
    assert set(successor.areas.values_list("code", flat=True)) == {"test-double-degree", "test-summer-schools"}


def test_renewing_copies_the_parties_in_their_order(signed, office_user):
    successor = agreement_renew(agreement=signed, user=office_user)
    assert [(party.institution_id, party.unit_id, party.order) for party in successor.parties.all()] == [
        (party.institution_id, party.unit_id, party.order) for party in signed.parties.all()
    ]
    assert signed.parties.count() == 3


def test_the_successor_starts_the_day_after_the_predecessor_ends(signed, office_user):
    successor = agreement_renew(agreement=signed, user=office_user)
    assert successor.valid_from == datetime.date(2026, 6, 1)
    assert successor.expires_on is None


def test_renewing_takes_the_dates_and_title_given(signed, office_user):
    successor = agreement_renew(
        agreement=signed,
        user=office_user,
        valid_from=datetime.date(2026, 7, 1),
        expires_on=datetime.date(2031, 6, 30),
        title="Memorandum of cooperation with METU, 2026-2031",
    )
    successor.refresh_from_db()
    assert (successor.valid_from, successor.expires_on) == (datetime.date(2026, 7, 1), datetime.date(2031, 6, 30))
    assert successor.title == "Memorandum of cooperation with METU, 2026-2031"


def test_the_predecessor_stays_in_force_until_the_successor_is_signed(signed, office_user):
    successor = agreement_renew(agreement=signed, user=office_user)
    assert stored_status(signed) == Agreement.Status.SIGNED

    successor.signed_on = datetime.date(2026, 5, 15)
    agreement_change_status(agreement=successor, status=Agreement.Status.SIGNED, user=office_user)

    assert stored_status(signed) == Agreement.Status.RENEWED
    assert successor.renews.status == Agreement.Status.RENEWED
    assert signed.renewal_chain() == [signed, successor]


def test_renewing_with_a_date_of_signature_signs_the_successor_at_once(signed, office_user):
    successor = agreement_renew(agreement=signed, user=office_user, signed_on=datetime.date(2026, 5, 15))
    assert stored_status(successor) == Agreement.Status.SIGNED
    assert stored_status(signed) == Agreement.Status.RENEWED
    assert signed.status == Agreement.Status.RENEWED


def test_signing_a_successor_leaves_a_terminated_predecessor_terminated(signed, office_user):
    successor = agreement_renew(agreement=signed, user=office_user)
    agreement_terminate(agreement=signed, on=datetime.date(2026, 1, 10), reason="Closed.", user=office_user)
    successor.signed_on = datetime.date(2026, 5, 15)
    agreement_change_status(agreement=successor, status=Agreement.Status.SIGNED, user=office_user)
    assert stored_status(signed) == Agreement.Status.TERMINATED


def test_an_agreement_is_renewed_only_once(signed, office_user):
    agreement_renew(agreement=signed, user=office_user, title="The first renewal")
    with pytest.raises(ValidationError, match="already renewed by “The first renewal”"):
        agreement_renew(agreement=signed, user=office_user)
    assert Agreement.objects.filter(renews=signed).count() == 1


def test_a_renewed_agreement_is_not_renewed_again(signed, office_user):
    agreement_renew(agreement=signed, user=office_user, signed_on=datetime.date(2026, 5, 15))
    with pytest.raises(ValidationError, match="already renewed"):
        agreement_renew(agreement=signed, user=office_user)


@pytest.mark.parametrize("status", [Agreement.Status.DRAFT, Agreement.Status.NEGOTIATION])
def test_it_renews_only_a_signed_agreement(db, office_user, status):
    agreement = AgreementFactory(status=status)
    with pytest.raises(ValidationError, match="Only a signed agreement can be renewed"):
        agreement_renew(agreement=agreement, user=office_user)
    assert not Agreement.objects.filter(renews=agreement).exists()


def test_a_refused_renewal_leaves_nothing_behind(signed, office_user):
    agreements_before = Agreement.objects.count()
    parties_before = AgreementParty.objects.count()
    with pytest.raises(ValidationError):
        agreement_renew(
            agreement=signed,
            user=office_user,
            valid_from=datetime.date(2026, 6, 1),
            expires_on=datetime.date(2026, 5, 1),
        )
    assert Agreement.objects.count() == agreements_before
    assert AgreementParty.objects.count() == parties_before


def test_a_renewal_signed_too_early_leaves_nothing_behind(signed, office_user):
    agreements_before = Agreement.objects.count()
    with pytest.raises(ValidationError):
        # Signed after the expiry it is given: the successor is refused, and with it the copy.
        agreement_renew(
            agreement=signed,
            user=office_user,
            expires_on=datetime.date(2031, 5, 31),
            signed_on=datetime.date(2032, 1, 1),
        )
    assert Agreement.objects.count() == agreements_before
    assert stored_status(signed) == Agreement.Status.SIGNED


def test_an_automatically_renewing_agreement_is_continued_after_its_current_term(db, office_user):
    agreement = AgreementFactory(expires_on=datetime.date(2025, 1, 15), auto_renews=True, renewal_term_months=12)
    successor = agreement_renew(agreement=agreement, user=office_user)
    assert successor.valid_from == agreement.current_term_end() + datetime.timedelta(days=1)
    assert successor.auto_renews is False


# The audit


def test_a_status_change_is_recorded_with_who_made_it(draft, coordinator):
    agreement_change_status(agreement=draft, status=Agreement.Status.NEGOTIATION, user=coordinator)
    record = draft.history.first()
    assert record.history_user == coordinator
    assert record.status == Agreement.Status.NEGOTIATION
    assert record.history_change_reason == "Status: draft → negotiation"


def test_a_termination_is_recorded_with_who_made_it(signed, office_user):
    agreement_terminate(agreement=signed, on=datetime.date(2025, 3, 1), reason="Closed.", user=office_user)
    record = signed.history.first()
    assert (record.history_user, record.status, record.termination_reason) == (
        office_user,
        Agreement.Status.TERMINATED,
        "Closed.",
    )


def test_a_renewal_is_recorded_with_who_made_it_on_both_agreements(signed, office_user, coordinator):
    successor = agreement_renew(agreement=signed, user=coordinator, signed_on=datetime.date(2026, 5, 15))
    assert {record.history_user for record in successor.history.all()} == {coordinator}
    assert successor.parties.first().history.first().history_user == coordinator
    latest = signed.history.first()
    assert (latest.history_user, latest.status) == (coordinator, Agreement.Status.RENEWED)


def test_the_audit_marker_does_not_stick_to_the_instance(draft, office_user):
    agreement_change_status(agreement=draft, status=Agreement.Status.NEGOTIATION, user=office_user)
    draft.notes = "Edited later, by nobody in particular."
    draft.save()
    assert draft.history.first().history_user is None
    assert draft.history.first().history_change_reason is None
