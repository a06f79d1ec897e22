"""Mobility: exchange, double-degree, internship and staff programs, and the people in them."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agreements.models import Agreement, Direction, Quota
from cooperation.lib.academic_years import ACADEMIC_YEAR_PATTERN, validate_academic_year
from cooperation.lib.queries import PAGE_ROWS, search_any
from cooperation.lib.text import partner_named
from partners.models import Institution, Unit


class ProgramQuerySet(models.QuerySet):
    def search(self, text: str, *, rows: int = PAGE_ROWS):
        """By title, or any name of a partner (any script, case, accents).
        `rows`: how many a page shows (cooperation.lib.queries.search_any)."""
        text = text.strip()
        if not text:
            return self
        return search_any(
            self,
            [Q(title__icontains=text)],
            [(Program.partners.through.objects.filter(partner_named("institution__search_text", text)), "program_id")],
            rows=rows,
        )

    def with_deadline_between(self, start: datetime.date, end: datetime.date):
        return self.filter(Q(application_deadline__range=(start, end)) | Q(nomination_deadline__range=(start, end)))


class Program(models.Model):
    unit_path = "unit"  # see cooperation.lib.permissions

    class Kind(models.TextChoices):
        EXCHANGE = "exchange", _("Exchange")
        DOUBLE_DEGREE = "double_degree", _("Double degree")
        JOINT_DEGREE = "joint_degree", _("Joint degree")
        INTERNSHIP = "internship", _("Internship abroad")
        SUMMER_SCHOOL = "summer_school", _("Summer school")
        STAFF_TEACHING = "staff_teaching", _("Staff teaching")
        STAFF_TRAINING = "staff_training", _("Staff training")
        SCHOLARSHIP = "scholarship", _("Scholarship or grant program")

    class ProgramDirection(models.TextChoices):
        OUTGOING = "outgoing", _("Outgoing")
        INCOMING = "incoming", _("Incoming")
        BOTH = "both", _("Both directions")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EXCHANGE)
    degree_structure = models.CharField(
        _("structure"), max_length=20, blank=True, help_text=_("For double degrees: 2+2, 3+1, 1+1...")
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=ProgramDirection.choices, default=ProgramDirection.BOTH
    )
    partners = models.ManyToManyField(Institution, verbose_name=_("partners"), blank=True, related_name="programs")
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programs",
        help_text=_("The agreement the program rests on."),
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="programs")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programs_coordinated",
    )
    academic_year = models.CharField(_("academic year"), max_length=9, validators=[validate_academic_year])
    places = models.PositiveSmallIntegerField(_("places"), null=True, blank=True)
    funding_source = models.CharField(_("funding source"), max_length=200, blank=True)
    application_deadline = models.DateField(_("application deadline"), null=True, blank=True)
    nomination_deadline = models.DateField(_("nomination deadline"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[partners])
    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["-academic_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(academic_year__regex=ACADEMIC_YEAR_PATTERN), name="program_academic_year_format"
            ),
        ]
        indexes = [
            # A list sorted by this column: its first page read in order, not every row sorted.
            models.Index(fields=["kind"], name="program_kind"),
            models.Index(fields=["direction"], name="program_direction"),
            # The program list filtered by academic year and kind.
            models.Index(fields=["academic_year", "kind"], name="program_year_kind"),
            # The program list's order: ORDER BY academic_year DESC, title, id LIMIT 50.
            models.Index(fields=["-academic_year", "title", "id"], name="program_year_title_id"),
            # ?open_for_applications: application_deadline >= today.
            models.Index(fields=["application_deadline"], name="program_application_deadline"),
            # The participants list sorted by program: its first page through the programs in
            # order and each one's participants.
            models.Index(fields=["title"], name="program_title"),
            # Search by title has a pg_trgm index on PostgreSQL: mobility/migrations/0002_list_indexes.py.
        ]

    def __str__(self):
        return f"{self.title} ({self.academic_year})"

    def get_absolute_url(self):
        return reverse("mobility:program-detail", args=[self.pk])


class ParticipantQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Participant.Status.WITHDRAWN)

    def documents_overdue(self, on: datetime.date | None = None):
        return self.active().filter(documents_due_on__lt=on or timezone.localdate())


class Participant(models.Model):
    """A student or staff member moving under a program."""

    unit_path = "program__unit"  # see cooperation.lib.permissions

    class Kind(models.TextChoices):
        STUDENT = "student", _("Student")
        STAFF = "staff", _("Staff")

    class Level(models.TextChoices):
        FOUNDATION = "foundation", _("Foundation")
        BACHELOR = "bachelor", _("Bachelor")
        MASTER = "master", _("Master")
        DOCTORATE = "doctorate", _("Doctorate")
        STAFF = "staff", _("Staff")

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        APPLIED = "applied", _("Applied")
        ACCEPTED = "accepted", _("Accepted")
        ABROAD = "abroad", _("Abroad")
        RETURNED = "returned", _("Returned")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The pipeline: each status may move to the next, and any open one to "withdrawn".
    PIPELINE = [
        Status.NOMINATED,
        Status.APPLIED,
        Status.ACCEPTED,
        Status.ABROAD,
        Status.RETURNED,
        Status.COMPLETED,
    ]

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.PROTECT, related_name="participants"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STUDENT)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("our unit"),
        on_delete=models.PROTECT,
        related_name="mobility_participants",
        help_text=_("The faculty that sends or hosts the participant."),
    )
    partner_institution = models.ForeignKey(
        Institution,
        verbose_name=_("partner institution"),
        on_delete=models.PROTECT,
        related_name="mobility_participants",
        help_text=_("The host institution of an outgoing participant, the home institution of an incoming one."),
    )
    field_of_study = models.CharField(_("field of study"), max_length=200, blank=True)
    isced_code = models.CharField(_("ISCED-F code"), max_length=10, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.BACHELOR)
    quota_category = models.CharField(
        _("quota category"), max_length=20, choices=Quota.Category.choices, default=Quota.Category.STUDENT_STUDIES
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOMINATED)
    grant_amount = models.DecimalField(_("grant amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    grant_currency = models.CharField(
        _("currency"), max_length=3, blank=True, help_text=_("ISO 4217: KZT, EUR, USD, CNY")
    )
    documents_due_on = models.DateField(_("documents due on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("mobility participant")
        verbose_name_plural = _("mobility participants")
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="participant_ends_after_start",
                violation_error_message=_("The mobility cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(grant_amount__isnull=True)
                | (Q(grant_amount__gte=0) & Q(grant_currency__regex=r"^[A-Z]{3}$")),
                name="participant_grant_has_currency",
                violation_error_message=_("A grant needs a positive amount and a three-letter currency code."),
            ),
        ]
        indexes = [
            # Mobility counts per direction and status (dashboard).
            models.Index(fields=["direction", "status"], name="participant_direction_status"),
            # The dashboard's mobility figures and chart: the participants of a year's programs
            # counted by direction, kind and status from this index alone (index-only scans
            # through the programs of the year); with its partner last, filtered by the
            # partner's country or kind (a join to the few partners) from the index alone too.
            # A key column, not INCLUDE: PostgreSQL deduplicates only indexes without INCLUDE,
            # and this one, mostly repeated keys, would grow fivefold and be read less often.
            models.Index(
                fields=["program", "direction", "kind", "status", "partner_institution"],
                name="participant_program_figures",
            ),
            # Agreement.objects.dormant(): the participants started since a day, with their
            # programs and status, from this index alone.
            models.Index(fields=["starts_on", "program", "status"], name="participant_starts_program"),
            # The participants list sorted by name: its first page read in order through this
            # index instead of sorting every participant. (The name search has a trigram index,
            # mobility/migrations/0005_participant_name_indexes.py.)
            models.Index(fields=["full_name", "id"], name="participant_name_id"),
            # And sorted by kind or by status: the first page in order, not all sorted.
            models.Index(fields=["kind"], name="participant_kind"),
            models.Index(fields=["status"], name="participant_status"),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        # ?participant= opens the page of the program's participants that holds this one.
        url = reverse("mobility:program-detail", args=[self.program_id])
        return f"{url}?participant={self.pk}#participant-{self.pk}"

    @property
    def home(self):
        return self.unit if self.direction == Direction.OUTGOING else self.partner_institution

    @property
    def host(self):
        return self.partner_institution if self.direction == Direction.OUTGOING else self.unit

    def allowed_statuses(self) -> list[str]:
        if self.status in (self.Status.WITHDRAWN, self.Status.COMPLETED):
            return []
        position = self.PIPELINE.index(self.status)
        return [*self.PIPELINE[position + 1 : position + 2], self.Status.WITHDRAWN]

    def allowed_status_choices(self) -> list[tuple[str, str]]:
        return [(status, self.Status(status).label) for status in self.allowed_statuses()]
