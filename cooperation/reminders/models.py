"""Reminders and notifications: each reminder recorded before it is sent, the policy of when they
go out, the notifications under the bell and the log of sweeps.

The rules that say what is due live next to what they remind about (agreements/reminders.py,
mobility/reminders.py, cooperation/reminders/sweep.py); the sweep records reminders here and
cooperation/reminders/delivery.py delivers them."""

import datetime
import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _parse_thresholds(text: str) -> tuple[int, ...]:
    """'180, 90, 30, 7, 0' -> (180, 90, 30, 7, 0): days before the due date, negative after it."""
    days = []
    for part in text.replace(";", ",").split(","):
        if part.strip():
            days.append(int(part.strip()))
    return tuple(sorted(set(days), reverse=True))


def validate_thresholds(text: str) -> None:
    try:
        days = _parse_thresholds(text)
    except ValueError:
        raise ValidationError(_("Write whole numbers of days separated by commas, e.g. 30, 7, 0.")) from None
    if any(not -365 <= day <= 3650 for day in days):
        raise ValidationError(_("Each threshold must be between -365 and 3650 days."))


# What makes a reminder the same reminder: recorded once, whoever sweeps and however often.
REMINDER_KEY = ("kind", "item_id", "due_on", "threshold_days", "recipient_key")

# Field types whose Python values psycopg2 sends as they are, with nothing for Django to prepare.
_PLAIN_TYPES = {
    "CharField", "TextField", "BigIntegerField", "PositiveBigIntegerField", "IntegerField",
    "PositiveIntegerField", "SmallIntegerField", "PositiveSmallIntegerField", "DateField",
    "DateTimeField", "BooleanField", "ForeignKey",
}  # fmt: skip


