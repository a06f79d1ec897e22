"""Marking a follow-up action done: once, by whom, and on which day."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cooperation.tests.factories import FollowUpActionFactory
from cooperation.visits.models import FollowUpAction
from cooperation.visits.services import action_mark_done

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
TODAY = datetime.date(2026, 3, 10)


@pytest.fixture
def today(db):
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0, tzinfo=ALMATY), tick=False):
        yield TODAY


@pytest.fixture
def action(today):
    return FollowUpActionFactory(due_on=today - datetime.timedelta(days=3))


def test_it_marks_an_action_done_today_by_the_user(action, coordinator):
    returned = action_mark_done(action=action, user=coordinator)
    assert returned is action
    action.refresh_from_db()
    assert (action.done_on, action.done_by) == (TODAY, coordinator)
    assert not action.is_overdue()
    assert FollowUpAction.objects.overdue().count() == 0


def test_it_takes_the_day_it_was_done(action, coordinator):
    action_mark_done(action=action, user=coordinator, on=TODAY - datetime.timedelta(days=1))
    action.refresh_from_db()
    assert action.done_on == TODAY - datetime.timedelta(days=1)


def test_it_refuses_a_day_in_the_future(action, coordinator):
    with pytest.raises(ValidationError) as refusal:
        action_mark_done(action=action, user=coordinator, on=TODAY + datetime.timedelta(days=1))
    assert "done_on" in refusal.value.message_dict
    action.refresh_from_db()
    assert action.done_on is None


def test_marking_it_done_again_changes_nothing(action, coordinator, office_user):
    action_mark_done(action=action, user=coordinator, on=TODAY - datetime.timedelta(days=1))
    records = action.history.count()
    stale = FollowUpAction.objects.get(pk=action.pk)
    stale.done_on = None  # what a page opened before the first click still holds

    action_mark_done(action=stale, user=office_user)

    assert (stale.done_on, stale.done_by_id) == (TODAY - datetime.timedelta(days=1), coordinator.pk)
    action.refresh_from_db()
    assert (action.done_on, action.done_by) == (TODAY - datetime.timedelta(days=1), coordinator)
    assert action.history.count() == records


def test_it_keeps_unsaved_edits_out_of_the_database(action, coordinator):
    action.description = "Edited on the page, not saved"
    action_mark_done(action=action, user=coordinator)
    assert FollowUpAction.objects.get(pk=action.pk).description != "Edited on the page, not saved"


def test_it_is_recorded_with_who_did_it(action, coordinator):
    action_mark_done(action=action, user=coordinator)
    record = action.history.first()
    assert (record.history_user, record.done_on, record.done_by) == (coordinator, TODAY, coordinator)
    assert record.history_change_reason == f"Done on {TODAY.isoformat()}"
