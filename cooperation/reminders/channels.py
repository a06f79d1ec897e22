"""The ways a reminder reaches its recipient. Each channel is a class with `deliver(reminder,
message)`, named in settings.REMINDER_CHANNELS; delivery.reminder_deliver hands each the composed
message in turn, inside the reminder's claim, and a channel that raises makes the reminder fail
and be retried. A new channel (SMS, Telegram) is one class in a module of its own and one line
in the settings: it reads the recipient from `reminder.recipient` (None for the office's shared
mailbox) and returns the fields it wants recorded on the reminder, if any.

A retried reminder is handed to every channel again: a channel keeps its own delivery to one
(the bell's notification is unique per reminder; the e-mail carries the same Message-ID)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.module_loading import import_string

from cooperation.reminders.models import Notification, Reminder

if TYPE_CHECKING:
    from cooperation.reminders.delivery import Message


class Bell:
    """The notification under the bell in the portal, for a user (the weekly digest has none)."""

    def deliver(self, reminder: Reminder, message: Message) -> dict:
        user = reminder.recipient
        if user is not None and reminder.kind != Reminder.Kind.DIGEST:
            Notification.objects.get_or_create(
                reminder=reminder, defaults={"user": user, "message": message.subject[:500], "url": message.path}
            )
        return {}


class Email:
    """An e-mail, HTML and plain text, to the user's address or the office's shared mailbox."""

    def deliver(self, reminder: Reminder, message: Message) -> dict:
        user = reminder.recipient
        address = user.email if user is not None else reminder.email
        if not address:
            return {"email": ""}
        host = urlparse(settings.SITE_URL).hostname or "cooperation.invalid"
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            # The same reminder always carries the same Message-ID, so a mail system that sees
            # it twice (a send repeated after a crash) can tell.
            headers={"Message-ID": f"<reminder-{reminder.pk}@{host}>", "Auto-Submitted": "auto-generated"},
        )
        email.attach_alternative(message.html, "text/html")
        email.send(fail_silently=False)
        return {"email": address}


def channels() -> list:
    return [import_string(path)() for path in settings.REMINDER_CHANNELS]