@functools.lru_cache(maxsize=32)
def _outcome_sql(columns: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    return (
        f"UPDATE {quote(Reminder._meta.db_table)} SET {assignments} "
        f"WHERE {quote(Reminder._meta.pk.column)} = %s AND {quote(Reminder._meta.get_field('state').column)} = %s"
    )


def array_literal(values: list) -> str:
    """A PostgreSQL array literal: every value quoted (backslash before " and \\), NULL bare."""
    items = []
    for value in values:
        if value is None:
            items.append("NULL")
            continue
        text = value.isoformat() if isinstance(value, datetime.date) else str(value)
        items.append('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "{" + ",".join(items) + "}"


class ReminderQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(state__in=[Reminder.State.PENDING, Reminder.State.FAILED])

    def record(self, reminders: list["Reminder"]) -> None:
        """Insert reminders that are not recorded yet; the ones already there are left alone.

        The unique constraint on REMINDER_KEY decides, so two sweeps running at once cannot
        record one twice (ON CONFLICT DO NOTHING on PostgreSQL, INSERT OR IGNORE on SQLite). On
        PostgreSQL the rows go as one INSERT ... SELECT FROM unnest(one array per column): a
        fresh installation's first sweep records tens of thousands, and bulk_create prepares
        each of the ~20 values of each row one by one."""
        if not reminders:
            return
        columns = [column for column in Reminder._meta.concrete_fields if not column.primary_key]
        if (
            connection.vendor != "postgresql"
            or any(column.get_internal_type() not in _PLAIN_TYPES for column in columns)
            # What bulk_create would set on the way in (none today).
            or any(getattr(column, "auto_now", False) or getattr(column, "auto_now_add", False) for column in columns)
        ):
            self.bulk_create(reminders, ignore_conflicts=True)
            return
        quote = connection.ops.quote_name
        names = ", ".join(quote(column.column) for column in columns)
        arrays = ", ".join(f"%s::{column.db_type(connection)}[]" for column in columns)
        # Each column as one array literal: PostgreSQL reads '{...}' quickly, where the ARRAY[...]
        # psycopg2 would write is an expression per value for the parser.
        values = [array_literal([getattr(reminder, column.attname) for reminder in reminders]) for column in columns]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(Reminder._meta.db_table)} ({names}) SELECT * FROM unnest({arrays}) "
                "ON CONFLICT DO NOTHING",
                values,
            )

    def claim(self, reminder_id: int, now: datetime.datetime) -> bool:
        """Take a reminder for sending; False when another worker has it or it is not due for a
        retry yet."""
        return self.claim_many([reminder_id], now) == [reminder_id]

    def claim_many(self, reminder_ids, now: datetime.datetime) -> list[int]:
        """Take reminders for sending: the ids that are ours now. Only unsent reminders due for a
        (re)try are taken, and only by the one worker that moves them to "sending" (healthchecks'
        Flip pattern): the rows are locked first and rows another worker is claiming are
        skipped, so of two workers claiming the same ids each gets a different share, never
        the same one (on PostgreSQL; SQLite lets one writer at a time)."""
        with transaction.atomic():
            ids = list(
                self.unsent()
                .filter(id__in=reminder_ids, retry_at__lte=now)
                .select_for_update(skip_locked=True)
                .order_by("id")
                .values_list("id", flat=True)
            )
            self.filter(id__in=ids).update(state=Reminder.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        return ids

    def record_outcome(self, reminder_id: int, **values) -> bool:
        """Write what became of a reminder this worker claimed (its state and the fields that go
        with it), if the claim still holds: False when the reminder is no longer "sending" (it
        was released as stuck). One UPDATE, committed at once outside a transaction; written
        as SQL because a batch writes one per reminder and the ORM's compiling of each costs
        more than the statement."""
        fields = [Reminder._meta.get_field(name) for name in values]
        with connection.cursor() as cursor:
            cursor.execute(
                _outcome_sql(tuple(field.column for field in fields)),
                [field.get_db_prep_save(values[field.name], connection) for field in fields]
                + [reminder_id, Reminder.State.SENDING],
            )
            return cursor.rowcount == 1

    def release_stuck(self, now: datetime.datetime) -> int:
        """Reminders left in "sending" by a worker that died: failed, to be sent again."""
        timeout = datetime.timedelta(seconds=settings.REMINDER_SENDING_TIMEOUT)
        return self.filter(state=Reminder.State.SENDING, claimed_at__lt=now - timeout).update(
            state=Reminder.State.FAILED,
            error="The worker stopped while sending; it is sent again.",
            retry_at=now,
        )

    def mark_ready_for_queue(self, now: datetime.datetime) -> list[int]:
        """Ids of the reminders to hand to the workers now, stamped so that the next call within
        REMINDER_REQUEUE_AFTER does not queue them again. Two callers at once get different ones
        (rows another transaction is stamping are skipped, on PostgreSQL)."""
        requeue_after = datetime.timedelta(seconds=settings.REMINDER_REQUEUE_AFTER)
        ready = self.unsent().filter(
            Q(queued_at__isnull=True) | Q(queued_at__lt=now - requeue_after),
            retry_at__lte=now,
            attempts__lt=settings.REMINDER_MAX_ATTEMPTS,
        )
        with transaction.atomic():
            ids = list(ready.select_for_update(skip_locked=True).order_by("id").values_list("id", flat=True))
            for start in range(0, len(ids), 10_000):
                self.filter(id__in=ids[start : start + 10_000]).update(queued_at=now)
        return ids


class Reminder(models.Model):
    """One reminder to one recipient, recorded before it is sent: the log of every reminder.

    (kind, item, due date, threshold, recipient) is unique, so whatever runs twice (beat, a
    sweep, a retried task) finds the row already there. The due date is part of the key: when
    an agreement's expiry changes, its reminders start afresh.
    """

    class Kind(models.TextChoices):
        AGREEMENT_EXPIRY = "agreement_expiry", _("Agreement expires")
        AGREEMENT_NOTICE = "agreement_notice", _("Notice deadline of an automatic renewal")
        VISIT_START = "visit_start", _("Visit starts")
        ACTION_DUE = "action_due", _("Follow-up action due")
        PROGRAM_APPLICATION = "program_application", _("Program application deadline")
        PROGRAM_NOMINATION = "program_nomination", _("Program nomination deadline")
        PARTICIPANT_DOCUMENTS = "participant_documents", _("Participant's documents due")
        IIA_CHANGED = "iia_changed", _("IIA changed since the partner approved it")
        DIGEST = "digest", _("Weekly digest")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    class SkipReason(models.TextChoices):
        SUPERSEDED = "superseded", _("A more urgent reminder replaced it")
        CHANGED = "changed", _("The record changed or is no longer due")
        INACTIVE = "inactive", _("The recipient's account is inactive")
        BY_HAND = "by_hand", _("Skipped by an administrator")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    item_id = models.PositiveBigIntegerField(_("record"), help_text=_("The id of the record it is about."))
    due_on = models.DateField(_("due on"))
    threshold_days = models.SmallIntegerField(_("days before"), help_text=_("0 on the due date, negative after it."))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
        help_text=_("Empty for the office's shared mailbox."),
    )
    # "user:<id>" or "mailbox:<address>": one column, so the uniqueness holds for both.
    recipient_key = models.CharField(max_length=300, editable=False)
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("The address it was sent to."))
    language = models.CharField(_("language"), max_length=5, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    skip_reason = models.CharField(_("why skipped"), max_length=20, choices=SkipReason.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    retry_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=REMINDER_KEY, name="reminder_once"),
        ]
        indexes = [
            # Reminder.objects.mark_ready_for_queue() and release_stuck(): what is waiting or stuck.
            models.Index(
                fields=["state", "retry_at"], condition=~Q(state__in=["sent", "skipped"]), name="reminder_unsent"
            ),
            # The reminders of one record (admin, send-time checks).
            models.Index(fields=["kind", "item_id"], name="reminder_item"),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} #{self.item_id} ({self.due_on}, {self.threshold_days}) → {self.recipient_label}"
        )

    @property
    def recipient_label(self) -> str:
        if self.recipient_id is None:
            return self.email or self.recipient_key.removeprefix("mailbox:")
        return self.recipient.get_username() if self.recipient else self.recipient_key

    @property
    def key(self) -> tuple:
        """Its REMINDER_KEY values: the same key is the same reminder."""
        return tuple(getattr(self, name) for name in REMINDER_KEY)

    @staticmethod
    def user_key(user_id: int) -> str:
        return f"user:{user_id}"

    @staticmethod
    def mailbox_key(address: str) -> str:
        return f"mailbox:{address.strip().lower()}"

    @property
    def reminds_on(self) -> datetime.date:
        """The day this threshold is reached."""
        return self.due_on - datetime.timedelta(days=self.threshold_days)


