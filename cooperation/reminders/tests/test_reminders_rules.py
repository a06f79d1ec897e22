"""When a reminder is due: thresholds reached on the right day (month ends, leap days, the
portal's time zone), the most urgent first, and what visits and follow-up actions remind about."""

import datetime

import pytest
import time_machine

from cooperation.reminders.models import Reminder, ReminderPolicy
from cooperation.reminders.sweep import (
    ACTION_DUE,
    VISIT_START,
    action_due,
    due_window,
    is_superseded,
    reached_thresholds,
    reaches_on,
    reminders_sweep,
    visit_due,
    visits_due,
)
from cooperation.tests.factories import AgreementFactory, FollowUpActionFactory, VisitFactory, make_user
from cooperation.visits.models import Visit

D = datetime.date
AGREEMENT_THRESHOLDS = (180, 90, 30, 7, 0)


@pytest.mark.parametrize(
    ("due_on", "days", "reaches"),
    [
        (D(2025, 10, 31), 30, D(2025, 10, 1)),
        (D(2025, 3, 31), 30, D(2025, 3, 1)),  # across February's end in a common year
        (D(2024, 3, 30), 30, D(2024, 2, 29)),  # onto a leap day
        (D(2024, 3, 1), 1, D(2024, 2, 29)),
        (D(2025, 3, 1), 1, D(2025, 2, 28)),
        (D(2026, 1, 5), 7, D(2025, 12, 29)),  # across the new year
        (D(2025, 10, 31), 0, D(2025, 10, 31)),
        (D(2025, 10, 31), -1, D(2025, 11, 1)),  # overdue: the day after
    ],
)
def test_a_threshold_is_reached_that_many_days_before_the_due_date(due_on, days, reaches):
    assert reaches_on(due_on=due_on, days=days) == reaches


def test_nothing_is_reached_the_day_before_the_first_threshold():
    # 30 June 2026 - 180 days = 1 January 2026
    assert reached_thresholds(due_on=D(2026, 6, 30), on=D(2025, 12, 31), thresholds=AGREEMENT_THRESHOLDS) == []
    assert reached_thresholds(due_on=D(2026, 6, 30), on=D(2026, 1, 1), thresholds=AGREEMENT_THRESHOLDS) == [180]


def test_the_reached_thresholds_come_most_urgent_first():
    reached = reached_thresholds(due_on=D(2026, 6, 30), on=D(2026, 6, 25), thresholds=AGREEMENT_THRESHOLDS)

    assert reached == [7, 30, 90, 180]


def test_the_day_itself_and_after_it_only_the_last_threshold_is_current():
    assert reached_thresholds(due_on=D(2026, 6, 30), on=D(2026, 6, 30), thresholds=AGREEMENT_THRESHOLDS)[0] == 0
    assert reached_thresholds(due_on=D(2026, 6, 30), on=D(2026, 7, 3), thresholds=AGREEMENT_THRESHOLDS)[0] == 0


def test_an_overdue_threshold_is_reached_only_after_the_due_date():
    assert reached_thresholds(due_on=D(2026, 2, 28), on=D(2026, 2, 28), thresholds=(2, -1)) == [2]
    assert reached_thresholds(due_on=D(2026, 2, 28), on=D(2026, 3, 1), thresholds=(2, -1)) == [-1, 2]


def test_a_reminder_is_superseded_once_a_more_urgent_threshold_is_reached():
    assert not is_superseded(due_on=D(2026, 6, 30), days=30, on=D(2026, 6, 22), thresholds=AGREEMENT_THRESHOLDS)
    assert is_superseded(due_on=D(2026, 6, 30), days=30, on=D(2026, 6, 23), thresholds=AGREEMENT_THRESHOLDS)


def test_the_window_reaches_the_most_distant_threshold_and_the_catch_up_period(settings):
    settings.REMINDER_CATCH_UP_DAYS = 14

    assert due_window(on=D(2026, 1, 10), thresholds=AGREEMENT_THRESHOLDS) == (D(2025, 12, 27), D(2026, 7, 9))
    assert due_window(on=D(2026, 1, 10), thresholds=(-1, -30)) == (D(2025, 12, 11), D(2026, 1, 10))


