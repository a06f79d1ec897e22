"""The sweep records each reminder once and the delivery sends it once: two sweeps, an outage,
a changed expiry date, a renewal, a failed send, a worker that died while sending."""

import datetime
import smtplib
import zoneinfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agreements.models import Agreement
from agreements.services import agreement_renew
from cooperation import roles
from cooperation.reminders.delivery import ReminderNotDelivered, reminder_deliver
from cooperation.reminders.models import Reminder, ReminderPolicy, SweepRun
from cooperation.reminders.sweep import reminders_sweep
from cooperation.tests.factories import AgreementFactory, VisitFactory, make_user

D = datetime.date
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
TODAY = D(2025, 9, 1)
MAILBOX = "international@university.example"


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def morning(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=ALMATY)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(morning(TODAY), tick=False)
    return time_machine


@pytest.fixture
def people(faculty, other_faculty, settings):
    settings.OFFICE_MAILBOX = MAILBOX
    return {
        "responsible": make_user("responsible", unit=faculty, language="ru"),
        "coordinator": make_user("coordinator", roles.COORDINATOR, unit=faculty),
        "other": make_user("other-coordinator", roles.COORDINATOR, unit=other_faculty),
    }


@pytest.fixture
def agreement(people, faculty):
    return AgreementFactory(
        title="Memorandum with Hacettepe University",
        responsible_unit=faculty,
        responsible_person=people["responsible"],
        expires_on=TODAY + datetime.timedelta(days=30),
    )


def sweep_and_send(on: datetime.date | None = None) -> list[Reminder]:
    """What the Celery tasks do, in this process: the sweep, then every ready reminder."""
    reminders_sweep(on=on)
    delivered = []
    for reminder_id in Reminder.objects.mark_ready_for_queue(timezone.now()):
        delivered.append(reminder_deliver(reminder_id=reminder_id, on=on))
    return delivered


def last_to_mailbox():
    """The latest e-mail to the office's mailbox, which reads English."""
    return [message for message in mail.outbox if MAILBOX in message.to][-1]


def recipients_of(messages) -> list[str]:
    return sorted(address for message in messages for address in message.to)


def test_it_reminds_the_responsible_person_the_units_coordinators_and_the_mailbox(clock, agreement, people):
    sweep_and_send()

    assert recipients_of(mail.outbox) == sorted(
        ["responsible@university.example", "coordinator@university.example", MAILBOX]
    )
    assert set(Reminder.objects.values_list("state", "threshold_days", "due_on")) == {
        ("sent", 30, agreement.expires_on)
    }


def test_two_sweeps_record_and_send_each_reminder_once(clock, agreement):
    sweep_and_send()
    clock.shift(datetime.timedelta(hours=1))
    sweep_and_send()

    assert len(mail.outbox) == 3
    assert Reminder.objects.count() == 3


def test_each_threshold_goes_out_once_on_its_own_day(clock, agreement):
    for day in range(31):
        clock.move_to(morning(TODAY + datetime.timedelta(days=day)), tick=False)
        sweep_and_send()

    sent = Reminder.objects.filter(state=Reminder.State.SENT)
    assert sorted(set(sent.values_list("threshold_days", flat=True))) == [0, 7, 30]
    assert len(mail.outbox) == 9  # three thresholds, three recipients


def test_after_an_outage_only_the_most_urgent_threshold_is_sent(clock, agreement):
    # The last sweep ran ten days ago, when the 30-day reminder was not yet due (40 days left)...
    SweepRun.objects.create(
        on=TODAY - datetime.timedelta(days=10),
        started_at=morning(TODAY - datetime.timedelta(days=10)),
        finished_at=morning(TODAY - datetime.timedelta(days=10)),
        triggered_by="beat",
    )
    # ... and nothing ran until five days before the expiry: 30 and 7 days are both reached.
    clock.move_to(morning(agreement.expires_on - datetime.timedelta(days=5)), tick=False)

    sweep_and_send()

    assert len(mail.outbox) == 3
    assert "in 5 days" in last_to_mailbox().body
    assert set(Reminder.objects.values_list("threshold_days", "state", "skip_reason")) == {
        (7, "sent", ""),
        (30, "skipped", "superseded"),  # logged as missed, not sent
    }


def test_reminders_left_unsent_by_an_outage_are_skipped_for_the_most_urgent_one(clock, agreement):
    reminders_sweep()  # the 30-day reminders are recorded, but the worker is down for ten days
    clock.move_to(morning(agreement.expires_on - datetime.timedelta(days=5)), tick=False)

    sweep_and_send()

    assert len(mail.outbox) == 3
    assert set(Reminder.objects.values_list("threshold_days", "state")) == {(30, "skipped"), (7, "sent")}


def test_a_changed_expiry_date_starts_the_reminders_afresh(clock, agreement):
    sweep_and_send()
    Agreement.objects.filter(pk=agreement.pk).update(expires_on=TODAY + datetime.timedelta(days=6))

    sweep_and_send()

    assert len(mail.outbox) == 6
    assert "in 6 days" in last_to_mailbox().body
    assert sorted(Reminder.objects.order_by().values_list("due_on", "threshold_days").distinct()) == [
        (TODAY + datetime.timedelta(days=6), 7),
        (TODAY + datetime.timedelta(days=30), 30),
    ]


