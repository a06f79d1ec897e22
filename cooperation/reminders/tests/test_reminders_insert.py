"""Reminder.objects.record()'s fast insert on PostgreSQL (one INSERT from unnest): the same rows
as Django's bulk_create, and the unique constraint on REMINDER_KEY still decides.

Runs its PostgreSQL half with DATABASE_URL=postgres://...; on SQLite record() is bulk_create."""

import datetime
import zoneinfo

import pytest

from cooperation.reminders.models import Reminder, array_literal
from cooperation.tests.factories import make_user

NOW = datetime.datetime(2026, 11, 25, 9, 30, 15, 123456, tzinfo=zoneinfo.ZoneInfo("Asia/Almaty"))
NASTY = ["plain", 'with "quotes"', "back\\slash", "comma, and {braces}", "NULL", "", "Университет 大学", " spaced "]


def test_array_literal_quotes_everything():
    assert array_literal([1, None, 'a"b', "c\\d"]) == '{"1",NULL,"a\\"b","c\\\\d"}'
    assert array_literal([datetime.date(2026, 1, 2), NOW]) == '{"2026-01-02","2026-11-25T09:30:15.123456+05:00"}'


def reminders(user) -> list[Reminder]:
    return [
        Reminder(
            kind="agreement_expiry",
            item_id=number,
            due_on=datetime.date(2026, 12, 1),
            threshold_days=30 - number,
            recipient_id=user.pk if number % 2 else None,
            recipient_key=f"user:{user.pk}" if number % 2 else f"mailbox:{text}",
            email="" if number % 2 else "office@university.example",
            error=text,
            created_at=NOW,
            retry_at=NOW,
        )
        for number, text in enumerate(NASTY)
    ]


def stored() -> list[tuple]:
    return list(
        Reminder.objects.order_by("item_id").values_list(
            "kind", "item_id", "due_on", "threshold_days", "recipient_id", "recipient_key", "email", "language",
            "state", "skip_reason", "attempts", "error", "created_at", "retry_at", "queued_at", "claimed_at", "sent_at",
        )
    )  # fmt: skip


@pytest.mark.django_db
def test_records_what_bulk_create_records(db):
    user = make_user("office-mailbox-owner")
    Reminder.objects.bulk_create(reminders(user), ignore_conflicts=True)
    expected = stored()
    Reminder.objects.all().delete()
    Reminder.objects.record(reminders(user))
    assert stored() == expected
    assert {row[11] for row in expected} == set(NASTY)


@pytest.mark.django_db
def test_what_is_recorded_is_not_recorded_again(db):
    user = make_user("office-mailbox-owner")
    Reminder.objects.record(reminders(user)[:3])
    Reminder.objects.record(reminders(user))
    assert Reminder.objects.count() == len(NASTY)


def test_a_planned_reminder_is_built_as_with_keywords(db):
    from cooperation.reminders.sweep import Due, Recipient, _reminder

    due = Due("agreement_expiry", 7, datetime.date(2026, 12, 1), None, None)
    built = _reminder(due, 30, Recipient(None, "office@university.example", "mailbox:office"), now=NOW,
                      state=Reminder.State.SKIPPED, skip_reason=Reminder.SkipReason.SUPERSEDED)  # fmt: skip
    expected = Reminder(
        kind="agreement_expiry", item_id=7, due_on=datetime.date(2026, 12, 1), threshold_days=30,
        recipient_id=None, recipient_key="mailbox:office", email="office@university.example",
        created_at=NOW, retry_at=NOW, state=Reminder.State.SKIPPED, skip_reason=Reminder.SkipReason.SUPERSEDED,
    )  # fmt: skip
    fields = [field.attname for field in Reminder._meta.concrete_fields]
    assert [getattr(built, name) for name in fields] == [getattr(expected, name) for name in fields]
    assert built._state.adding and built.pk is None
    with pytest.raises(TypeError):
        _reminder(due, 30, Recipient(None, "", "x"), now=NOW, no_such_field=1)
