"""Rules of the reminders that only a one-character slip would break, each stated on its own
(found by the mutation run of the reminders module, docs/TESTING.md): the thresholds an
administrator may write, the catch-up sweep's hour and day, who a visit reminds, which reminders
are still worth sending at delivery, and the queue's and the claim's guards."""

import datetime
import threading
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from agreements.models import Agreement
from cooperation.management.commands.send_reminders import describe
from cooperation.reminders.models import Reminder, ReminderPolicy, SweepRun, validate_thresholds
from cooperation.reminders.sweep import reminder_items_if_due, reminders_catch_up, reminders_sweep
from cooperation.tests.factories import AgreementFactory, VisitFactory, make_user

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
D = datetime.date
TODAY = D(2025, 9, 1)
MAILBOX = "international@university.example"


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ALMATY)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(at(TODAY, 7), tick=False)
    return time_machine


# The thresholds an administrator writes


@pytest.mark.parametrize("text", ["-365", "3650", "180, 90, 30, 7, 0, -365"])
def test_thresholds_from_a_year_after_to_ten_years_before_are_accepted(text):
    validate_thresholds(text)


@pytest.mark.parametrize("text", ["-366", "3651", "30, -366"])
def test_a_threshold_beyond_a_year_after_or_ten_years_before_is_refused_with_the_range(text):
    with pytest.raises(ValidationError) as refused:
        validate_thresholds(text)

    assert refused.value.messages == ["Each threshold must be between -365 and 3650 days."]


@pytest.mark.parametrize("text", ["a week", "30 days", "7.5"])
def test_a_threshold_that_is_not_a_whole_number_is_refused_with_an_example(text):
    with pytest.raises(ValidationError) as refused:
        validate_thresholds(text)

    assert refused.value.messages == ["Write whole numbers of days separated by commas, e.g. 30, 7, 0."]


def test_the_policy_is_named_as_the_admin_lists_it():
    assert str(ReminderPolicy(pk=1)) == "Reminder policy"


# The sweeps that ran


@pytest.mark.django_db
def test_the_last_finished_sweep_is_the_time_the_latest_one_finished():
    for hour in (6, 9, 7):
        SweepRun.objects.create(
            on=TODAY, started_at=at(TODAY, hour), finished_at=at(TODAY, hour, 5), triggered_by="beat"
        )

    assert SweepRun.last_finished_at() == at(TODAY, 9, 5)


@pytest.mark.django_db
def test_no_sweep_has_finished_when_none_ran():
    assert SweepRun.last_finished_at() is None


# The catch-up sweep: a worker that starts after the beat's hour runs the day's missed sweep


@pytest.mark.django_db
def test_the_catch_up_sweeps_the_day_it_is_asked_about_from_eight_oclock_on(clock):
    other_day = TODAY + datetime.timedelta(days=3)

    report = reminders_catch_up(now=at(other_day, 8))

    assert report is not None
    assert list(SweepRun.objects.values_list("on", "triggered_by")) == [(other_day, "catch-up")]


@pytest.mark.django_db
def test_the_catch_up_waits_before_eight_oclock_and_runs_once_a_day(clock):
    assert reminders_catch_up(now=at(TODAY, 7, 59)) is None
    assert not SweepRun.objects.exists()

    assert reminders_catch_up(now=at(TODAY, 9)) is not None
    assert reminders_catch_up(now=at(TODAY, 10)) is None
    assert SweepRun.objects.count() == 1


@pytest.mark.django_db
def test_the_catch_up_reads_the_time_in_the_portals_time_zone(clock, settings):
    # 02:30 UTC is 07:30 in Almaty (the portal's zone): too early.
    assert settings.TIME_ZONE == "Asia/Almaty"
    assert reminders_catch_up(now=datetime.datetime(2025, 9, 1, 2, 30, tzinfo=datetime.UTC)) is None
    assert reminders_catch_up(now=datetime.datetime(2025, 9, 1, 3, 0, tzinfo=datetime.UTC)) is not None


