"""The weekly digest: one e-mail a week to each member of the International office and of the
Rector's office, with what expires, starts and is overdue in the next 30 days."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.utils import timezone

from cooperation import roles
from cooperation.reminders.delivery import reminder_deliver
from cooperation.reminders.digest import digest_contents, digest_record, week_start
from cooperation.reminders.models import Reminder
from cooperation.tests.factories import (
    AgreementFactory,
    FollowUpActionFactory,
    ParticipantFactory,
    ProgramFactory,
    VisitFactory,
    make_user,
)

D = datetime.date
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
MONDAY = D(2025, 9, 1)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime.datetime(2025, 9, 1, 8, 0, tzinfo=ALMATY), tick=False)
    return time_machine


def send_digest(on=None) -> None:
    digest_record(on=on)
    for reminder_id in Reminder.objects.mark_ready_for_queue(timezone.now()):
        reminder_deliver(reminder_id=reminder_id, on=on)


def test_the_week_starts_on_monday():
    assert week_start(D(2025, 9, 7)) == MONDAY
    assert week_start(MONDAY) == MONDAY


def test_it_goes_to_the_office_and_the_rectors_office_only(clock, office_user, rector, coordinator, outsider):
    make_user("retired", roles.OFFICE, is_active=False)
    make_user("no-address", roles.RECTOR, email="")

    send_digest()

    assert sorted(address for message in mail.outbox for address in message.to) == [
        "rector@university.example",
        "staff@university.example",
    ]


def test_an_administrator_counts_as_the_office(clock, office_user, admin_user):
    """A superuser is the office everywhere (holds_a_role): the digest goes to them too."""
    send_digest()

    assert sorted(address for message in mail.outbox for address in message.to) == [
        "admin@university.example",
        "staff@university.example",
    ]


def test_it_goes_once_a_week_however_often_it_is_started(clock, office_user):
    send_digest()
    clock.shift(datetime.timedelta(days=2))
    send_digest()

    assert len(mail.outbox) == 1
    clock.shift(datetime.timedelta(days=5))
    send_digest()
    assert len(mail.outbox) == 2


def test_last_weeks_digest_that_never_went_out_is_not_sent_this_week(clock, office_user):
    digest_record()  # the worker was down all week
    clock.shift(datetime.timedelta(days=7))
    reminder = Reminder.objects.get()

    assert reminder_deliver(reminder_id=reminder.pk).state == "skipped"
    assert mail.outbox == []


def test_it_lists_what_expires_starts_and_is_overdue_in_the_next_30_days(db, faculty):
    owner = make_user("owner")
    expiring = AgreementFactory(title="Expires within the month", expires_on=D(2025, 10, 1))
    AgreementFactory(title="Expires later", expires_on=D(2025, 10, 2))
    renewing = AgreementFactory(
        title="Renews by itself", expires_on=D(2025, 10, 31), auto_renews=True, renewal_notice_days=30
    )
    visit = VisitFactory(title="Delegation", starts_on=D(2025, 9, 20), host_unit=faculty)
    VisitFactory(title="Far ahead", starts_on=D(2025, 11, 20))
    overdue = FollowUpActionFactory(visit=visit, owner=owner, due_on=D(2025, 8, 1))
    FollowUpActionFactory(visit=visit, owner=owner, due_on=D(2025, 8, 1), done_on=D(2025, 8, 2))
    upcoming = FollowUpActionFactory(visit=visit, owner=owner, due_on=D(2025, 9, 10))
    program = ProgramFactory(nomination_deadline=D(2025, 9, 15))
    documents = ParticipantFactory(program=program, documents_due_on=D(2025, 8, 25))

    contents = digest_contents(on=MONDAY, horizon_days=30)

    assert contents.agreements_expiring == [expiring]
    assert [(n.agreement, n.deadline) for n in contents.notice_deadlines] == [(renewing, D(2025, 10, 1))]
    assert contents.visits_starting == [visit]
    assert contents.actions_overdue == [overdue]
    assert contents.actions_due == [upcoming]
    assert contents.program_deadlines == [program]
    assert contents.documents_due == [documents]


def test_the_email_names_each_item_with_a_link(clock, office_user, settings):
    settings.SITE_URL = "https://cooperation.university.example"
    agreement = AgreementFactory(title="Memorandum with METU", expires_on=D(2025, 9, 30))

    send_digest()

    (message,) = mail.outbox
    assert message.subject == "Weekly digest: Sept. 1, 2025 – Oct. 1, 2025"
    assert "Memorandum with METU (" in message.body
    assert f"https://cooperation.university.example/agreements/{agreement.pk}/" in message.alternatives[0][0]


def test_it_is_written_in_the_readers_language(clock, db):
    make_user("rector-ru", roles.RECTOR, language="ru")

    send_digest()

    assert "1 сентября 2025" in mail.outbox[0].subject


def test_an_empty_period_says_so(clock, office_user):
    send_digest()

    assert "Nothing expires, starts or is overdue in this period." in mail.outbox[0].body
