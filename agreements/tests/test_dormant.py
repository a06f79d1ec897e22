"""An agreement in force lies dormant when nothing has happened under it for two years: no
mobility (a participant, not withdrawn, of a program resting on it) and no visit (not cancelled)
with one of its partners or at which it was signed. Only what happened within the two years
keeps it active; older mobility and visits do not."""

import datetime

import pytest

from agreements.models import Agreement
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ParticipantFactory,
    ProgramFactory,
    VisitFactory,
)
from mobility.models import Participant

ON = datetime.date(2026, 6, 15)
CUT_OFF = datetime.date(2024, 6, 15)  # two years before ON
DAY = datetime.timedelta(days=1)


@pytest.fixture
def agreement(db):
    """In force on ON, signed well before the cut-off."""
    return AgreementFactory(
        signed_on=datetime.date(2020, 3, 1), valid_from=datetime.date(2020, 3, 1), expires_on=datetime.date(2030, 3, 1)
    )


def dormant() -> set[int]:
    return set(Agreement.objects.dormant(on=ON).values_list("pk", flat=True))


def mobility(agreement, starts_on, **fields):
    program = ProgramFactory(agreement=agreement, academic_year="2019/2020")
    return ParticipantFactory(program=program, starts_on=starts_on, **fields)


def test_an_agreement_with_no_mobility_and_no_visit_for_two_years_is_dormant(agreement):
    assert dormant() == {agreement.pk}


def test_mobility_older_than_two_years_does_not_keep_an_agreement_active(agreement):
    mobility(agreement, starts_on=CUT_OFF - DAY)
    mobility(agreement, starts_on=datetime.date(2021, 9, 1))

    assert dormant() == {agreement.pk}


def test_mobility_within_two_years_keeps_an_agreement_active(agreement):
    mobility(agreement, starts_on=CUT_OFF)  # the cut-off day itself is within the two years

    assert dormant() == set()


def test_planned_mobility_keeps_an_agreement_active(agreement):
    mobility(agreement, starts_on=ON + 30 * DAY)

    assert dormant() == set()


def test_a_withdrawn_participant_does_not_keep_an_agreement_active(agreement):
    mobility(agreement, starts_on=ON - 30 * DAY, status=Participant.Status.WITHDRAWN)

    assert dormant() == {agreement.pk}


def test_a_visit_older_than_two_years_with_a_partner_does_not_keep_an_agreement_active(agreement):
    party = AgreementPartyFactory(agreement=agreement)
    VisitFactory(starts_on=CUT_OFF - DAY).partners.add(party.institution)

    assert dormant() == {agreement.pk}


def test_a_visit_within_two_years_with_a_partner_keeps_an_agreement_active(agreement):
    party = AgreementPartyFactory(agreement=agreement)
    VisitFactory(starts_on=CUT_OFF).partners.add(party.institution)

    assert dormant() == set()


def test_an_agreement_signed_within_the_two_years_is_not_dormant_yet(agreement):
    agreement.signed_on = CUT_OFF + DAY
    agreement.save()

    assert dormant() == set()