def test_unsent_reminders_of_the_old_expiry_date_are_skipped(clock, agreement):
    reminders_sweep()
    Agreement.objects.filter(pk=agreement.pk).update(expires_on=TODAY + datetime.timedelta(days=365))

    sweep_and_send()

    assert mail.outbox == []
    assert set(Reminder.objects.values_list("state", "skip_reason")) == {("skipped", "changed")}


def test_a_renewed_agreement_reminds_no_more_and_its_successor_starts_afresh(clock, agreement):
    reminders_sweep()
    queued = Reminder.objects.mark_ready_for_queue(timezone.now())
    successor = agreement_renew(
        agreement=agreement, user=None, signed_on=TODAY, expires_on=TODAY + datetime.timedelta(days=5 * 365 + 30)
    )

    # The messages already queued find the agreement renewed when they are delivered.
    outcomes = [reminder_deliver(reminder_id=reminder_id) for reminder_id in queued]

    assert mail.outbox == []
    assert {(r.state, r.skip_reason) for r in outcomes} == {("skipped", "changed")}
    assert reminders_sweep().planned == []
    clock.move_to(morning(successor.expires_on - datetime.timedelta(days=30)), tick=False)
    sweep_and_send()
    assert {(r.item_id, r.threshold_days) for r in Reminder.objects.filter(state="sent")} == {(successor.pk, 30)}


def test_a_failed_send_stays_failed_and_goes_out_on_retry(clock, agreement, settings):
    settings.EMAIL_BACKEND = "cooperation.reminders.tests.test_reminders_sweep.RefusingBackend"
    reminders_sweep()
    failures = []
    for reminder_id in Reminder.objects.mark_ready_for_queue(timezone.now()):
        with pytest.raises(ReminderNotDelivered) as failure:
            reminder_deliver(reminder_id=reminder_id)
        failures.append(failure.value)

    failed = Reminder.objects.filter(recipient_key=f"mailbox:{MAILBOX}").get()
    assert (failed.state, failed.attempts) == ("failed", 1)
    assert "SMTPServerDisconnected" in failed.error
    assert failed.retry_at == timezone.now() + datetime.timedelta(seconds=settings.REMINDER_RETRY_BASE_DELAY)
    assert {f.retry_in for f in failures} == {settings.REMINDER_RETRY_BASE_DELAY}
    # Not before its time, even if queued again...
    assert Reminder.objects.mark_ready_for_queue(timezone.now()) == []
    assert reminder_deliver(reminder_id=failed.pk) is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock.shift(datetime.timedelta(minutes=11))
    sweep_and_send()

    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.error) == ("sent", 2, "")
    assert recipients_of(mail.outbox).count(MAILBOX) == 1
    assert len(mail.outbox) == 3


def test_each_failure_doubles_the_wait_up_to_the_maximum(clock, agreement, settings):
    settings.EMAIL_BACKEND = "cooperation.reminders.tests.test_reminders_sweep.RefusingBackend"
    settings.REMINDER_RETRY_BASE_DELAY = 60
    settings.REMINDER_RETRY_MAX_DELAY = 300
    reminders_sweep()
    reminder = Reminder.objects.get(recipient_key=f"mailbox:{MAILBOX}")
    waits = []
    for _ in range(5):
        clock.move_to(reminder.retry_at, tick=False)
        with pytest.raises(ReminderNotDelivered) as failure:
            reminder_deliver(reminder_id=reminder.pk)
        waits.append(failure.value.retry_in)
        reminder.refresh_from_db()

    assert waits == [60, 120, 240, 300, 300]
    assert reminder.attempts == 5


def test_a_reminder_used_up_its_attempts_waits_for_an_administrator(clock, agreement, settings):
    settings.EMAIL_BACKEND = "cooperation.reminders.tests.test_reminders_sweep.RefusingBackend"
    settings.REMINDER_MAX_ATTEMPTS = 1
    reminders_sweep()
    reminder = Reminder.objects.get(recipient_key=f"mailbox:{MAILBOX}")
    with pytest.raises(ReminderNotDelivered) as failure:
        reminder_deliver(reminder_id=reminder.pk)

    clock.shift(datetime.timedelta(days=1))

    assert failure.value.retry_in is None
    assert reminder.pk not in Reminder.objects.mark_ready_for_queue(timezone.now())
    assert Reminder.objects.get(pk=reminder.pk).state == "failed"


def test_a_reminder_left_sending_by_a_dead_worker_is_sent_again_after_the_timeout(clock, agreement, settings):
    reminders_sweep()
    reminder = Reminder.objects.get(recipient_key=f"mailbox:{MAILBOX}")
    assert Reminder.objects.claim(reminder.pk, timezone.now())  # and then the worker was killed

    sweep_and_send()
    assert recipients_of(mail.outbox).count(MAILBOX) == 0  # maybe it is still sending

    clock.shift(datetime.timedelta(seconds=settings.REMINDER_SENDING_TIMEOUT + 1))
    sweep_and_send()

    reminder.refresh_from_db()
    assert reminder.state == "sent"
    assert recipients_of(mail.outbox).count(MAILBOX) == 1


