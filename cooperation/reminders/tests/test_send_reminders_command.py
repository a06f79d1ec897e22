"""`manage.py send_reminders [--dry-run] [--date YYYY-MM-DD]`: the sweep without Celery."""

import datetime
import io
import zoneinfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from cooperation.reminders.models import Reminder, SweepRun
from cooperation.tests.factories import AgreementFactory

D = datetime.date
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
MAILBOX = "international@university.example"


@pytest.fixture
def agreement(faculty, coordinator, settings, time_machine):
    time_machine.move_to(datetime.datetime(2025, 9, 1, 7, 0, tzinfo=ALMATY), tick=False)
    settings.OFFICE_MAILBOX = MAILBOX
    return AgreementFactory(title="Memorandum with METU", responsible_unit=faculty, expires_on=D(2025, 10, 1))


def run(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_dry_run_prints_what_it_would_send_and_sends_nothing(agreement):
    output = run("--dry-run")

    assert output.count("would send") == 2
    assert f'agreement_expiry #{agreement.pk} "Memorandum with METU" due 2025-10-01 (30 days before)' in output
    assert f"-> {MAILBOX}" in output
    assert mail.outbox == []
    assert not Reminder.objects.exists()
    assert not SweepRun.objects.exists()


def test_it_sends_and_prints_what_it_sent(agreement):
    output = run()

    assert output.count("sent ") == 2
    assert "-> coordinator" in output
    assert len(mail.outbox) == 2
    assert SweepRun.objects.get().triggered_by == "command"


def test_a_second_run_sends_nothing_more(agreement):
    run()
    output = run()

    assert "sent " not in output
    assert len(mail.outbox) == 2


def test_it_sweeps_for_another_date(agreement):
    output = run("--date", "2025-09-24")

    assert "due 2025-10-01 (7 days before)" in output
    assert "in 7 days" in mail.outbox[0].body


def test_it_refuses_a_malformed_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--date", "24.09.2025")


def test_it_fails_loudly_when_mail_cannot_be_sent_and_keeps_the_reminders(agreement, settings):
    settings.EMAIL_BACKEND = "cooperation.reminders.tests.test_reminders_sweep.RefusingBackend"

    with pytest.raises(CommandError, match="2 reminders could not be sent"):
        run()

    assert set(Reminder.objects.values_list("state", flat=True)) == {"failed"}


@pytest.mark.parametrize(
    ("today", "shown"),
    [("2025-09-30", "(1 day before)"), ("2025-10-01", "(on the due date)"), ("2025-10-02", "(1 day after)")],
)
def test_a_dry_run_says_when_against_the_due_date_in_words(agreement, today, shown):
    from cooperation.reminders.models import ReminderPolicy

    ReminderPolicy.objects.update_or_create(
        pk=1, defaults={**ReminderPolicy.defaults(), "agreement_expiry_days": "1, 0, -1"}
    )
    output = run("--dry-run", "--date", today)

    assert f"due 2025-10-01 {shown}" in output, output
    assert "-1 days" not in output
