"""Visits and events: delegations received and sent, meetings, signings, with their outcomes."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from agreements.models import Agreement, AreaOfCooperation
from cooperation.lib.queries import pk_in_any
from cooperation.lib.text import fold
from partners.models import Contact, Institution, Unit


class VisitQuerySet(models.QuerySet):
    def upcoming(self, within: datetime.timedelta | None = None, on: datetime.date | None = None):
        on = on or timezone.localdate()
        visits = self.filter(starts_on__gte=on).exclude(status=Visit.Status.CANCELLED)
        if within is not None:
            visits = visits.filter(starts_on__lte=on + within)
        return visits

    def held(self):
        return self.filter(status=Visit.Status.HELD)

    def search(self, text: str):
        """By title, place, city, or any name of a partner (any script, case, accents)."""
        text = text.strip()
        if not text:
            return self
        return self.filter(
            pk_in_any(
                Visit.objects.filter(title__icontains=text).values("pk"),
                Visit.objects.filter(places__icontains=text).values("pk"),
                Visit.objects.filter(city__icontains=text).values("pk"),
                Visit.partners.through.objects.filter(institution__search_text__contains=fold(text)).values("visit_id"),
            )
        )


class Visit(models.Model):
    unit_path = "host_unit"  # see cooperation.lib.permissions

    class Kind(models.TextChoices):
        INCOMING_DELEGATION = "incoming_delegation", _("Incoming delegation")
        OUTGOING_TRIP = "outgoing_trip", _("Outgoing trip")
        MEETING = "meeting", _("Meeting")
        CAMPUS_TOUR = "campus_tour", _("Campus tour")
        SIGNING_CEREMONY = "signing_ceremony", _("Signing ceremony")
        CONFERENCE = "conference", _("Conference")
        SUMMER_SCHOOL = "summer_school", _("Summer school")
        JOB_FAIR = "job_fair", _("Job fair")
        ONLINE_MEETING = "online_meeting", _("Online meeting")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    # Which kinds count as received from, or sent to, partners on the dashboard.
    INCOMING_KINDS = {Kind.INCOMING_DELEGATION, Kind.CAMPUS_TOUR}
    OUTGOING_KINDS = {Kind.OUTGOING_TRIP}

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.MEETING)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), help_text=_("The same day for a one-day event."))
    places = models.CharField(_("place(s)"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = CountryField(_("country"), blank=True)
    host_unit = models.ForeignKey(Unit, verbose_name=_("host unit"), on_delete=models.PROTECT, related_name="visits")
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits_responsible",
    )
    purpose = models.TextField(_("purpose"), blank=True)
    partners = models.ManyToManyField(Institution, verbose_name=_("partners"), blank=True, related_name="visits")
    areas = models.ManyToManyField(
        AreaOfCooperation, verbose_name=_("areas discussed"), blank=True, related_name="visits"
    )
    topics = models.TextField(_("topics discussed"), blank=True)
    agreements_signed = models.ManyToManyField(
        Agreement, verbose_name=_("agreements signed"), blank=True, related_name="signing_visits"
    )
    news_url = models.URLField(_("news item"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[partners, agreements_signed])
    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="visit_ends_after_start",
                violation_error_message=_("A visit cannot end before it starts."),
            ),
        ]
        indexes = [
            # Upcoming visits (dashboard, reminders) and the list sorted by date.
            models.Index(fields=["starts_on", "status"], name="visit_starts_status"),
            # The visit list's order: ORDER BY starts_on DESC, id DESC LIMIT 50 (read backwards).
            models.Index(fields=["starts_on", "id"], name="visit_starts_id"),
            # ?period=past: ends_on < today.
            models.Index(fields=["ends_on"], name="visit_ends"),
            # ?kind= and ?direction= (kind IN (...)), newest first.
            models.Index(fields=["kind", "starts_on"], name="visit_kind_starts"),
            # Search by title, place and city has pg_trgm indexes on PostgreSQL:
            # cooperation/migrations/0007_list_indexes.py.
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cooperation:visit-detail", args=[self.pk])

    @property
    def is_one_day(self) -> bool:
        return self.starts_on == self.ends_on


class VisitParticipant(models.Model):
    """Someone at a visit: one of our staff, or a partner's contact, with a role."""

    unit_path = "visit__host_unit"  # see cooperation.lib.permissions

    class Side(models.TextChoices):
        OURS = "ours", _("Our university")
        PARTNER = "partner", _("Partner")

    class Role(models.TextChoices):
        HEAD = "head", _("Head of delegation")
        MEMBER = "member", _("Member")
        INTERPRETER = "interpreter", _("Interpreter")
        HOST = "host", _("Host")
        SPEAKER = "speaker", _("Speaker")
        ORGANISER = "organiser", _("Organiser")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="participants")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits_attended",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits_attended",
    )
    full_name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("For someone who is neither a contact nor a user.")
    )
    position = models.CharField(_("position"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["side", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False) | Q(user__isnull=False) | ~Q(full_name=""),
                name="visit_participant_is_someone",
                violation_error_message=_("Name the participant: a contact, a staff member or a name."),
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.contact_id:
            return str(self.contact)
        if self.user_id:
            return self.user.get_full_name() or self.user.get_username()
        return self.full_name


class Outcome(models.Model):
    """A point agreed at a visit."""

    unit_path = "visit__host_unit"  # see cooperation.lib.permissions

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="outcomes")
    text = models.TextField(_("what was agreed"))
    # The partner the point concerns, one of the visit's partners (checked by the visit's entry
    # page, which sees both); none for a point of the whole visit. Its index (Django's, on every
    # foreign key) serves the partner page's "Outcomes of visits".
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visit_outcomes",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["order", "id"]

    def __str__(self):
        return self.text[:80]


class FollowUpActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_on__isnull=True)

    def overdue(self, on: datetime.date | None = None):
        return self.open().filter(due_on__lt=on or timezone.localdate())