class ReminderPolicy(models.Model):
    """When reminders go out: the thresholds an administrator may change in the admin.

    There is one row (id 1). Each field lists days before the due date; 0 is the day itself and
    a negative number means that many days after it (overdue). An empty field turns that kind
    of reminder off.
    """

    agreement_expiry_days = models.CharField(
        _("agreement expiry"),
        max_length=100,
        validators=[validate_thresholds],
        help_text=_("Days before a fixed-term agreement expires, e.g. 180, 90, 30, 7, 0."),
    )
    agreement_notice_days = models.CharField(
        _("notice of non-renewal"),
        max_length=100,
        blank=True,
        validators=[validate_thresholds],
        help_text=_("Days before the notice deadline of an agreement that renews automatically."),
    )
    visit_start_days = models.CharField(_("visit start"), max_length=100, blank=True, validators=[validate_thresholds])
    action_due_days = models.CharField(
        _("follow-up action due"),
        max_length=100,
        blank=True,
        validators=[validate_thresholds],
        help_text=_("-1 reminds the day after the due date when the action is still open."),
    )
    program_deadline_days = models.CharField(
        _("program deadlines"),
        max_length=100,
        blank=True,
        validators=[validate_thresholds],
        help_text=_("Days before a program's application and nomination deadlines."),
    )
    participant_documents_days = models.CharField(
        _("participant's documents due"), max_length=100, blank=True, validators=[validate_thresholds]
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Reminder kind -> the field holding its thresholds.
    FIELD_OF_KIND = {
        Reminder.Kind.AGREEMENT_EXPIRY: "agreement_expiry_days",
        Reminder.Kind.AGREEMENT_NOTICE: "agreement_notice_days",
        Reminder.Kind.VISIT_START: "visit_start_days",
        Reminder.Kind.ACTION_DUE: "action_due_days",
        Reminder.Kind.PROGRAM_APPLICATION: "program_deadline_days",
        Reminder.Kind.PROGRAM_NOMINATION: "program_deadline_days",
        Reminder.Kind.PARTICIPANT_DOCUMENTS: "participant_documents_days",
    }

    # Kinds that remind once, on the day (a change, not a deadline to count down to).
    ON_THE_DAY = {Reminder.Kind.IIA_CHANGED}

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policy")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="reminder_policy_single_row")]

    def __str__(self):
        return str(_("Reminder policy"))

    @classmethod
    def defaults(cls) -> dict[str, str]:
        thresholds = settings.REMINDER_THRESHOLDS
        return {
            field: ", ".join(str(day) for day in thresholds.get(kind, ())) for kind, field in cls.FIELD_OF_KIND.items()
        }

    @classmethod
    def load(cls) -> "ReminderPolicy":
        """The row an administrator edits, or the defaults from settings when there is none yet."""
        return cls.objects.filter(pk=1).first() or cls(pk=1, **cls.defaults())

    def thresholds(self, kind: str) -> tuple[int, ...]:
        """Days before the due date, most distant first."""
        if kind in self.ON_THE_DAY:
            return (0,)
        field = self.FIELD_OF_KIND.get(kind)
        return _parse_thresholds(getattr(self, field)) if field else ()


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A reminder as the portal shows it to a user: under the bell until it is read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    reminder = models.OneToOneField(
        Reminder, null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    message = models.CharField(_("message"), max_length=500)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The notifications page: one user's, newest first.
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
            # The unread count under the bell, on every page.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self):
        return self.message

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class SweepRun(models.Model):
    """One run of the reminder sweep: administrators are warned when the last one is too old."""

    on = models.DateField(_("for the day"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    triggered_by = models.CharField(_("started by"), max_length=30)
    due_items = models.PositiveIntegerField(_("records due"), default=0)
    planned = models.PositiveIntegerField(_("reminders planned"), default=0)
    superseded = models.PositiveIntegerField(_("reminders superseded or cancelled"), default=0)

    class Meta:
        verbose_name = _("reminder sweep")
        verbose_name_plural = _("reminder sweeps")
        ordering = ["-finished_at"]
        indexes = [
            # SweepRun.latest_finished() for the administrators' warning, on every page.
            models.Index(fields=["-finished_at"], name="sweep_run_finished"),
        ]

    def __str__(self):
        return f"{self.on} ({self.triggered_by})"

    @classmethod
    def is_late(cls, now: datetime.datetime | None = None) -> bool:
        """True when no sweep has finished within REMINDER_SWEEP_LATE_HOURS."""
        now = now or timezone.now()
        limit = now - datetime.timedelta(hours=settings.REMINDER_SWEEP_LATE_HOURS)
        return not cls.objects.filter(finished_at__gte=limit).exists()

    @classmethod
    def last_finished_at(cls) -> datetime.datetime | None:
        return cls.objects.order_by("-finished_at").values_list("finished_at", flat=True).first()
