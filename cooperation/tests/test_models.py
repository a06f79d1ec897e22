"""Visits and reminders: the database refuses what the model forbids; upcoming and overdue follow the calendar.

Time is frozen in Almaty (settings.TIME_ZONE).
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from cooperation.reminders.models import Reminder, ReminderPolicy
from cooperation.tests.factories import (
    ContactFactory,
    FollowUpActionFactory,
    UserFactory,
    VisitFactory,
    VisitParticipantFactory,
)
from cooperation.visits.models import FollowUpAction, Visit, VisitParticipant

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
TODAY = datetime.date(2026, 3, 10)


def refused(create) -> None:
    """`create` must fail in the database; the savepoint keeps the test's transaction usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def today(db):
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=ALMATY), tick=False):
        yield TODAY


# Visits


def test_it_refuses_a_visit_that_ends_before_it_starts(db):
    refused(lambda: VisitFactory(starts_on=TODAY, ends_on=TODAY - days(1)))


def test_it_accepts_a_one_day_visit_and_a_span(db):
    assert VisitFactory(starts_on=TODAY, ends_on=TODAY).is_one_day
    assert not VisitFactory(starts_on=TODAY, ends_on=TODAY + days(3)).is_one_day


def test_it_refuses_a_participant_who_is_nobody(db):
    refused(lambda: VisitParticipantFactory(contact=None, user=None, full_name=""))


@pytest.mark.parametrize("who", ["contact", "user", "full_name"])
def test_a_participant_is_a_contact_a_staff_member_or_a_name(db, who):
    person = {"contact": None, "user": None, "full_name": ""}
    person[who] = {"contact": ContactFactory, "user": UserFactory, "full_name": lambda: "Interpreter"}[who]()
    participant = VisitParticipantFactory(**person)
    assert participant.display_name


def test_it_refuses_to_delete_a_unit_that_hosted_visits(faculty):
    VisitFactory(host_unit=faculty)
    with pytest.raises(ProtectedError):
        faculty.delete()


def test_it_refuses_to_delete_a_contact_who_attended_a_visit(db):
    participant = VisitParticipantFactory()
    with pytest.raises(ProtectedError):
        participant.contact.delete()


def test_deleting_a_visit_takes_its_participants_and_actions_with_it(db):
    visit = VisitFactory()
    VisitParticipantFactory(visit=visit)
    FollowUpActionFactory(visit=visit)
    visit.delete()
    assert VisitParticipant.objects.count() == FollowUpAction.objects.count() == 0


# Upcoming visits


@pytest.fixture
def visits(today):
    return {
        "yesterday": VisitFactory(starts_on=today - days(1), ends_on=today + days(1)),
        "today": VisitFactory(starts_on=today),
        "in 14 days": VisitFactory(starts_on=today + days(14)),
        "in 15 days": VisitFactory(starts_on=today + days(15)),
        "cancelled, tomorrow": VisitFactory(starts_on=today + days(1), status=Visit.Status.CANCELLED),
    }


def names(visits, queryset) -> set[str]:
    return {name for name, visit in visits.items() if queryset.filter(pk=visit.pk).exists()}


def test_upcoming_within_a_period_includes_today_and_its_last_day(visits):
    assert names(visits, Visit.objects.upcoming(within=days(14))) == {"today", "in 14 days"}


def test_upcoming_without_a_period_is_everything_from_today(visits):
    assert names(visits, Visit.objects.upcoming()) == {"today", "in 14 days", "in 15 days"}


# Follow-up actions


@pytest.fixture
def actions(today):
    return {
        "due yesterday": FollowUpActionFactory(due_on=today - days(1)),
        "due today": FollowUpActionFactory(due_on=today),
        "done, due last week": FollowUpActionFactory(due_on=today - days(7), done_on=today - days(2)),
    }


def test_an_action_due_yesterday_is_overdue_and_one_due_today_is_not(actions):
    assert list(FollowUpAction.objects.overdue()) == [actions["due yesterday"]]
    assert actions["due yesterday"].is_overdue()
    assert not actions["due today"].is_overdue()


def test_a_done_action_is_never_overdue(actions):
    assert not actions["done, due last week"].is_overdue()
    assert set(FollowUpAction.objects.open()) == {actions["due yesterday"], actions["due today"]}


def test_overdue_follows_the_day_in_almaty(db):
    action = FollowUpActionFactory(due_on=datetime.date(2026, 2, 28))
    # 01:00 on 1 March in Almaty is still 28 February in UTC: the action is already late.
    with time_machine.travel(datetime.datetime(2026, 3, 1, 1, 0, tzinfo=ALMATY), tick=False):
        assert action.is_overdue()
        assert list(FollowUpAction.objects.overdue()) == [action]


# Reminders


def make_reminder(**fields) -> Reminder:
    values = {
        "kind": Reminder.Kind.AGREEMENT_EXPIRY,
        "item_id": 1,
        "due_on": TODAY,
        "threshold_days": 30,
        "recipient_key": Reminder.mailbox_key("Intl@University.example"),
    } | fields
    return Reminder.objects.create(**values)


def test_it_refuses_the_same_reminder_twice(db):
    make_reminder()
    refused(make_reminder)


def test_it_accepts_the_same_reminder_for_another_threshold_or_due_date(db):
    make_reminder()
    make_reminder(threshold_days=7)
    make_reminder(due_on=TODAY + days(365))
    make_reminder(recipient_key=Reminder.user_key(1))
    assert Reminder.objects.count() == 4


def test_it_refuses_a_second_reminder_policy(db):
    ReminderPolicy.objects.get_or_create(pk=1, defaults=ReminderPolicy.defaults())
    refused(lambda: ReminderPolicy.objects.create(pk=2, **ReminderPolicy.defaults()))