# Who a visit reminds


@pytest.mark.django_db
def test_a_planned_visit_reminds_its_responsible_person(clock, faculty, settings):
    settings.OFFICE_MAILBOX = ""
    host = make_user("host", unit=faculty)
    VisitFactory(host_unit=faculty, responsible_person=host, starts_on=TODAY + datetime.timedelta(days=3))

    reminders_sweep(triggered_by="test")

    assert set(Reminder.objects.values_list("kind", "recipient_id")) == {("visit_start", host.pk)}


# Which recorded reminders are still worth sending when they are delivered


def recorded(agreement: Agreement, *, due_on: datetime.date, days: int, kind: str = "agreement_expiry") -> Reminder:
    return Reminder.objects.create(
        kind=kind,
        item_id=agreement.pk,
        due_on=due_on,
        threshold_days=days,
        recipient_key=f"mailbox:{MAILBOX}",
        email=MAILBOX,
        retry_at=timezone.now(),
    )


@pytest.mark.django_db
def test_each_reminder_is_judged_on_its_own_when_an_earlier_ones_record_is_gone_or_moved(clock, faculty):
    due_on = TODAY + datetime.timedelta(days=30)
    gone = AgreementFactory(responsible_unit=faculty, expires_on=due_on)
    moved = AgreementFactory(responsible_unit=faculty, expires_on=due_on)
    kept = AgreementFactory(responsible_unit=faculty, expires_on=due_on)
    reminders = [recorded(agreement, due_on=due_on, days=30) for agreement in (gone, moved, kept)]
    Agreement.objects.filter(pk=gone.pk).delete()
    Agreement.objects.filter(pk=moved.pk).update(expires_on=due_on + datetime.timedelta(days=365))
    policy = ReminderPolicy(pk=1, **ReminderPolicy.defaults())

    due = reminder_items_if_due(reminders, on=TODAY, policy=policy)

    assert due.keys() == {reminders[2].pk}


@pytest.mark.django_db
def test_without_a_policy_given_the_administrators_thresholds_decide(clock, faculty):
    due_on = TODAY + datetime.timedelta(days=30)
    agreement = AgreementFactory(responsible_unit=faculty, expires_on=due_on)
    reminder = recorded(agreement, due_on=due_on, days=90)
    ReminderPolicy.objects.update_or_create(pk=1, defaults={**ReminderPolicy.defaults(), "agreement_expiry_days": "90"})

    assert reminder_items_if_due([reminder], on=TODAY).keys() == {reminder.pk}

    ReminderPolicy.objects.filter(pk=1).update(agreement_expiry_days="90, 30")
    assert reminder_items_if_due([reminder], on=TODAY) == {}  # the 30-day threshold is reached


@pytest.mark.django_db
def test_an_automatically_renewed_agreements_notice_date_is_the_one_of_the_day_asked_about(clock, faculty):
    # Signed for a year from 1 January 2024, renewed by a year at a time, notice 30 days before
    # the term's end: the notice date was 1 December 2024 in the first term, 1 December 2025 in
    # the second.
    agreement = AgreementFactory(
        responsible_unit=faculty,
        signed_on=D(2024, 1, 1),
        expires_on=D(2024, 12, 31),
        auto_renews=True,
        renewal_term_months=12,
        renewal_notice_days=30,
    )
    first_term = recorded(agreement, due_on=D(2024, 12, 1), days=30, kind="agreement_notice")
    policy = ReminderPolicy(pk=1, **ReminderPolicy.defaults())
    policy.agreement_notice_days = "30"

    assert reminder_items_if_due([first_term], on=D(2024, 11, 5), policy=policy).keys() == {first_term.pk}
    assert reminder_items_if_due([first_term], on=TODAY, policy=policy) == {}


# The queue and the claim


@pytest.fixture
def unsent(clock, faculty, settings):
    settings.OFFICE_MAILBOX = MAILBOX
    due_on = TODAY + datetime.timedelta(days=30)
    return [
        recorded(AgreementFactory(responsible_unit=faculty, expires_on=due_on), due_on=due_on, days=30)
        for _ in range(3)
    ]


