"""Reminders go out in batches over one SMTP connection, to a real SMTP server on loopback, and
each still exactly once: a connection that fails in the middle of a batch, or a server that is
down, sends nothing twice and loses nothing."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.template.base import Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cooperation import roles
from cooperation.reminders.delivery import reminders_deliver
from cooperation.reminders.models import Notification, Reminder
from cooperation.reminders.sweep import reminders_sweep
from cooperation.tests.factories import AgreementFactory, make_user
from cooperation.tests.smtp import SmtpServer

MAILBOX = "international@university.example"
HOST = "cooperation.university.example"


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.SITE_URL = f"https://{HOST}"
    settings.REMINDER_RETRY_BASE_DELAY = 0  # a failed reminder may be tried again at once
    yield server
    server.handler.release.set()
    server.stop()


@pytest.fixture
def expiring(faculty, settings):
    """Agreements expiring in 30 days; each has three recipients (the responsible person, the
    unit's coordinator and the office's mailbox), so n agreements make 3n reminders."""
    settings.OFFICE_MAILBOX = MAILBOX
    people = [
        make_user("responsible", unit=faculty, language="ru"),
        make_user("coordinator", roles.COORDINATOR, unit=faculty),
    ]

    def make(count: int) -> list[int]:
        for number in range(count):
            AgreementFactory(
                title=f"Memorandum {number}",
                responsible_unit=faculty,
                responsible_person=people[0],
                expires_on=timezone.localdate() + datetime.timedelta(days=30),
            )
        reminders_sweep(triggered_by="test")
        return Reminder.objects.mark_ready_for_queue(timezone.now())

    return make


def message_ids(reminder_ids) -> set[str]:
    return {f"<reminder-{pk}@{HOST}>" for pk in reminder_ids}


def test_a_batch_goes_over_one_connection_each_reminder_once(smtp, expiring):
    ids = expiring(4)
    assert len(ids) == 12

    outcome = reminders_deliver(reminder_ids=ids)

    assert [reminder.state for reminder in outcome.finished] == ["sent"] * 12
    assert (outcome.failed, outcome.not_claimed) == ([], 0)
    assert smtp.handler.message_ids() == {message_id: 1 for message_id in message_ids(ids)}
    assert smtp.handler.connections() == 1
    assert set(Reminder.objects.values_list("state", flat=True)) == {"sent"}
    assert Notification.objects.count() == 8  # the bell: for the two users, not the mailbox


def test_a_connection_dropped_mid_batch_sends_nothing_twice_and_loses_nothing(smtp, expiring):
    ids = expiring(4)
    smtp.handler.refuse_at = {5}  # the server drops the connection at the fifth message

    first = reminders_deliver(reminder_ids=ids)

    # The four before went out on the first connection, the seven after on a new one.
    assert len(first.finished) == 11 and len(first.failed) == 1
    dropped = first.failed[0].reminder
    assert dropped.state == "failed" and "421" in dropped.error
    assert smtp.handler.connections() == 2
    assert smtp.handler.message_ids() == {message_id: 1 for message_id in message_ids(set(ids) - {dropped.pk})}

    # The retry (here at once) sends the dropped one; the batch's others are not sent again.
    again = reminders_deliver(reminder_ids=ids)

    assert [reminder.pk for reminder in again.finished] == [dropped.pk]
    assert again.not_claimed == 11
    assert smtp.handler.message_ids() == {message_id: 1 for message_id in message_ids(ids)}
    assert set(Reminder.objects.values_list("state", flat=True)) == {"sent"}
    assert Reminder.objects.get(pk=dropped.pk).attempts == 2


def test_with_the_server_down_the_whole_batch_fails_at_once_and_goes_out_once_it_is_back(smtp, expiring):
    ids = expiring(3)
    smtp.stop()

    down = reminders_deliver(reminder_ids=ids)

    assert down.finished == [] and len(down.failed) == 9
    assert all("refused" in failure.reminder.error.lower() for failure in down.failed)
    assert set(Reminder.objects.values_list("state", flat=True)) == {"failed"}
    # The bell rang once for each user's reminder; the retry does not ring it again.
    assert Notification.objects.count() == 6

    smtp.start()
    back = reminders_deliver(reminder_ids=ids)

    assert len(back.finished) == 9 and back.failed == []
    assert smtp.handler.message_ids() == {message_id: 1 for message_id in message_ids(ids)}
    assert Notification.objects.count() == 6


def test_a_batch_costs_two_queries_a_reminder_whatever_its_size(smtp, expiring):
    few = expiring(1)
    with CaptureQueriesContext(connection) as small:
        reminders_deliver(reminder_ids=few)
    many = [pk for pk in expiring(5) if pk not in few]
    with CaptureQueriesContext(connection) as large:
        reminders_deliver(reminder_ids=many)

    # Per reminder: its outcome, and the bell for a user; the rest is the batch's own.
    assert len(large) - len(small) <= 2 * (len(many) - len(few))
    assert len(small) <= 2 * len(few) + 10


def test_two_workers_given_the_same_batch_each_claim_a_different_share(expiring):
    ids = expiring(2)
    now = timezone.now()

    first = Reminder.objects.claim_many(ids, now)
    second = Reminder.objects.claim_many(ids, now)

    assert sorted(first) == sorted(ids) and second == []


# Transactional: the processes of --jobs see only what is committed.
@pytest.mark.django_db(transaction=True)
def test_send_reminders_with_two_processes_sends_each_reminder_once(smtp, expiring, settings):
    for role in (roles.OFFICE, roles.COORDINATOR, roles.RECTOR):
        Group.objects.get_or_create(name=role)  # the flush after each transactional test empties them
    settings.REMINDER_SEND_BATCH = 2
    expiring(5)
    Reminder.objects.update(queued_at=None)  # left for the command to send
    out = io.StringIO()

    call_command("send_reminders", "--jobs", "2", stdout=out, stderr=io.StringIO())

    assert "15 reminders sent, 0 failed" in out.getvalue()
    assert out.getvalue().count("sent        agreement_expiry") == 15
    ids = Reminder.objects.values_list("id", flat=True)
    assert smtp.handler.message_ids() == {message_id: 1 for message_id in message_ids(ids)}
    assert smtp.handler.connections() == 8  # one per batch of two
    assert set(Reminder.objects.values_list("state", flat=True)) == {"sent"}


def test_send_reminders_refuses_a_number_of_jobs_below_one(db):
    with pytest.raises(CommandError, match="--jobs '0' is not a number of processes"):
        call_command("send_reminders", "--jobs", "0")


def test_messages_are_composed_from_templates_compiled_once(smtp, expiring, monkeypatch):
    compiled = []
    compile_template = Template.__init__

    def counting(self, *args, **kwargs):
        compiled.append(getattr(self, "name", None))
        compile_template(self, *args, **kwargs)

    first = expiring(2)
    monkeypatch.setattr(Template, "__init__", counting)
    reminders_deliver(reminder_ids=first[:1])
    compiled.clear()  # whatever the first message compiled (nothing, if an earlier test did)

    reminders_deliver(reminder_ids=first[1:])

    assert len(first[1:]) == 5 and smtp.handler.count() == 6
    assert compiled == []


def test_a_batch_stopped_by_the_unforeseen_records_what_went_out_and_sends_nothing_twice(
    smtp, expiring, monkeypatch, settings
):
    from cooperation.reminders.channels import Email

    ids = expiring(3)
    deliver = Email.deliver
    delivered = []

    def stopping(self, reminder, message):
        if len(delivered) == 5:
            raise KeyboardInterrupt  # not an Exception: the worker is being stopped
        delivered.append(reminder.pk)
        return deliver(self, reminder, message)

    monkeypatch.setattr(Email, "deliver", stopping)
    with pytest.raises(KeyboardInterrupt):
        reminders_deliver(reminder_ids=ids)

    states = dict(Reminder.objects.values_list("id", "state"))
    assert {pk for pk, state in states.items() if state == "sent"} == set(delivered)
    assert {pk for pk, state in states.items() if state == "sending"} == set(ids) - set(delivered)

    # The claims of the rest are released after REMINDER_SENDING_TIMEOUT; they go out then, once.
    monkeypatch.setattr(Email, "deliver", deliver)
    later = timezone.now() + datetime.timedelta(seconds=settings.REMINDER_SENDING_TIMEOUT + 1)
    Reminder.objects.release_stuck(later)
    Reminder.objects.update(retry_at=timezone.now())
    again = reminders_deliver(reminder_ids=ids)

    assert len(again.finished) == 4 and again.not_claimed == 5
    assert smtp.handler.message_ids() == {message_id: 1 for message_id in message_ids(ids)}


def test_an_outcome_is_not_recorded_over_a_claim_released_meanwhile(expiring):
    ids = expiring(1)
    claimed = Reminder.objects.claim_many(ids, timezone.now())
    Reminder.objects.filter(pk=claimed[0]).update(state="failed")  # released as stuck meanwhile

    assert not Reminder.objects.record_outcome(claimed[0], state="sent", claimed_at=None)
    assert Reminder.objects.record_outcome(claimed[1], state="sent", claimed_at=None)
    assert list(Reminder.objects.filter(pk__in=claimed[:2]).order_by("pk").values_list("state", flat=True)) == [
        "failed",
        "sent",
    ]
