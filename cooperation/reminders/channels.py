"""The ways a reminder reaches its recipient. Each channel is a class with `deliver(reminder,
message)`, named in settings.REMINDER_CHANNELS; delivery.reminder_deliver hands each the composed
message in turn, inside the reminder's claim, and a channel that raises makes the reminder fail
and be retried. A new channel (SMS, Telegram) is one class in a module of its own and one line
in the settings: it reads the recipient from `reminder.recipient` (None for the office's shared
mailbox) and returns the fields it wants recorded on the reminder, if any.

A retried reminder is handed to every channel again: a channel keeps its own delivery to one
(the bell's notification is unique per reminder; the e-mail carries the same Message-ID).

Reminders are delivered in batches. A channel that can deliver a whole batch at once has
`deliver_many(deliveries)` instead, called once before the batch's first e-mail with (reminder,
language, message) for each (the bell: one INSERT). A channel that keeps something open for a
batch is also a context manager: it is entered before the batch's first reminder and left after its last
(e-mail keeps one SMTP connection for the batch). Entering must not fail: a connection is
opened by the first `deliver`, so that a failure is recorded on a reminder."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import get_connection
from django.utils.module_loading import import_string

from cooperation.lib.mail import ComposedEmail
from cooperation.reminders.models import Notification, Reminder

if TYPE_CHECKING:
    from cooperation.reminders.delivery import Message


class Bell:
    """The notification under the bell in the portal, for a user (the weekly digest has none).
    A batch's notifications are written with one INSERT, before its e-mails go."""

    def deliver(self, reminder: Reminder, message: Message) -> dict:
        self.deliver_many([(reminder, None, message)])
        return {}

    def deliver_many(self, deliveries) -> None:
        """`deliveries`: (reminder, language, message) for each reminder of the batch."""
        # A reminder retried after its e-mail failed has its notification already.
        Notification.objects.bulk_create(
            [
                Notification(
                    reminder=reminder, user=reminder.recipient, message=message.subject[:500], url=message.path
                )
                for reminder, _language, message in deliveries
                if reminder.recipient is not None and reminder.kind != Reminder.Kind.DIGEST
            ],
            ignore_conflicts=True,
        )


class Email:
    """An e-mail, HTML and plain text, to the user's address or the office's shared mailbox, over
    one connection to the mail server for a whole batch.

    After a failed send the connection is closed and the next message opens a new one; when
    even that cannot be opened, the server is unreachable and the rest of the batch fails at
    once with the same error (each reminder recorded as failed and retried), rather than each
    waiting for EMAIL_TIMEOUT."""

    def __init__(self):
        self.connection = None
        self.unreachable: Exception | None = None

    def __enter__(self):
        self.connection = get_connection()  # opened by the first message
        return self

    def __exit__(self, *exc_info):
        self._close()
        self.connection = None

    def deliver(self, reminder: Reminder, message: Message) -> dict:
        user = reminder.recipient
        address = user.email if user is not None else reminder.email
        if not address:
            return {"email": ""}
        host = urlparse(settings.SITE_URL).hostname or "cooperation.invalid"
        email = ComposedEmail(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            # The same reminder always carries the same Message-ID, so a mail system that sees
            # it twice (a send repeated after a crash) can tell.
            headers={"Message-ID": f"<reminder-{reminder.pk}@{host}>", "Auto-Submitted": "auto-generated"},
            connection=self._open(),
        )
        email.attach_alternative(message.html, "text/html")
        try:
            email.send(fail_silently=False)
        except Exception:
            self._close()  # perhaps broken: the next message opens a new one
            raise
        return {"email": address}

    def _close(self) -> None:
        # Every message before was answered, and recorded: a QUIT the server does not answer
        # changes nothing about them.
        if self.connection is not None:
            with contextlib.suppress(Exception):
                self.connection.close()

    def _open(self):
        """The batch's connection, opened if it is not (None outside a batch: one per message)."""
        if self.connection is None:
            return None
        if self.unreachable is not None:
            raise self.unreachable
        try:
            self.connection.open()
        except Exception as error:
            self.unreachable = error
            raise
        return self.connection


def channels() -> list:
    return [import_string(path)() for path in settings.REMINDER_CHANNELS]