def test_a_reminder_handed_to_the_workers_is_not_queued_again_until_the_requeue_time_passed(unsent, settings):
    now = timezone.now()
    wait = datetime.timedelta(seconds=settings.REMINDER_REQUEUE_AFTER)

    first = Reminder.objects.mark_ready_for_queue(now)
    soon = Reminder.objects.mark_ready_for_queue(now + wait - datetime.timedelta(seconds=1))
    later = Reminder.objects.mark_ready_for_queue(now + wait + datetime.timedelta(seconds=1))

    assert sorted(first) == sorted(reminder.pk for reminder in unsent)
    assert soon == []
    assert sorted(later) == sorted(first)


def test_a_reminder_waiting_for_its_retry_is_not_queued_before_its_time(unsent):
    now = timezone.now()
    Reminder.objects.filter(pk=unsent[0].pk).update(retry_at=now + datetime.timedelta(minutes=5))

    assert sorted(Reminder.objects.mark_ready_for_queue(now)) == sorted(reminder.pk for reminder in unsent[1:])


def test_an_outcome_is_recorded_only_while_the_claim_holds(unsent):
    now = timezone.now()
    claimed = Reminder.objects.claim_many([unsent[0].pk], now)

    assert claimed == [unsent[0].pk]
    assert Reminder.objects.record_outcome(unsent[0].pk, state=Reminder.State.SENT, sent_at=now) is True
    assert Reminder.objects.record_outcome(unsent[0].pk, state=Reminder.State.FAILED) is False
    assert Reminder.objects.get(pk=unsent[0].pk).state == Reminder.State.SENT


def test_a_reminder_not_claimed_takes_no_outcome(unsent):
    assert Reminder.objects.record_outcome(unsent[1].pk, state=Reminder.State.SENT) is False
    assert Reminder.objects.get(pk=unsent[1].pk).state == Reminder.State.PENDING


class RowHolder(threading.Thread):
    """Another worker: its own connection holds a lock on one reminder until it is told to go."""

    def __init__(self, reminder_id: int):
        super().__init__(daemon=True)
        self.reminder_id = reminder_id
        self.locked = threading.Event()
        self.release = threading.Event()

    def run(self):
        try:
            with transaction.atomic():
                Reminder.objects.select_for_update().filter(pk=self.reminder_id).get()
                self.locked.set()
                self.release.wait(30)
        finally:
            connections.close_all()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("taking", ["claim", "queue"])
def test_rows_another_worker_holds_are_skipped_at_once_not_waited_for(taking, faculty, settings):
    settings.OFFICE_MAILBOX = MAILBOX
    due_on = timezone.localdate() + datetime.timedelta(days=30)
    reminders = [
        recorded(AgreementFactory(responsible_unit=faculty, expires_on=due_on), due_on=due_on, days=30)
        for _ in range(2)
    ]
    holder = RowHolder(reminders[0].pk)
    holder.start()
    assert holder.locked.wait(10)
    try:
        with transaction.atomic():
            # Waiting for the other worker's lock would be an error here instead of a hang.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            now = timezone.now()
            if taking == "claim":
                taken = Reminder.objects.claim_many([reminder.pk for reminder in reminders], now)
            else:
                taken = Reminder.objects.mark_ready_for_queue(now)
    finally:
        holder.release.set()
        holder.join(10)

    assert taken == [reminders[1].pk]


# The command's lines


@pytest.mark.django_db
def test_a_line_of_send_reminders_names_the_record_even_without_the_titles_read_beforehand(clock, faculty):
    due_on = TODAY + datetime.timedelta(days=30)
    agreement = AgreementFactory(title="Memorandum with Gazi University", responsible_unit=faculty, expires_on=due_on)
    reminder = recorded(agreement, due_on=due_on, days=30)

    assert f'agreement_expiry #{agreement.pk} "{agreement}"' in describe(reminder)
