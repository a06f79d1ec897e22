"""The one service that delivers every reminder, whatever recorded it (the sweep or the digest).

A reminder is claimed before it is sent: only the worker whose UPDATE moves it from pending
(or failed) to sending goes on, so a reminder queued twice is sent once. It is then sent as
a message in the recipient's language with a link to the record, through each channel of
settings.REMINDER_CHANNELS (cooperation/reminders/channels.py: the bell in the portal, e-mail). A failure is written on the reminder (error, attempts,
next attempt) and raised to the caller, which retries with backoff; nothing is swallowed.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cooperation.reminders import digest, sweep
from cooperation.reminders.channels import channels
from cooperation.reminders.models import Notification, Reminder

logger = logging.getLogger(__name__)


class ReminderNotDelivered(Exception):
    """Sending failed; the reminder is recorded as failed and waits `retry_in` seconds (None:
    it has used all its attempts and waits for an administrator)."""

    def __init__(self, reminder: Reminder, error: BaseException, retry_in: int | None):
        super().__init__(f"reminder {reminder.pk}: {error.__class__.__name__}: {error}")
        self.reminder = reminder
        self.retry_in = retry_in


def retry_delay(attempts: int) -> datetime.timedelta:
    seconds = settings.REMINDER_RETRY_BASE_DELAY * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.REMINDER_RETRY_MAX_DELAY))


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    url: str  # absolute, for e-mail
    path: str  # within the portal, for the bell


def reminder_deliver(*, reminder_id: int, on: datetime.date | None = None) -> Reminder | None:
    """Send one recorded reminder. Returns it in its final state (sent or skipped), or None when
    it was not ours to send (already sent, being sent by another worker, or not due for a retry
    yet). Raises ReminderNotDelivered when sending failed."""
    now = timezone.now()
    if not Reminder.objects.claim(reminder_id, now):
        return None
    reminder = Reminder.objects.select_related("recipient__profile").get(pk=reminder_id)
    on = on or timezone.localdate()
    user = reminder.recipient
    if user is not None and not user.is_active:
        return _finish(reminder, Reminder.State.SKIPPED, skip_reason=Reminder.SkipReason.INACTIVE)
    language = _language(reminder)
    try:
        message = _compose(reminder, on=on, language=language)
        if message is None:
            return _finish(reminder, Reminder.State.SKIPPED, skip_reason=Reminder.SkipReason.CHANGED)
        recorded = {}
        for channel in channels():  # the bell, e-mail: cooperation/reminders/channels.py
            recorded.update(channel.deliver(reminder, message))
    except Exception as error:  # any failure (SMTP, network, template) is recorded and retried
        raise _fail(reminder, error, now) from error
    return _finish(reminder, Reminder.State.SENT, language=language, sent_at=timezone.now(), **recorded)


def _language(reminder: Reminder) -> str:
    if reminder.recipient is None:
        return settings.REMINDER_MAILBOX_LANGUAGE
    profile = getattr(reminder.recipient, "profile", None)
    return profile.language if profile and profile.language else settings.LANGUAGE_CODE


def _compose(reminder: Reminder, *, on: datetime.date, language: str) -> Message | None:
    """The reminder's e-mail in `language`, or None when it is no longer worth sending."""
    if reminder.kind == Reminder.Kind.DIGEST:
        if not digest.digest_is_current(due_on=reminder.due_on, on=on):
            return None
        path = reverse("home")
        context = {"digest": digest.digest_contents(on=on)}
    else:
        item = sweep.reminder_item_if_due(reminder, on=on)
        if item is None:
            return None
        path = sweep.reminder_item_path(reminder, item)
        context = {
            "item": item,
            "due_on": reminder.due_on,
            "days_left": (reminder.due_on - on).days,
            "days_overdue": max((on - reminder.due_on).days, 0),
        }
    recipient = reminder.recipient
    context.update(
        reminder=reminder,
        url=settings.SITE_URL + path,
        recipient_name=(recipient.get_full_name() or recipient.get_username()) if recipient else "",
        site_url=settings.SITE_URL,
        home_institution=settings.HOME_INSTITUTION_NAME,
    )
    name = f"emails/{reminder.kind.replace('_', '-')}"
    with translation.override(language):
        context["LANGUAGE_CODE"] = language
        subject = " ".join(render_to_string(f"{name}-subject.txt", context).split())
        text = render_to_string(f"{name}-body.txt", context)
        html = render_to_string(f"{name}-body.html", context)
    return Message(subject=subject, text=text, html=html, url=context["url"], path=path)


def _finish(reminder: Reminder, state: str, **fields) -> Reminder:
    # Still guarded by the claim: only the worker that holds the reminder records the outcome.
    Reminder.objects.filter(pk=reminder.pk, state=Reminder.State.SENDING).update(
        state=state, error="", claimed_at=None, **fields
    )
    reminder.refresh_from_db()
    return reminder


def _fail(reminder: Reminder, error: BaseException, now: datetime.datetime) -> ReminderNotDelivered:
    attempts = reminder.attempts
    exhausted = attempts >= settings.REMINDER_MAX_ATTEMPTS
    delay = retry_delay(attempts)
    Reminder.objects.filter(pk=reminder.pk, state=Reminder.State.SENDING).update(
        state=Reminder.State.FAILED,
        error=f"{error.__class__.__name__}: {error}"[:2000],
        retry_at=now + delay,
        claimed_at=None,
    )
    reminder.refresh_from_db()
    logger.warning("Reminder %s not delivered (attempt %s): %s", reminder.pk, attempts, error)
    return ReminderNotDelivered(reminder, error, None if exhausted else int(delay.total_seconds()))


def reminders_retry_now(*, reminder_ids: list[int]) -> int:
    """An administrator's "send again": failed (or skipped) reminders become pending, with
    their attempts counted afresh. Sent reminders are never sent again."""
    return Reminder.objects.filter(
        id__in=reminder_ids, state__in=[Reminder.State.FAILED, Reminder.State.SKIPPED]
    ).update(
        state=Reminder.State.PENDING,
        skip_reason="",
        attempts=0,
        retry_at=timezone.now(),
        queued_at=None,
    )


def notifications_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them when no id is given."""
    unread = Notification.objects.unread().filter(user=user)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
