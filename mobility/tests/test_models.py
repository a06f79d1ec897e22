"""Mobility: the database refuses what the model forbids, and a participant's next steps."""

import datetime
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction
from django.db.models import ProtectedError

from cooperation.tests.factories import AgreementFactory, ParticipantFactory, ProgramFactory
from mobility.models import Participant

Status = Participant.Status


def refused(create) -> None:
    """`create` must fail in the database; the savepoint keeps the test's transaction usable.
    (PostgreSQL refuses a too-long value by the column's length, SQLite by the check constraint.)"""
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        create()


# Programs


def test_it_refuses_an_academic_year_written_with_a_dash(db):
    refused(lambda: ProgramFactory(academic_year="2025-2026"))


def test_it_accepts_an_academic_year_written_with_a_slash(db):
    assert ProgramFactory(academic_year="2025/2026").pk


# Participants: dates and grants


def test_it_refuses_a_mobility_that_ends_before_it_starts(db):
    refused(lambda: ParticipantFactory(starts_on=datetime.date(2026, 2, 1), ends_on=datetime.date(2026, 1, 31)))


def test_it_accepts_a_mobility_of_one_day_or_without_dates(db):
    ParticipantFactory(starts_on=datetime.date(2026, 2, 1), ends_on=datetime.date(2026, 2, 1))
    ParticipantFactory(starts_on=datetime.date(2026, 2, 1), ends_on=None)
    assert Participant.objects.count() == 2


@pytest.mark.parametrize(
    ("amount", "currency"),
    [(Decimal("1500.00"), ""), (Decimal("1500.00"), "eur"), (Decimal("1500.00"), "EURO"), (Decimal("-1.00"), "EUR")],
)
def test_it_refuses_a_grant_without_a_proper_currency_or_amount(db, amount, currency):
    refused(lambda: ParticipantFactory(grant_amount=amount, grant_currency=currency))


def test_it_accepts_a_grant_with_its_currency_and_no_grant_at_all(db):
    ParticipantFactory(grant_amount=Decimal("450000.00"), grant_currency="KZT")
    ParticipantFactory(grant_amount=Decimal("0"), grant_currency="EUR")
    ParticipantFactory(grant_amount=None, grant_currency="")
    assert Participant.objects.count() == 3


# What may not be deleted


def test_it_refuses_to_delete_an_agreement_with_a_program(db):
    agreement = AgreementFactory()
    ProgramFactory(agreement=agreement)
    with pytest.raises(ProtectedError):
        agreement.delete()


def test_it_refuses_to_delete_a_program_with_participants(db):
    participant = ParticipantFactory()
    with pytest.raises(ProtectedError):
        participant.program.delete()


def test_it_refuses_to_delete_a_partner_with_participants(db):
    participant = ParticipantFactory()
    with pytest.raises(ProtectedError):
        participant.partner_institution.delete()


def test_it_refuses_to_delete_a_unit_with_programs(faculty):
    ProgramFactory(unit=faculty)
    with pytest.raises(ProtectedError):
        faculty.delete()


# The pipeline


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Status.NOMINATED, [Status.APPLIED, Status.WITHDRAWN]),
        (Status.APPLIED, [Status.ACCEPTED, Status.WITHDRAWN]),
        (Status.ACCEPTED, [Status.ABROAD, Status.WITHDRAWN]),
        (Status.ABROAD, [Status.RETURNED, Status.WITHDRAWN]),
        (Status.RETURNED, [Status.COMPLETED, Status.WITHDRAWN]),
        (Status.COMPLETED, []),
        (Status.WITHDRAWN, []),
    ],
)
def test_allowed_statuses(status, allowed):
    assert Participant(status=status).allowed_statuses() == allowed


def test_documents_overdue_leaves_out_withdrawn_participants_and_today(db):
    today = datetime.date(2026, 3, 10)
    late = ParticipantFactory(documents_due_on=today - datetime.timedelta(days=1))
    ParticipantFactory(documents_due_on=today)
    ParticipantFactory(documents_due_on=today - datetime.timedelta(days=1), status=Status.WITHDRAWN)
    assert list(Participant.objects.documents_overdue(on=today)) == [late]
