"""Delivering a reminder: an e-mail in the recipient's language, HTML and plain text, with a
link to the record; an in-portal notification under the bell; the notifications page; and
the administrators' warning when the sweep has not run."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperation import roles
from cooperation.reminders.delivery import notifications_mark_read, reminder_deliver
from cooperation.reminders.models import Notification, Reminder, ReminderPolicy, SweepRun
from cooperation.reminders.sweep import reminders_sweep
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
TODAY = D(2025, 9, 1)
MAILBOX = "international@university.example"


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(datetime.datetime(2025, 9, 1, 7, 0, tzinfo=ALMATY), tick=False)
    return time_machine


@pytest.fixture
def agreement(faculty, settings):
    settings.OFFICE_MAILBOX = MAILBOX
    settings.SITE_URL = "https://cooperation.university.example"
    return AgreementFactory(
        title="Memorandum with Hacettepe University",
        responsible_unit=faculty,
        responsible_person=make_user("responsible", language="ru"),
        expires_on=D(2025, 10, 1),
    )


def deliver_all(on=None) -> None:
    reminders_sweep(on=on)
    for reminder_id in Reminder.objects.mark_ready_for_queue(timezone.now()):
        reminder_deliver(reminder_id=reminder_id, on=on)


def message_to(address: str):
    (message,) = [message for message in mail.outbox if address in message.to]
    return message


def test_the_email_has_plain_text_html_and_an_absolute_link(clock, agreement):
    deliver_all()

    message = message_to(MAILBOX)
    html, mimetype = message.alternatives[0]
    link = f"https://cooperation.university.example/agreements/{agreement.pk}/"
    assert message.subject == 'Agreement "Memorandum with Hacettepe University" expires in 30 days'
    assert link in message.body
    assert f'href="{link}"' in html
    assert mimetype == "text/html"
    assert "Oct. 1, 2025" in message.body  # the mailbox reads English (LANGUAGE_CODE)


def test_each_recipient_reads_it_in_their_own_language(clock, agreement, faculty):
    make_user("coordinator", roles.COORDINATOR, unit=faculty, language="kk")

    deliver_all()

    russian = message_to("responsible@university.example")
    kazakh = message_to("coordinator@university.example")
    assert "1 октября 2025" in russian.body
    assert '<html lang="ru">' in russian.alternatives[0][0]
    assert "2025 жылғы 1 қазан" in kazakh.body
    assert '<html lang="kk">' in kazakh.alternatives[0][0]


def test_the_mailbox_language_is_a_setting(clock, agreement, settings):
    settings.REMINDER_MAILBOX_LANGUAGE = "ru"

    deliver_all()

    assert "1 октября 2025" in message_to(MAILBOX).body


def test_the_same_reminder_always_carries_the_same_message_id(clock, agreement):
    deliver_all()

    reminder = Reminder.objects.get(recipient=None)
    assert message_to(MAILBOX).extra_headers["Message-ID"] == f"<reminder-{reminder.pk}@cooperation.university.example>"


def test_users_get_a_notification_and_the_mailbox_does_not(clock, agreement):
    deliver_all()

    (notification,) = Notification.objects.all()
    assert notification.user.username == "responsible"
    assert notification.url == f"/agreements/{agreement.pk}/"
    assert "Memorandum with Hacettepe University" in notification.message
    assert not notification.is_read


def test_a_user_without_an_email_address_still_gets_the_notification(clock, agreement):
    agreement.responsible_person.email = ""
    agreement.responsible_person.save()

    deliver_all()

    assert Notification.objects.filter(user=agreement.responsible_person).exists()
    assert Reminder.objects.get(recipient=agreement.responsible_person).state == "sent"
    assert [message.to for message in mail.outbox] == [[MAILBOX]]


@pytest.mark.parametrize(
    ("today", "subject"),
    [
        (D(2025, 10, 1), 'Agreement "Memorandum with Hacettepe University" expires today'),
        (D(2025, 10, 4), 'Agreement "Memorandum with Hacettepe University" expired on Oct. 1, 2025'),
    ],
)
def test_the_subject_says_when(clock, agreement, today, subject):
    deliver_all(on=today)

    assert message_to(MAILBOX).subject == subject


def test_every_kind_of_reminder_is_written(clock, faculty, settings):
    """One of each kind, delivered: each has its subject, text and HTML templates."""
    settings.OFFICE_MAILBOX = MAILBOX
    owner = make_user("owner")
    visit = VisitFactory(host_unit=faculty, title="Delegation of METU", starts_on=TODAY + datetime.timedelta(days=1))
    FollowUpActionFactory(visit=visit, owner=owner, description="Send the draft", due_on=TODAY - datetime.timedelta(1))
    AgreementFactory(
        title="Memorandum with Urumqi",
        responsible_unit=faculty,
        expires_on=D(2025, 12, 31),
        auto_renews=True,
        renewal_term_months=12,
        renewal_notice_days=91,  # notice by 1 October: 30 days from today
    )
    program = ProgramFactory(
        unit=faculty, title="Exchange with Urumqi", application_deadline=TODAY, nomination_deadline=TODAY
    )
    ParticipantFactory(program=program, full_name="Aigerim", documents_due_on=TODAY + datetime.timedelta(days=7))

    deliver_all()

    subjects = sorted(message.subject for message in mail.outbox if MAILBOX in message.to)
    assert subjects == [
        'Application deadline of "Exchange with Urumqi" is today',
        "Documents of Aigerim due in 7 days",
        "Follow-up action overdue since Aug. 31, 2025: Send the draft",
        'Nomination deadline of "Exchange with Urumqi" is today',
        'Notice deadline of "Memorandum with Urumqi" in 30 days',
        'Visit "Delegation of METU" starts in 1 day',
    ]
    assert Reminder.objects.exclude(state="sent").count() == 0
    assert all(message.alternatives for message in mail.outbox)
    notice = next(message for message in mail.outbox if message.subject.startswith("Notice deadline"))
    expected = 'The agreement "Memorandum with Urumqi" renews automatically on Dec. 31, 2025 unless notice'
    assert expected in notice.body
    assert "renews automatically on Dec. 31, 2025 unless notice" in notice.alternatives[0][0]  # the HTML


# The bell and the notifications page


@pytest.fixture
def notifications(coordinator):
    other = make_user("someone-else", roles.COORDINATOR)
    return {
        "mine": [
            Notification.objects.create(user=coordinator, message=f"Reminder {n}", url="/visits/") for n in range(3)
        ],
        "theirs": Notification.objects.create(user=other, message="Not yours", url="/visits/"),
    }


def test_the_bell_shows_the_unread_count(client, coordinator, notifications):
    Notification.objects.filter(pk=notifications["mine"][0].pk).update(read_at=timezone.now())
    client.force_login(coordinator)

    page = client.get(reverse("dashboard")).content.decode()

    assert 'data-unread="2"' in page
    assert reverse("notifications") in page


def test_the_page_lists_only_the_users_own_notifications(client, coordinator, notifications):
    client.force_login(coordinator)

    page = client.get(reverse("notifications")).content.decode()

    assert "Reminder 0" in page and "Reminder 2" in page
    assert "Not yours" not in page


def test_one_notification_is_marked_read(client, coordinator, notifications):
    client.force_login(coordinator)
    first = notifications["mine"][0]

    response = client.post(reverse("notifications"), {"read": first.pk})

    assert response.status_code == 302
    assert Notification.objects.unread().filter(user=coordinator).count() == 2
    first.refresh_from_db()
    assert first.is_read


def test_all_are_marked_read_at_once(client, coordinator, notifications):
    client.force_login(coordinator)

    client.post(reverse("notifications"), {"read": "all"})

    assert not Notification.objects.unread().filter(user=coordinator).exists()
    assert not notifications["theirs"].is_read
    assert Notification.objects.get(pk=notifications["theirs"].pk).read_at is None


def test_opening_a_notification_marks_it_read_and_goes_to_the_record(client, coordinator, notifications):
    client.force_login(coordinator)
    first = notifications["mine"][0]

    response = client.post(reverse("notifications"), {"open": first.pk})

    assert response.status_code == 302
    assert response.url == "/visits/"
    first.refresh_from_db()
    assert first.is_read


def test_nobody_marks_someone_elses_notification(client, coordinator, notifications):
    client.force_login(coordinator)

    assert client.post(reverse("notifications"), {"read": notifications["theirs"].pk}).status_code == 404
    assert client.post(reverse("notifications"), {"open": notifications["theirs"].pk}).status_code == 404
    assert notifications_mark_read(user=coordinator, notification_id=notifications["theirs"].pk) == 0


def test_the_page_costs_the_same_queries_for_few_and_many(client, coordinator, django_assert_num_queries):
    client.force_login(coordinator)
    Notification.objects.create(user=coordinator, message="One", url="/visits/")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications"))
    for number in range(25):
        Notification.objects.create(user=coordinator, message=f"More {number}", url="/visits/")

    with django_assert_num_queries(len(few)):
        client.get(reverse("notifications"))


def test_administrators_are_warned_when_the_sweep_has_not_run_for_26_hours(client, admin_user, clock):
    SweepRun.objects.create(
        on=TODAY,
        started_at=timezone.now() - datetime.timedelta(hours=27),
        finished_at=timezone.now() - datetime.timedelta(hours=26, minutes=1),
        triggered_by="beat",
    )
    client.force_login(admin_user)

    assert "Reminders have not run for more than a day" in client.get(reverse("dashboard")).content.decode()


def test_administrators_are_not_warned_after_a_recent_sweep(client, admin_user, clock):
    SweepRun.objects.create(
        on=TODAY,
        started_at=timezone.now(),
        finished_at=timezone.now() - datetime.timedelta(hours=25),
        triggered_by="beat",
    )
    client.force_login(admin_user)

    assert "Reminders have not run" not in client.get(reverse("dashboard")).content.decode()


def test_only_administrators_see_the_warning(client, office_user, clock):
    client.force_login(office_user)

    assert "Reminders have not run" not in client.get(reverse("dashboard")).content.decode()


# The reminder log and the policy in the admin (cooperation/reminders/admin.py)


@pytest.fixture
def admin_pages(admin_user, client):
    client.force_login(admin_user)
    return client


def test_the_admin_shows_the_reminder_log_with_its_state(admin_pages, clock, agreement, settings):
    settings.EMAIL_BACKEND = "cooperation.reminders.tests.test_reminders_sweep.RefusingBackend"
    with pytest.raises(Exception):  # noqa: B017 (ReminderNotDelivered for the first one)
        deliver_all()

    page = admin_pages.get(reverse("admin:cooperation_reminder_changelist")).content.decode()

    assert "Failed" in page
    assert "SMTPServerDisconnected" in page


def test_an_administrator_sends_failed_reminders_again(admin_pages, clock, agreement, settings):
    settings.EMAIL_BACKEND = "cooperation.reminders.tests.test_reminders_sweep.RefusingBackend"
    with pytest.raises(Exception):  # noqa: B017
        deliver_all()
    failed = Reminder.objects.get(state="failed")

    admin_pages.post(
        reverse("admin:cooperation_reminder_changelist"),
        {"action": "send_again", "_selected_action": [failed.pk]},
    )

    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.queued_at) == ("pending", 0, None)
    assert failed.pk in Reminder.objects.mark_ready_for_queue(timezone.now())


def test_an_administrator_changes_the_thresholds_and_nonsense_is_refused(admin_pages):
    # The migration's row, made again if a transactional test before this one emptied the table.
    ReminderPolicy.objects.get_or_create(pk=1, defaults=ReminderPolicy.defaults())
    url = reverse("admin:cooperation_reminderpolicy_change", args=[1])
    fields = {
        "agreement_expiry_days": "120, 30, 0",
        "agreement_notice_days": "",
        "visit_start_days": "3",
        "action_due_days": "2, -1",
        "program_deadline_days": "14",
        "participant_documents_days": "7",
    }

    refused = admin_pages.post(url, {**fields, "visit_start_days": "a week"})
    admin_pages.post(url, fields)

    assert refused.status_code == 200 and "whole numbers of days" in refused.content.decode()
    assert ReminderPolicy.load().thresholds(Reminder.Kind.AGREEMENT_EXPIRY) == (120, 30, 0)
    assert ReminderPolicy.load().thresholds(Reminder.Kind.AGREEMENT_NOTICE) == ()


@pytest.mark.parametrize("field", ["open", "read", "page"])
def test_the_notifications_page_takes_no_unicode_digit_for_an_id(client, office_user, field):
    client.force_login(office_user)

    response = client.post(reverse("notifications"), {field: "¹"})

    assert response.status_code in (302, 404)


class Logbook:
    """A third channel, as an SMS or Telegram one would be: one class named in the settings."""

    delivered: list = []

    def deliver(self, reminder, message):
        Logbook.delivered.append((reminder.recipient_key, message.subject))
        return {}


def test_a_channel_named_in_the_settings_gets_every_reminder_beside_email_and_the_bell(clock, agreement, settings):
    settings.REMINDER_CHANNELS = [*settings.REMINDER_CHANNELS, f"{__name__}.Logbook"]
    Logbook.delivered = []

    deliver_all()

    assert sorted(key for key, _subject in Logbook.delivered) == sorted(
        Reminder.objects.filter(state=Reminder.State.SENT).values_list("recipient_key", flat=True)
    )
    assert len(mail.outbox) == len(Logbook.delivered)
    assert Notification.objects.count() == 1


def test_without_the_email_channel_no_email_goes(clock, agreement, settings):
    settings.REMINDER_CHANNELS = ["cooperation.reminders.channels.Bell"]

    deliver_all()

    assert mail.outbox == []
    assert Notification.objects.count() == 1