def test_a_claimed_reminder_cannot_be_claimed_again(clock, agreement):
    reminders_sweep()
    reminder = Reminder.objects.first()

    assert Reminder.objects.claim(reminder.pk, timezone.now()) is True
    assert Reminder.objects.claim(reminder.pk, timezone.now()) is False
    assert reminder_deliver(reminder_id=reminder.pk) is None


def test_a_reminder_that_was_sent_is_never_sent_again(clock, agreement):
    sweep_and_send()
    reminder = Reminder.objects.first()

    assert reminder_deliver(reminder_id=reminder.pk) is None
    Reminder.objects.filter(pk=reminder.pk).update(queued_at=None)
    assert reminder.pk not in Reminder.objects.mark_ready_for_queue(timezone.now())
    assert len(mail.outbox) == 3


def test_an_inactive_responsible_person_is_not_reminded(clock, agreement, people):
    people["responsible"].is_active = False
    people["responsible"].save()

    sweep_and_send()

    assert "responsible@university.example" not in recipients_of(mail.outbox)


def test_a_responsible_person_who_is_also_the_coordinator_is_reminded_once(clock, agreement, people):
    Agreement.objects.filter(pk=agreement.pk).update(responsible_person=people["coordinator"])

    sweep_and_send()

    assert recipients_of(mail.outbox) == sorted(["coordinator@university.example", MAILBOX])


def test_the_administrator_changes_the_thresholds(clock, faculty, people):
    set_policy(visit_start_days="3")
    VisitFactory(host_unit=faculty, starts_on=TODAY + datetime.timedelta(days=5))
    VisitFactory(host_unit=faculty, starts_on=TODAY + datetime.timedelta(days=3))

    sweep_and_send()

    assert set(Reminder.objects.values_list("due_on", "threshold_days")) == {(TODAY + datetime.timedelta(days=3), 3)}


def test_an_empty_threshold_list_turns_a_kind_off(clock, agreement):
    set_policy(agreement_expiry_days="")

    sweep_and_send()

    assert mail.outbox == []


def test_each_sweep_is_recorded_for_the_administrators_warning(clock, agreement):
    report = reminders_sweep()

    run = SweepRun.objects.get()
    assert (run.on, run.due_items, run.planned) == (TODAY, 1, 3)
    assert report.due_items == 1
    assert not SweepRun.is_late()
    clock.shift(datetime.timedelta(hours=26, minutes=1))
    assert SweepRun.is_late()


def test_a_dry_run_records_nothing(clock, agreement):
    report = reminders_sweep(dry_run=True)

    assert len(report.new) == 3
    assert not Reminder.objects.exists()
    assert not SweepRun.objects.exists()


def set_policy(**thresholds) -> None:
    """The administrator's row, written whether or not a test before this one emptied the table
    (a transactional test's flush removes the row the migration made)."""
    ReminderPolicy.objects.update_or_create(pk=1, defaults={**ReminderPolicy.defaults(), **thresholds})


def make_records(unit, count: int) -> None:
    for number in range(count):
        AgreementFactory(responsible_unit=unit, expires_on=TODAY + datetime.timedelta(days=30 + number % 3))
        VisitFactory(host_unit=unit, starts_on=TODAY + datetime.timedelta(days=1 + number % 5))


def count_sweep_queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        reminders_sweep()
    return len(queries)


def test_the_sweep_costs_the_same_queries_for_few_and_many_records(clock, faculty, other_faculty, people):
    make_records(faculty, 2)
    few = count_sweep_queries()
    Reminder.objects.all().delete()
    SweepRun.objects.all().delete()
    # SQLite inserts at most 999 parameters per statement: stay under one batch here; the
    # PostgreSQL integration test and bench/reminder_sweep.py check thousands of records.
    make_records(other_faculty, 8)

    assert count_sweep_queries() == few
    assert Reminder.objects.count() == 10 * 2 * 2  # ten agreements and ten visits: the unit's coordinator + mailbox


def test_a_morning_sweep_lost_with_redis_runs_at_the_next_requeue(time_machine, agreement):
    from cooperation.tasks import reminders_requeue

    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(6, 50), tzinfo=ALMATY), tick=False)
    reminders_requeue()  # before the sweep's hour: nothing is missed yet
    assert not SweepRun.objects.exists()

    # 07:00 passed with Redis down: beat's message never reached a worker.
    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(9, 10), tzinfo=ALMATY), tick=False)
    reminders_requeue()
    run = SweepRun.objects.get()
    assert (run.on, run.triggered_by) == (TODAY, "catch-up")
    assert Reminder.objects.filter(due_on=agreement.expires_on).count() == 3  # responsible, coordinator, mailbox

    reminders_requeue()  # the day's sweep has run: not again
    assert SweepRun.objects.count() == 1