def test_the_policy_reads_its_thresholds_most_distant_first(db):
    policy = ReminderPolicy.load()
    policy.visit_start_days = "1; 7 ,7"

    assert policy.thresholds(Reminder.Kind.VISIT_START) == (7, 1)
    assert ReminderPolicy.load().thresholds(Reminder.Kind.AGREEMENT_EXPIRY) == AGREEMENT_THRESHOLDS


def test_a_planned_visit_reminds_about_its_first_day(db, faculty):
    visit = VisitFactory(host_unit=faculty, starts_on=D(2026, 4, 7), ends_on=D(2026, 4, 9))

    due = visit_due(visit)

    assert (due.kind, due.item_id, due.due_on, due.unit_id) == (VISIT_START, visit.pk, D(2026, 4, 7), faculty.pk)


@pytest.mark.parametrize("status", [Visit.Status.HELD, Visit.Status.CANCELLED])
def test_a_held_or_cancelled_visit_reminds_about_nothing(db, status):
    assert visit_due(VisitFactory(status=status)) is None


def test_an_open_action_reminds_its_owner_under_the_visits_unit(db, faculty):
    owner = make_user("owner")
    action = FollowUpActionFactory(visit=VisitFactory(host_unit=faculty), owner=owner, due_on=D(2026, 2, 1))

    due = action_due(action)

    assert (due.kind, due.due_on, due.unit_id, due.responsible_id) == (ACTION_DUE, D(2026, 2, 1), faculty.pk, owner.pk)


def test_a_done_action_reminds_about_nothing(db):
    assert action_due(FollowUpActionFactory(done_on=D(2026, 1, 30))) is None


def test_the_sweep_gets_visits_and_actions_in_their_windows(db, django_assert_num_queries):
    planned = VisitFactory(starts_on=D(2026, 3, 5))
    VisitFactory(starts_on=D(2026, 3, 5), status=Visit.Status.CANCELLED)
    VisitFactory(starts_on=D(2026, 4, 5))
    action = FollowUpActionFactory(visit=planned, due_on=D(2026, 3, 2))
    FollowUpActionFactory(visit=planned, due_on=D(2026, 3, 2), done_on=D(2026, 3, 1))
    window = (D(2026, 3, 1), D(2026, 3, 10))

    with django_assert_num_queries(2):
        due = list(visits_due(windows={VISIT_START: window, ACTION_DUE: window}))

    assert [(d.kind, d.item_id) for d in due] == [(VISIT_START, planned.pk), (ACTION_DUE, action.pk)]


def test_due_today_means_today_in_almaty_not_in_utc(db, faculty):
    """At 01:30 on 11 March in Almaty it is still 10 March in UTC: an agreement expiring on
    11 March expires today."""
    agreement = AgreementFactory(responsible_unit=faculty, expires_on=D(2025, 3, 11))
    make_user("coordinator", "Faculty coordinator", unit=faculty)

    with time_machine.travel(datetime.datetime(2025, 3, 10, 20, 30, tzinfo=datetime.UTC), tick=False):
        report = reminders_sweep()

    assert report.on == D(2025, 3, 11)
    assert {(r.item_id, r.due_on, r.threshold_days) for r in report.planned} == {(agreement.pk, D(2025, 3, 11), 0)}


def test_a_visit_starting_tomorrow_in_almaty_is_due_tomorrow_late_in_the_utc_evening(db, faculty):
    visit = VisitFactory(host_unit=faculty, starts_on=D(2025, 9, 26))

    # 23:30 UTC on 24 September is 04:30 on 25 September in Almaty: the visit is tomorrow.
    with time_machine.travel(datetime.datetime(2025, 9, 24, 23, 30, tzinfo=datetime.UTC), tick=False):
        report = reminders_sweep()

    assert {(r.item_id, r.threshold_days) for r in report.planned} == {(visit.pk, 1)}
