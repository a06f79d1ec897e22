"""Visits and events: delegations received and sent, meetings, signings, with their outcomes."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from agreements.models import Agreement, AreaOfCooperation
from cooperation.lib.queries import PAGE_ROWS, search_any
from cooperation.lib.text import partner_named
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

    def search(self, text: str, *, rows: int = PAGE_ROWS):
        """By title, place, city, or any name of a partner (any script, case, accents).
        `rows`: how many a page shows (cooperation.lib.queries.search_any)."""
        text = text.strip()
        if not text:
            return self
        return search_any(
            self,
            [Q(title__icontains=text), Q(places__icontains=text), Q(city__icontains=text)],
            [(Visit.partners.through.objects.filter(partner_named("institution__search_text", text)), "visit_id")],
            rows=rows,
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
    # Its partners' countries and kinds, as an agreement keeps its own (Agreement.partner_countries):
    # the dashboard's partner filters test these instead of searching every visit's partners.
    # Computed by cooperation/activity.py, never entered, and no one's edit (not in the history).
    partner_countries = models.JSONField(_("partners' countries"), default=dict, blank=True, editable=False)
    partner_kinds = models.JSONField(_("partners' kinds"), default=dict, blank=True, editable=False)

    history = HistoricalRecords(
        m2m_fields=[partners, agreements_signed], excluded_fields=["partner_countries", "partner_kinds"]
    )
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
            # A list sorted by this column: its first page read in order, not every row sorted.
            models.Index(fields=["title"], name="visit_title"),
            models.Index(fields=["status"], name="visit_status"),
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
