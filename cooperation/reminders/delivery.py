"""The one service that delivers every reminder, whatever recorded it (the sweep or the digest).

A reminder is claimed before it is sent: only the worker whose UPDATE moves it from pending
(or failed) to sending goes on, so a reminder queued twice is sent once. It is then sent as
a message in the recipient's language with a link to the record, through each channel of
settings.REMINDER_CHANNELS (cooperation/reminders/channels.py: the bell in the portal, e-mail). A failure is written on the reminder (error, attempts,
next attempt) and raised to the caller, which retries with backoff; nothing is swallowed.

Reminders go in batches (reminders_deliver): claimed together, their records loaded with one
query per kind, each message composed from templates compiled once, and every channel opened
once for the batch (one SMTP connection). Each reminder's outcome is still written the moment
it is known, so a batch cut short sends nothing twice and loses nothing: what went out is
recorded sent, what did not is failed (retried) or still claimed (released after
REMINDER_SENDING_TIMEOUT).
"""

import datetime
import logging
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.urls import reverse
from django.utils import formats, timezone, translation

from cooperation.lib.queries import commits_not_awaiting_disk
from cooperation.lib.skeletons import SkeletonRenderer
from cooperation.reminders import digest, sweep
from cooperation.reminders.channels import channels
from cooperation.reminders.models import Notification, Reminder, ReminderPolicy

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


@dataclass
class BatchOutcome:
    """What became of a batch: the reminders in their final state (sent or skipped), the
    failures, and how many ids were not ours to send (sent already, being sent by another
    worker, or not due for a retry yet)."""

    finished: list[Reminder] = field(default_factory=list)
    failed: list[ReminderNotDelivered] = field(default_factory=list)
    not_claimed: int = 0


def reminder_deliver(*, reminder_id: int, on: datetime.date | None = None) -> Reminder | None:
    """Send one recorded reminder. Returns it in its final state (sent or skipped), or None when
    it was not ours to send (already sent, being sent by another worker, or not due for a retry
    yet). Raises ReminderNotDelivered when sending failed."""
    outcome = reminders_deliver(reminder_ids=[reminder_id], on=on)
    if outcome.failed:
        raise outcome.failed[0]
    return outcome.finished[0] if outcome.finished else None


def reminders_deliver(*, reminder_ids: Iterable[int], on: datetime.date | None = None) -> BatchOutcome:
    """Send recorded reminders as one batch (see the module's docstring); those that are not
    ours to send are counted and left alone."""
    reminder_ids = list(reminder_ids)
    now = timezone.now()
    claimed = Reminder.objects.claim_many(reminder_ids, now)
    outcome = BatchOutcome(not_claimed=len(reminder_ids) - len(claimed))
    if not claimed:
        return outcome
    on = on or timezone.localdate()
    reminders = list(Reminder.objects.filter(pk__in=claimed).select_related("recipient__profile").order_by("id"))
    composer = Composer(reminders, on=on)
    # What each reminder says is decided first: skipped (the recipient left, the record changed)
    # or its message, composed in the recipient's language.
    deliveries = []
    for reminder in reminders:
        try:
            decided = _decide(reminder, composer)
        except Exception as error:  # a template that fails is recorded and retried like a send
            outcome.failed.append(_fail(reminder, error, timezone.now()))
            continue
        if isinstance(decided, Reminder):
            outcome.finished.append(decided)
        else:
            deliveries.append(decided)
    # Each outcome is committed as soon as it is known, without waiting for the database's disk:
    # a worker that dies mid-batch leaves every sent reminder recorded sent.
    with ExitStack() as opened, commits_not_awaiting_disk():
        batch_channels = channels()
        # A channel that can deliver the whole batch at once does so before the first e-mail (the
        # bell: one INSERT); what it delivered stays delivered if an e-mail then fails, and is
        # not delivered twice when the reminder is retried.
        per_message = []
        for channel in batch_channels:
            if hasattr(channel, "deliver_many"):
                channel.deliver_many(deliveries)
            else:
                # A channel that keeps something open for a batch (e-mail: its SMTP connection)
                # is a context manager; the others are used as they are.
                per_message.append(opened.enter_context(channel) if hasattr(channel, "__enter__") else channel)
        for reminder, language, message in deliveries:
            try:
                recorded = {}
                for channel in per_message:
                    recorded.update(channel.deliver(reminder, message))
            except Exception as error:  # any failure (SMTP, network) is recorded and retried
                outcome.failed.append(_fail(reminder, error, timezone.now()))
                continue
            # Committed before the next message goes: a worker killed while sending it leaves
            # every accepted one recorded sent (tests/test_reminders_integration.py kills one).
            outcome.finished.append(
                _finish(reminder, Reminder.State.SENT, language=language, sent_at=timezone.now(), **recorded)
            )
    return outcome


