"""A reminder is checked again when it is finally delivered: recorded for one threshold, it is
not sent once a more urgent threshold of the same due date has been reached, even when no sweep
ran in between to skip it. Sent through a real SMTP server on loopback."""

import datetime
import zoneinfo

import pytest

from cooperation import roles
from cooperation.reminders.delivery import reminders_deliver
from cooperation.reminders.models import Notification, Reminder
from cooperation.reminders.sweep import reminders_sweep
from cooperation.tests.factories import AgreementFactory, make_user
from cooperation.tests.smtp import SmtpServer

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
RECORDED_ON = datetime.date(2025, 9, 1)
EXPIRES_ON = RECORDED_ON + datetime.timedelta(days=30)  # the 30-day threshold is reached that day
SEVEN_DAYS_BEFORE = EXPIRES_ON - datetime.timedelta(days=7)
MAILBOX = "international@university.example"


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server
    server.handler.release.set()
    server.stop()


@pytest.fixture
def recorded_30_day_reminders(time_machine, faculty, settings):
    """The sweep of the day the 30-day threshold is reached records its reminders; the workers
    are down, so nothing is sent and no sweep runs after it."""
    settings.OFFICE_MAILBOX = MAILBOX
    AgreementFactory(
        responsible_unit=faculty,
        responsible_person=make_user("responsible", unit=faculty),
        expires_on=EXPIRES_ON,
    )
    make_user("coordinator", roles.COORDINATOR, unit=faculty)
    time_machine.move_to(datetime.datetime.combine(RECORDED_ON, datetime.time(7), tzinfo=ALMATY), tick=False)
    reminders_sweep(triggered_by="test")
    recorded = list(Reminder.objects.values_list("id", "threshold_days", "state"))
    assert recorded and {(days, state) for _, days, state in recorded} == {(30, Reminder.State.PENDING)}
    return [pk for pk, _, _ in recorded]


def deliver_on(day, time_machine, reminder_ids):
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(9), tzinfo=ALMATY), tick=False)
    return reminders_deliver(reminder_ids=reminder_ids)


def test_a_reminder_whose_threshold_was_superseded_before_delivery_is_skipped_and_no_email_goes(
    smtp, time_machine, recorded_30_day_reminders
):
    outcome = deliver_on(SEVEN_DAYS_BEFORE, time_machine, recorded_30_day_reminders)

    assert smtp.handler.count() == 0
    assert not Notification.objects.exists()
    assert outcome.failed == []
    assert {reminder.state for reminder in outcome.finished} == {Reminder.State.SKIPPED}
    assert set(Reminder.objects.values_list("state", "sent_at")) == {(Reminder.State.SKIPPED, None)}


def test_a_reminder_delivered_late_but_before_a_more_urgent_threshold_still_goes(
    smtp, time_machine, recorded_30_day_reminders
):
    outcome = deliver_on(SEVEN_DAYS_BEFORE - datetime.timedelta(days=1), time_machine, recorded_30_day_reminders)

    assert {reminder.state for reminder in outcome.finished} == {Reminder.State.SENT}
    assert smtp.handler.count() == len(recorded_30_day_reminders)