class FollowUpAction(models.Model):
    unit_path = "visit__host_unit"  # see cooperation.lib.permissions

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="follow_up_actions"
    )
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    history = HistoricalRecords()
    objects = FollowUpActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_on", "id"]
        indexes = [
            # Overdue and upcoming actions: open ones by due date.
            models.Index(fields=["due_on"], condition=Q(done_on__isnull=True), name="action_open_due"),
        ]

    def __str__(self):
        return self.description[:80]

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        return self.done_on is None and self.due_on < (on or timezone.localdate())


class Gift(models.Model):
    unit_path = "visit__host_unit"  # see cooperation.lib.permissions

    class Direction(models.TextChoices):
        RECEIVED = "received", _("Received")
        GIVEN = "given", _("Given")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="gifts")
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    description = models.CharField(_("gift"), max_length=300)
    counterpart = models.CharField(_("from or to"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")

    def __str__(self):
        return self.description


# Reminders and notifications (issue 4). The rules that say what is due live next to what they
# remind about (agreements/reminders.py, mobility/reminders.py, cooperation/reminders.py); the
# sweep records reminders here and cooperation/notifications.py delivers them.


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


class ReminderQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(state__in=[Reminder.State.PENDING, Reminder.State.FAILED])

    def record(self, reminders: list["Reminder"]) -> None:
        """Insert reminders that are not recorded yet; the ones already there are left alone.

        The unique constraint decides, so two sweeps running at once cannot record one twice
        (ON CONFLICT DO NOTHING on PostgreSQL, INSERT OR IGNORE on SQLite)."""
        self.bulk_create(reminders, ignore_conflicts=True)

    def claim(self, reminder_id: int, now: datetime.datetime) -> bool:
        """Take a reminder for sending; False when another worker has it or it is not due for a
        retry yet. Only the one UPDATE that changes the row wins (healthchecks' Flip pattern)."""
        claimed = (
            self.unsent()
            .filter(id=reminder_id, retry_at__lte=now)
            .update(state=Reminder.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        )
        return claimed == 1

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
            models.UniqueConstraint(
                fields=["kind", "item_id", "due_on", "threshold_days", "recipient_key"], name="reminder_once"
            ),
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


# Secret tokens (issue 6). A calendar application cannot log in and a script should not hold a
# password, so each carries a secret: in the feed's URL, or in the API's Authorization header.
# Only a SHA-256 hash of the secret is stored, so a copy of the database (a backup, a dump for
# a developer) does not open anyone's calendar or the API. The secret is shown once, when made.


class SecretTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def find(self, secret: str):
        """The token (active or revoked) whose secret this is, or None.

        The row is found by the secret's first characters, which alone open nothing; the hashes
        are then compared in constant time, so response times tell nothing about the rest."""
        import hashlib
        import hmac

        model = self.model
        if not secret or len(secret) > 200:
            return None
        digest = hashlib.sha256(secret.encode()).hexdigest()
        for token in self.filter(key_prefix=secret[: model.PREFIX_LENGTH]).select_related("user"):
            if hmac.compare_digest(token.key_hash, digest):
                return token
        return None


class SecretToken(models.Model):
    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="%(class)ss"
    )
    key_prefix = models.CharField(_("begins with"), max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = SecretTokenQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            # One token in use per user: making a new one revokes the old (the services).
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="%(class)s_one_active_per_user"
            ),
        ]
        indexes = [
            # SecretTokenQuerySet.find(): every feed fetch and API request.
            models.Index(fields=["key_prefix"], name="%(class)s_prefix"),
        ]

    def __str__(self):
        return f"{self.user} ({self.key_prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CalendarFeedToken(SecretToken):
    """The secret in the URL of a user's iCalendar feed (cooperation/calendar_feed.py)."""

    class Meta(SecretToken.Meta):
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")


class ApiToken(SecretToken):
    """The secret a script sends to the REST API (cooperation/api/)."""

    class Meta(SecretToken.Meta):
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")


# The record of an import from Excel or CSV (cooperation/importing/).
from cooperation.importing.models import ImportBatch  # noqa: E402, F401