def reminders_prepare() -> None:
    """Load in this process what every batch reads: the URL configuration (each message's link),
    each reminder's templates, compiled, and each language's translations. Processes forked
    from it afterwards (send_reminders --jobs) share them, instead of each loading its own."""
    reverse("home")
    for kind in Reminder.Kind.values:
        for part in ("subject.txt", "body.txt", "body.html"):
            get_template(f"emails/{kind.replace('_', '-')}-{part}")
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Weekly digest")


def _decide(reminder: Reminder, composer: "Composer") -> "Reminder | tuple[Reminder, str, Message]":
    """The reminder finished as skipped, or what to send: (reminder, language, message)."""
    user = reminder.recipient
    if user is not None and not user.is_active:
        return _finish(reminder, Reminder.State.SKIPPED, skip_reason=Reminder.SkipReason.INACTIVE)
    language = _language(reminder)
    message = composer.compose(reminder, language=language)
    if message is None:
        return _finish(reminder, Reminder.State.SKIPPED, skip_reason=Reminder.SkipReason.CHANGED)
    return reminder, language, message


def _language(reminder: Reminder) -> str:
    if reminder.recipient is None:
        return settings.REMINDER_MAILBOX_LANGUAGE
    profile = getattr(reminder.recipient, "profile", None)
    return profile.language if profile and profile.language else settings.LANGUAGE_CODE


# The reminders' templates as skeletons (cooperation/lib/skeletons.py), kept by the process
# from batch to batch, and forgotten when a setting changes (tests).
_skeletons = SkeletonRenderer()


@receiver(setting_changed)
def _forget_skeletons(**kwargs) -> None:
    _skeletons.clear()


class Composer:
    """The e-mails of one batch of reminders. What they share is read once: their records (one
    query per kind), the policy, this week's digest, and each template, compiled on first use
    (the cached loader keeps it for the next batches too). A template is rendered once for each
    shape of message (language, days left, which fields are empty) and then filled in with each
    reminder's texts (cooperation/lib/skeletons.py)."""

    def __init__(self, reminders: list[Reminder], *, on: datetime.date):
        self.on = on
        self.items = sweep.reminder_items_if_due(
            [reminder for reminder in reminders if reminder.kind != Reminder.Kind.DIGEST],
            on=on,
            policy=ReminderPolicy.load(),
        )
        self._digest = None
        self._templates = {}

    def template(self, name: str):
        if name not in self._templates:
            self._templates[name] = get_template(name)
        return self._templates[name]

    def digest(self) -> digest.DigestContents:
        if self._digest is None:
            self._digest = digest.digest_contents(on=self.on)
        return self._digest

    def compose(self, reminder: Reminder, *, language: str) -> Message | None:
        """The reminder's e-mail in `language`, or None when it is no longer worth sending."""
        on = self.on
        if reminder.kind == Reminder.Kind.DIGEST:
            if not digest.digest_is_current(due_on=reminder.due_on, on=on):
                return None
            path = reverse("home")
            context = {"digest": self.digest()}
        else:
            item = self.items.get(reminder.pk)
            if item is None:
                return None
            path = sweep.reminder_item_path(reminder, item)
            context = {
                "item": item,
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
        shape, resolved = (language,), {}
        with translation.override(language):
            context["LANGUAGE_CODE"] = language
            if reminder.kind != Reminder.Kind.DIGEST:
                context["due_date"] = formats.date_format(reminder.due_on, "DATE_FORMAT")
            if reminder.kind == Reminder.Kind.AGREEMENT_NOTICE:
                # Formatted here too, so that it is a text of the message and not part of its
                # shape: every notice names its own term end, and would need a skeleton of its own.
                term_end = context["item"].current_term_end()
                context["term_end"] = formats.date_format(term_end, "DATE_FORMAT") if term_end else ""
            subject = " ".join(
                _skeletons.render(self.template(f"{name}-subject.txt"), context, shape=shape, resolved=resolved).split()
            )
            text = _skeletons.render(self.template(f"{name}-body.txt"), context, shape=shape, resolved=resolved)
            html = _skeletons.render(self.template(f"{name}-body.html"), context, shape=shape, resolved=resolved)
        return Message(subject=subject, text=text, html=html, url=context["url"], path=path)


def _finish(reminder: Reminder, state: str, **fields) -> Reminder:
    # Still guarded by the claim: only the worker that holds the reminder records the outcome.
    fields.update(state=state, error="", claimed_at=None)
    if Reminder.objects.record_outcome(reminder.pk, **fields):
        for name, value in fields.items():
            setattr(reminder, name, value)
    else:
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
