"""Agreements and memoranda: parties, signatories, areas, dates, lifecycle, documents, quotas."""

import datetime
import hashlib
import re
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import npgettext, pgettext, pgettext_lazy
from simple_history.models import HistoricalRecords

from agreements.isced import ISCED_F_FIELDS, is_isced_code
from agreements.language_skills import format_language_skills
from cooperation.lib.academic_years import (
    ACADEMIC_YEAR_PATTERN,
    validate_academic_year,
    years_before,
)
from cooperation.lib.queries import PAGE_ROWS, search_any
from cooperation.lib.text import partner_named
from partners.models import Contact, Institution, Unit

EXPIRING_SOON = datetime.timedelta(days=90)
# The state filter's choice for "active or expiring", beside the states themselves.
IN_FORCE = "in_force"
# In force, yet nothing has happened under it for this long: the rector's office asks about it.
DORMANT_AFTER_YEARS = 2


class Direction(models.TextChoices):
    """Which way people go: the one enum of quotas, programs and participants, whose figures are
    joined on it (the dashboard counts mobility against quotas)."""

    OUTGOING = "outgoing", _("Outgoing")
    INCOMING = "incoming", _("Incoming")


class AreaOfCooperation(models.Model):
    """An entry of the controlled list of areas of cooperation (administrators keep it)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=150)  # translated: see translation.py
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("area of cooperation")
        verbose_name_plural = _("areas of cooperation")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


def in_force_condition(on: datetime.date) -> Q:
    """Signed, started and not past expiry (an automatically renewing one does not lapse): the
    rule as a condition, for a filter or an aggregate's FILTER (the dashboard counts with it)."""
    return (
        (Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        & (Q(expires_on__isnull=True) | Q(expires_on__gte=on) | Q(auto_renews=True))
        & Q(status=Agreement.Status.SIGNED)
    )


def expiring_condition(within: datetime.timedelta, on: datetime.date) -> Q:
    """In force, and its fixed expiry date falls within the period from `on`."""
    # expires_on >= on follows from the rest (not renewing itself, so in force only until then);
    # said outright, it bounds the index range (status, expires_on) on both sides, so only the
    # expiring rows are read, not every agreement in force.
    return in_force_condition(on) & Q(auto_renews=False, expires_on__gte=on, expires_on__lte=on + within)


class AgreementQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date | None = None):
        """Signed, started and not past expiry (in_force_condition)."""
        return self.filter(in_force_condition(on or timezone.localdate()))

    def expiring(self, within: datetime.timedelta, on: datetime.date | None = None):
        """In force, and its fixed expiry date falls within the period from `on` (expiring_condition)."""
        return self.filter(expiring_condition(within, on or timezone.localdate()))

    def expired(self, on: datetime.date | None = None):
        """Signed, not renewed or terminated, and past its expiry date."""
        on = on or timezone.localdate()
        return self.filter(status=Agreement.Status.SIGNED, auto_renews=False, expires_on__lt=on)

    def pending(self, on: datetime.date | None = None):
        """Signed, but its term has not begun."""
        on = on or timezone.localdate()
        return self.filter(status=Agreement.Status.SIGNED, valid_from__gt=on)

    def ever_signed(self):
        """Signed at some point, whatever became of it since (renewed, terminated)."""
        return self.exclude(status__in=Agreement.UNSIGNED)

    def changed_since_partner_approval(self):
        """The agreements of which some partner approved a copy (an EWP IIA) that is no longer
        ours: the hash of our copy for that partner differs from the one it approved."""
        return self.filter(
            models.Exists(
                AgreementParty.objects.changed_since_partner_approval().filter(agreement=models.OuterRef("pk"))
            )
        )

    def in_state(self, state: str, on: datetime.date | None = None):
        """The agreements whose state() is `state`: the same rule, as a query."""
        on = on or timezone.localdate()
        State = Agreement.State
        if state == IN_FORCE:
            return self.in_force(on)
        if state == State.ACTIVE:
            return self.in_force(on).exclude(auto_renews=False, expires_on__lte=on + EXPIRING_SOON)
        if state == State.EXPIRING:
            return self.expiring(EXPIRING_SOON, on)
        if state == State.EXPIRED:
            return self.expired(on)
        if state == State.PENDING:
            return self.pending(on)
        return self.filter(status=state)

    def dormant(self, on: datetime.date | None = None):
        """In force, signed more than two years ago, and since then no mobility under it and no
        visit about it: its last activity (last_activity_on, planned activity included; what
        counts is said in cooperation/activity.py) falls before the cut-off, or there was none."""
        on = on or timezone.localdate()
        since = years_before(on, DORMANT_AFTER_YEARS)
        quiet_since = Q(last_activity_on__isnull=True) | Q(last_activity_on__lt=since)
        return self.in_force(on).filter(quiet_since, signed_on__lte=since)

    def owned_by(self, unit: Unit):
        return self.filter(responsible_unit=unit)

    def search(self, text: str, *, rows: int = PAGE_ROWS):
        """By title, registration number, or any name of a partner party (any script, case, accents).
        `rows`: how many a page shows (cooperation.lib.queries.search_any)."""
        text = text.strip()
        if not text:
            return self
        return search_any(
            self,
            [Q(title__icontains=text), Q(registration_number__iexact=text)],
            [(AgreementParty.objects.filter(partner_named("institution__search_text", text)), "agreement_id")],
            rows=rows,
        )


class Agreement(models.Model):
    unit_path = "responsible_unit"  # see cooperation.lib.permissions

    class Kind(models.TextChoices):
        MOU = "mou", _("Memorandum of understanding")
        MOC = "moc", _("Memorandum of cooperation")
        FRAMEWORK = "framework", _("Framework agreement")
        EXCHANGE = "exchange", _("Student/staff exchange agreement")
        DOUBLE_DEGREE = "double_degree", _("Double degree agreement")
        JOINT_DEGREE = "joint_degree", _("Joint degree agreement")
        TWO_PLUS_TWO = "two_plus_two", _("2+2 program agreement")
        INTERNSHIP = "internship", _("Internship/practical training agreement")
        RESEARCH = "research", _("Research collaboration agreement")
        ERASMUS_IIA = "erasmus_iia", _("Erasmus+ inter-institutional agreement")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NEGOTIATION = "negotiation", _("Under negotiation")
        SIGNED = "signed", _("Signed")
        RENEWED = "renewed", _("Renewed")
        TERMINATED = "terminated", _("Terminated")

    class State(models.TextChoices):
        """What state() says of an agreement: its status, or once signed where its term stands.
        The lists' state filter offers these (and "in force", active or expiring)."""

        ACTIVE = "active", pgettext_lazy("agreement state", "Active")
        EXPIRING = "expiring", pgettext_lazy("agreement state", "Expiring")
        EXPIRED = "expired", pgettext_lazy("agreement state", "Expired")
        PENDING = "pending", pgettext_lazy("agreement state", "Not yet in force")
        DRAFT = "draft", pgettext_lazy("agreement state", "Draft")
        NEGOTIATION = "negotiation", pgettext_lazy("agreement state", "Under negotiation")
        RENEWED = "renewed", pgettext_lazy("agreement state", "Renewed")
        TERMINATED = "terminated", pgettext_lazy("agreement state", "Terminated")

    # Not yet signed: no partner, signing date or figure counts these.
    UNSIGNED = (Status.DRAFT, Status.NEGOTIATION)

    # Which status a user may move an agreement to by hand. "Renewed" is set by
    # agreements.services when the agreement's successor is signed.
    TRANSITIONS = {
        Status.DRAFT: {Status.NEGOTIATION, Status.SIGNED},
        Status.NEGOTIATION: {Status.DRAFT, Status.SIGNED},
        Status.SIGNED: {Status.TERMINATED},
        Status.RENEWED: set(),
        Status.TERMINATED: set(),
    }

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MOU)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    registration_number = models.CharField(_("registration number"), max_length=60, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    areas = models.ManyToManyField(
        AreaOfCooperation, verbose_name=_("areas of cooperation"), blank=True, related_name="agreements"
    )
    responsible_unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="agreements"
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements_responsible",
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_from = models.DateField(_("in force from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, help_text=_("Empty if open-ended."))
    auto_renews = models.BooleanField(_("renews automatically"), default=False)
    renewal_term_months = models.PositiveSmallIntegerField(
        _("renewal term (months)"), null=True, blank=True, help_text=_("Each automatic renewal extends it by this.")
    )
    # A notice period is stated in days ("90 days") or in calendar months ("six months"), and
    # kept as stated: at most one of the two (agreement_notice_in_days_or_months).
    renewal_notice_days = models.PositiveSmallIntegerField(
        _("notice period (days)"),
        null=True,
        blank=True,
        help_text=_("Notice of non-renewal must be given this many days before expiry."),
    )
    renewal_notice_months = models.PositiveSmallIntegerField(
        _("or notice period (months)"),
        null=True,
        blank=True,
        # Past ten years a notice period in months is a typing slip (and a date before the year 1).
        validators=[MaxValueValidator(120)],
        help_text=_("Or, stated in calendar months, this many months before expiry (fill in one of the two)."),
    )
    renews = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_by",
        help_text=_("The earlier agreement this one continues."),
    )
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The latest day of mobility or a visit under it (planned ones too): computed from those
    # records whenever one of them is written (cooperation/activity.py), never entered.
    last_activity_on = models.DateField(_("last activity"), null=True, blank=True, editable=False)
    # The countries and the kinds of its partners (the institutions that are parties to it), each
    # a set kept as the keys of a JSON object ({"KZ": true}): the dashboard's partner filters ask
    # `has_any_keys`, which every database answers (PostgreSQL from a GIN index), instead of
    # searching each agreement's parties. Computed by cooperation/activity.py, never entered.
    partner_countries = models.JSONField(_("partners' countries"), default=dict, blank=True, editable=False)
    partner_kinds = models.JSONField(_("partners' kinds"), default=dict, blank=True, editable=False)

    # Not in the history: it is no one's edit. (simple-history then cannot record a change made
    # from the agreement's side of a visit's agreements_signed; the visit's side is the one used.)
    history = HistoricalRecords(
        m2m_fields=[areas], excluded_fields=["last_activity_on", "partner_countries", "partner_kinds"]
    )
    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"],
                name="agreement_registration_number_unique",
                condition=~Q(registration_number=""),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(valid_from__isnull=True) | Q(expires_on__gt=F("valid_from")),
                name="agreement_expires_after_start",
                violation_error_message=_("The expiry date must come after the date it enters into force."),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(signed_on__isnull=True) | Q(expires_on__gt=F("signed_on")),
                name="agreement_expires_after_signature",
                violation_error_message=_("The expiry date must come after the signature."),
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | (Q(terminated_on__isnull=False) & ~Q(termination_reason="")),
                name="agreement_termination_has_date_and_reason",
                violation_error_message=_("A terminated agreement needs the date and the reason."),
            ),
            models.CheckConstraint(
                condition=Q(auto_renews=True)
                | (
                    Q(renewal_term_months__isnull=True)
                    & Q(renewal_notice_days__isnull=True)
                    & Q(renewal_notice_months__isnull=True)
                ),
                name="agreement_renewal_terms_only_when_auto_renewing",
                violation_error_message=_(
                    "A renewal term and notice period apply only to an agreement that renews automatically."
                ),
            ),
            models.CheckConstraint(
                condition=Q(renewal_notice_days__isnull=True) | Q(renewal_notice_months__isnull=True),
                name="agreement_notice_in_days_or_months",
                violation_error_message=_("Give the notice period in days or in months, not both."),
            ),
            models.CheckConstraint(
                condition=Q(auto_renews=False) | Q(expires_on__isnull=False),
                name="agreement_auto_renewal_needs_expiry",
                violation_error_message=_("An agreement that renews automatically needs the date its first term ends."),
            ),
            models.CheckConstraint(condition=~Q(renews=F("id")), name="agreement_does_not_renew_itself"),
        ]
        indexes = [
            # A list sorted by this column: its first page read in order, not every row sorted.
            models.Index(fields=["expires_on"], name="agreement_expires"),
            # Agreement.objects.expiring() and the reminder sweep: status first, then the date.
            models.Index(fields=["status", "expires_on"], name="agreement_status_expires"),
            # The dashboard's agreements in force on a day: those that came in force in its month
            # (cooperation/dashboard/tallies.py reads the months before from its tallies).
            models.Index(fields=["status", "valid_from"], name="agreement_status_valid_from"),
            # The agreement list filtered by kind.
            models.Index(fields=["kind", "status"], name="agreement_kind_status"),
            # The agreement list's order: ORDER BY signed_on DESC NULLS FIRST, id DESC LIMIT 50
            # (read backwards; PostgreSQL puts NULLs last ascending, so first descending).
            models.Index(fields=["signed_on", "id"], name="agreement_signed_id"),
            # How many agreements are dormant (the dashboard's count): the signed ones by date,
            # with what the rule reads beside it, counted from the index alone.
            models.Index(
                fields=["signed_on"],
                include=["last_activity_on", "valid_from", "expires_on", "auto_renews"],
                condition=Q(status="signed"),
                name="agreement_signed_quiet",
            ),
            # The list sorted by title (?sort=title).
            models.Index(fields=["title"], name="agreement_title"),
            # Agreement.objects.search(): registration_number__iexact is UPPER(...) = UPPER(%s).
            models.Index(Upper("registration_number"), name="agreement_regno_upper"),
            # Search by title (UPPER(title) LIKE '%...%') has a pg_trgm index on PostgreSQL:
            # agreements/migrations/0003_list_indexes.py.
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("agreements:agreement-detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.status == self.Status.SIGNED and not self.signed_on:
            raise ValidationError({"signed_on": _("A signed agreement needs its date of signature.")})

    # Derived state: computed from the dates, never stored.
    def current_term_end(self, on: datetime.date | None = None) -> datetime.date | None:
        """The end of the term running on `on`: expires_on, rolled forward for automatic renewals."""
        if self.expires_on is None or not self.auto_renews:
            return self.expires_on
        on = on or timezone.localdate()
        months = self.renewal_term_months or 12
        # Count whole terms from the first expiry, so that monthly terms of a 31 January
        # agreement end on 28 February and then 31 March, not 28 March.
        terms = 0
        end = self.expires_on
        while end < on:
            terms += 1
            end = add_months(self.expires_on, terms * months)
        return end

    def notice_deadline(self, on: datetime.date | None = None) -> datetime.date | None:
        """The last day to give notice of non-renewal for the current term."""
        end = self.current_term_end(on)
        if end is None or not self.auto_renews:
            return None
        if self.renewal_notice_months:
            return add_months(end, -self.renewal_notice_months)  # six months before 31 August: 28/29 February
        return end - datetime.timedelta(days=self.renewal_notice_days or 0)

    def days_left(self, on: datetime.date | None = None) -> int | None:
        on = on or timezone.localdate()
        end = self.current_term_end(on)
        return None if end is None else (end - on).days

    def state(self, on: datetime.date | None = None) -> "Agreement.State":
        """Its status until signed or after it ended; once signed, where its term stands."""
        on = on or timezone.localdate()
        if self.status != self.Status.SIGNED:
            return self.State(self.status)
        if self.valid_from and self.valid_from > on:
            return self.State.PENDING
        days = self.days_left(on)
        if days is None or self.auto_renews:
            return self.State.ACTIVE
        if days < 0:
            return self.State.EXPIRED
        if days <= EXPIRING_SOON.days:
            return self.State.EXPIRING
        return self.State.ACTIVE

    def state_text(self, on: datetime.date | None = None) -> str:
        """The state in words, with the days left while it is expiring."""
        state = self.state(on)
        if state != self.State.EXPIRING:
            return str(state.label)
        days = self.days_left(on)
        if days == 0:
            return pgettext("agreement state", "Expires today")
        return npgettext("agreement state", "Expiring in %(days)s day", "Expiring in %(days)s days", days) % {
            "days": days
        }

    @property
    def was_ever_signed(self) -> bool:
        """Signed at some point, whatever became of it since: AgreementQuerySet.ever_signed()."""
        return self.status not in self.UNSIGNED

    @property
    def iia_approvals_recorded(self) -> bool:
        return any(party.partner_approval_id or party.our_approval_id for party in self.parties.all())

    @property
    def changed_since_partner_approval(self) -> bool:
        """Some partner approved a copy of ours that is no longer ours (AgreementParty's rule)."""
        return any(party.changed_since_partner_approval for party in self.parties.all() if party.institution_id)

    @property
    def is_terminated(self) -> bool:
        return self.status == self.Status.TERMINATED

    def renewal_chain(self) -> list["Agreement"]:
        """Every agreement of the chain this one belongs to, oldest first."""
        first = self
        seen = {self.pk}
        while first.renews_id and first.renews_id not in seen:
            first = first.renews
            seen.add(first.pk)
        chain = [first]
        while True:
            successor = Agreement.objects.filter(renews=chain[-1]).first()
            if successor is None or successor.pk in {a.pk for a in chain}:
                return chain
            chain.append(successor)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's end (31 January + 1 month = 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


def new_iia_id() -> str:
    """An IIA id of ours: unique everywhere, and saying nothing (EWP ids are opaque)."""
    return str(uuid.uuid4())


class AgreementPartyQuerySet(models.QuerySet):
    def changed_since_partner_approval(self):
        """Partner parties whose approved copy of our IIA is not our copy any more (the one rule:
        the hash of our copy, kept in current_iia_hash, differs from the approved hash)."""
        return self.filter(partner_approval__isnull=False).exclude(current_iia_hash=F("partner_approval__iia_hash"))


class AgreementParty(models.Model):
    """A signing party: a partner institution, or one of our own units (the university itself,
    a faculty, the university's college)."""

    unit_path = "agreement__responsible_unit"  # see cooperation.lib.permissions

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("partner institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement_parties",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("our unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement_parties",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # A partner's Erasmus+ inter-institutional agreement (EWP IIA), one per partner institution:
    # the id and code under which we issued it, and those under which the partner keeps it.
    our_iia_id = models.CharField(_("our IIA id"), max_length=64, blank=True, default=new_iia_id)
    our_iia_code = models.CharField(_("our IIA code"), max_length=100, blank=True)
    partner_iia_id = models.CharField(_("partner's IIA id"), max_length=64, blank=True)
    partner_iia_code = models.CharField(_("partner's IIA code"), max_length=100, blank=True)
    # The partner's copy as last recorded from their document: its iia-hash and when it came.
    partner_iia_hash_received = models.CharField(_("partner's iia-hash received"), max_length=64, blank=True)
    partner_iia_received_on = models.DateField(_("partner's IIA received on"), null=True, blank=True)
    # Approvals (agreements/ewp/approval.py): the latest the partner gave our copy and the
    # latest we gave theirs; every approval stays in IiaApproval.
    partner_approval = models.ForeignKey(
        "IiaApproval",
        verbose_name=_("partner's approval of our copy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    our_approval = models.ForeignKey(
        "IiaApproval",
        verbose_name=_("our approval of the partner's copy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The iia-hash of our copy for this partner as it is now, kept by
    # agreements.ewp.approval.agreement_refresh_iia_hashes while the partner has approved a
    # copy: the list compares it with the approved hash without exporting each agreement.
    current_iia_hash = models.CharField(_("iia-hash of our copy"), max_length=64, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["current_iia_hash"])
    objects = AgreementPartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(institution__isnull=False) & Q(unit__isnull=True))
                | (Q(institution__isnull=True) & Q(unit__isnull=False)),
                name="party_is_institution_or_unit",
                violation_error_message=_("A party is either a partner institution or one of our units."),
            ),
            models.UniqueConstraint(
                fields=["agreement", "institution"],
                name="party_institution_once",
                condition=Q(institution__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["agreement", "unit"], name="party_unit_once", condition=Q(unit__isnull=False)
            ),
            # The IIA id we issue names one partner's IIA, whatever agreement it is in.
            models.UniqueConstraint(fields=["our_iia_id"], name="party_our_iia_id_unique", condition=~Q(our_iia_id="")),
        ]

    def __str__(self):
        return str(self.institution or self.unit)

    @property
    def is_ours(self) -> bool:
        return self.unit_id is not None

    @property
    def changed_since_partner_approval(self) -> bool:
        """AgreementPartyQuerySet.changed_since_partner_approval(), for one loaded party."""
        return self.partner_approval_id is not None and self.current_iia_hash != self.partner_approval.iia_hash


def validate_iia_hash(value: str) -> None:
    if not re.fullmatch(r"[0-9a-f]{64}", value or ""):
        raise ValidationError(_("An iia-hash is 64 hexadecimal digits (SHA-256)."), code="iia_hash")


class IiaApproval(models.Model):
    """One approval of an EWP IIA copy, recorded by hand: the partner approved our copy of the
    IIA of one partner party (its iia-hash), or we approved the partner's copy. Kept, never
    changed but for `changed_on`; the party points at the latest of each side."""

    unit_path = "party__agreement__responsible_unit"  # see cooperation.lib.permissions

    class Side(models.TextChoices):
        PARTNER = "partner", _("The partner approved our copy")
        OURS = "ours", _("We approved the partner's copy")

    party = models.ForeignKey(
        AgreementParty, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="iia_approvals"
    )
    side = models.CharField(_("approval"), max_length=10, choices=Side.choices)
    iia_hash = models.CharField(_("iia-hash approved"), max_length=64, validators=[validate_iia_hash])
    approved_on = models.DateField(_("approved on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # The partner's approval only: the day our copy was first seen to differ from the approved
    # one (empty while it does not). The reminder of the change is due on that day, once.
    changed_on = models.DateField(_("our copy changed on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("IIA approval")
        verbose_name_plural = _("IIA approvals")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            # The reminder sweep: the partners' approvals our copy has departed from, by the day.
            models.Index(fields=["changed_on"], condition=Q(changed_on__isnull=False), name="iia_approval_changed"),
        ]

    def __str__(self):
        return f"{self.get_side_display()}: {self.iia_hash[:12]}… ({self.approved_on})"

    def get_absolute_url(self):
        return f"{self.party.agreement.get_absolute_url()}#ewp-approval"


class Signatory(models.Model):
    unit_path = "agreement__responsible_unit"  # see cooperation.lib.permissions

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    party = models.ForeignKey(
        AgreementParty, verbose_name=_("signs for"), on_delete=models.CASCADE, related_name="signatories"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=255, blank=True)
    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), null=True, blank=True, on_delete=models.SET_NULL, related_name="signatures"
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("The signing contact's address (EWP)."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        ordering = ["party__order", "id"]

    def __str__(self):
        return f"{self.full_name}, {self.position}" if self.position else self.full_name

    def clean(self):
        super().clean()
        if self.party_id and self.agreement_id and self.party.agreement_id != self.agreement_id:
            raise ValidationError({"party": _("The signatory must sign for a party of this agreement.")})


class QuotaQuerySet(models.QuerySet):
    def for_academic_year(self, academic_year: str):
        """The conditions in effect in that academic year (first and last year included)."""
        return self.filter(first_academic_year__lte=academic_year, last_academic_year__gte=academic_year)


class Quota(models.Model):
    """A cooperation condition (EWP IIA): one kind of mobility from a sending to a receiving
    institution, over a span of academic years, with places and length per year, subject areas
    (ISCED-F), EQF levels and recommended language skills.

    One side is always ours: `direction` says which (outgoing, we send; incoming, we receive) and
    `partner` names the other side, a partner party of the agreement; no partner means each
    partner of the agreement (a multilateral agreement's shared quota)."""

    unit_path = "agreement__responsible_unit"  # see cooperation.lib.permissions

    Direction = Direction

    class Category(models.TextChoices):
        STUDENT_STUDIES = "student_studies", _("Student studies")
        STUDENT_TRAINEESHIP = "student_traineeship", _("Student traineeship")
        STAFF_TEACHING = "staff_teaching", _("Staff teaching")
        STAFF_TRAINING = "staff_training", _("Staff training")

    STUDENT_CATEGORIES = (Category.STUDENT_STUDIES, Category.STUDENT_TRAINEESHIP)
    EQF_LEVELS = range(1, 9)
    # What a condition grants, beside who sends and who receives: what the entry page edits
    # after the parties and what a partner's copy is compared on.
    TERMS = (
        "first_academic_year",
        "last_academic_year",
        "places",
        "total_months",
        "total_days",
        "subject_areas",
        "subject_clarification",
        "eqf_levels",
        "language_skills",
        "blended",
        "other_info",
    )

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="quotas")
    category = models.CharField(_("mobility type"), max_length=20, choices=Category.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    partner = models.ForeignKey(
        Institution,
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        # Not hidden: merging a duplicate partner moves what points at it through related_objects.
        related_name="cooperation_conditions",
        help_text=_("The partner institution sending or receiving; empty: each partner of the agreement."),
    )
    our_unit = models.ForeignKey(
        Unit, verbose_name=_("our unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    partner_unit = models.CharField(
        _("partner's unit (EWP id)"), max_length=64, blank=True, help_text=_("Its organisational-unit id in EWP.")
    )
    first_academic_year = models.CharField(_("first academic year"), max_length=9, validators=[validate_academic_year])
    last_academic_year = models.CharField(_("last academic year"), max_length=9, validators=[validate_academic_year])
    places = models.PositiveSmallIntegerField(_("places per year"))
    total_months = models.DecimalField(
        _("months per year in total"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    total_days = models.PositiveIntegerField(_("days per year in total"), null=True, blank=True)
    # Lists, not rows of their own: a condition is read and written whole (the entry page's row,
    # an EWP document), and both SQLite and PostgreSQL keep JSON.
    subject_areas = models.JSONField(_("subject areas (ISCED-F)"), default=list, blank=True)
    subject_clarification = models.CharField(_("subject area clarification"), max_length=255, blank=True)
    eqf_levels = models.JSONField(_("EQF levels"), default=list, blank=True)
    language_skills = models.JSONField(_("recommended language skills"), default=list, blank=True)
    blended = models.BooleanField(_("blended"), default=False)
    other_info = models.TextField(_("other information"), blank=True)
    # What a partner's EWP document said that the fields above cannot hold (a value flagged
    # not-yet-defined, an ISCED code's v6-value, a condition's contacts, an organisational unit
    # of ours no unit carries): kept as read, shown, and written back on export so that the
    # partner's iia-hash comes out the same. See agreements/ewp/reading.py for the keys.
    ewp_kept = models.JSONField(_("EWP values kept as received"), default=dict, blank=True)

    history = HistoricalRecords()
    objects = QuotaQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation condition")
        verbose_name_plural = _("cooperation conditions")
        ordering = ["first_academic_year", "direction", "category", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_academic_year__regex=ACADEMIC_YEAR_PATTERN)
                & Q(last_academic_year__regex=ACADEMIC_YEAR_PATTERN),
                name="quota_academic_year_format",
            ),
            models.CheckConstraint(
                condition=Q(last_academic_year__gte=F("first_academic_year")),
                name="quota_years_in_order",
                violation_error_message=_("The last academic year cannot come before the first."),
            ),
        ]

    def __str__(self):
        return f"{self.years} {self.get_direction_display()} {self.get_category_display()}: {self.places}"

    @property
    def years(self) -> str:
        if self.first_academic_year == self.last_academic_year:
            return self.first_academic_year
        return f"{self.first_academic_year}–{self.last_academic_year}"

    def academic_years(self) -> list[str]:
        first, last = int(self.first_academic_year[:4]), int(self.last_academic_year[:4])
        return [f"{start}/{start + 1}" for start in range(first, last + 1)]

    @property
    def is_student_mobility(self) -> bool:
        return self.category in self.STUDENT_CATEGORIES

    def subject_area_names(self) -> list[str]:
        return [f"{code} {ISCED_F_FIELDS.get(code, '')}".strip() for code in self.subject_areas]

    def language_skills_text(self) -> str:
        return format_language_skills(self.language_skills)

    def clean(self):
        super().clean()
        errors = {}
        if self.first_academic_year and self.last_academic_year and self.last_academic_year < self.first_academic_year:
            errors["last_academic_year"] = _("The last academic year cannot come before the first.")
        unknown = [code for code in self.subject_areas if not is_isced_code(code)]
        if unknown:
            errors["subject_areas"] = _("Not an ISCED-F 2013 code: %(codes)s.") % {"codes": ", ".join(unknown)}
        if any(level not in self.EQF_LEVELS for level in self.eqf_levels):
            errors["eqf_levels"] = _("EQF levels run from 1 to 8.")
        if self.eqf_levels and not self.is_student_mobility:
            errors["eqf_levels"] = _("EQF levels apply to student mobility only.")
        if self.blended and self.category != self.Category.STUDENT_STUDIES:
            errors["blended"] = _("Only student studies can be blended.")
        if errors:
            raise ValidationError(errors)


class QuotaUse(models.Model):
    """A condition's places in one academic year of its span against the participants recorded
    for them: not withdrawn, in a program of that year resting on the agreement, of the same
    direction and category. Computed from those records whenever one is written
    (cooperation/activity.py), never entered: the dashboard ranks the unused places from an
    index instead of counting every participant of the year on each drawing."""

    quota = models.ForeignKey(Quota, on_delete=models.CASCADE, related_name="uses", editable=False)
    academic_year = models.CharField(_("academic year"), max_length=9, editable=False)
    recorded = models.PositiveIntegerField(_("participants recorded"), editable=False)
    # places - recorded: negative when more were recorded than agreed.
    unused = models.IntegerField(_("places left"), editable=False)
    # The agreement's status is not draft or negotiation (only those conditions are counted), and
    # its title, by which the dashboard orders conditions with as many places left: both kept
    # here so that the first rows come in order from the index alone.
    ever_signed = models.BooleanField(_("agreement signed"), editable=False)
    agreement_title = models.CharField(_("agreement"), max_length=300, editable=False)
    # The agreement's partner sets (Agreement.partner_countries, .partner_kinds), copied so that
    # the dashboard filtered by a partner counts a year's unused places from these rows alone.
    partner_countries = models.JSONField(_("partners' countries"), default=dict, editable=False)
    partner_kinds = models.JSONField(_("partners' kinds"), default=dict, editable=False)
    # The agreement's responsible unit, copied so that the dashboard filtered by a unit reads
    # that unit's conditions from their own index, not every condition of the year.
    responsible_unit = models.ForeignKey(
        "partners.Unit",
        verbose_name=_("responsible unit"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,
    )

    class Meta:
        verbose_name = _("use of a cooperation condition")
        verbose_name_plural = _("uses of cooperation conditions")
        constraints = [models.UniqueConstraint(fields=["quota", "academic_year"], name="quota_use_once_a_year")]
        indexes = [
            # The dashboard's unused quotas: a year's conditions with places left, most first.
            models.Index(
                "academic_year",
                models.F("unused").desc(),
                "agreement_title",
                "quota",
                name="quota_use_unused",
                condition=Q(unused__gt=0, ever_signed=True),
            ),
            # The same for one unit and those under it.
            models.Index(
                "academic_year",
                "responsible_unit",
                models.F("unused").desc(),
                "agreement_title",
                "quota",
                name="quota_use_unit_unused",
                condition=Q(unused__gt=0, ever_signed=True),
            ),
        ]

    def __str__(self):
        return f"{self.quota} {self.academic_year}: {self.recorded}"


class AgreementDocument(models.Model):
    """A document of an agreement (the signed scan, a draft, an annex), kept in versions."""

    unit_path = "agreement__responsible_unit"  # see cooperation.lib.permissions

    class Kind(models.TextChoices):
        SIGNED = "signed", _("Signed copy")
        DRAFT = "draft", _("Draft")
        ANNEX = "annex", _("Annex")
        CORRESPONDENCE = "correspondence", _("Correspondence")
        OTHER = "other", _("Other")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DRAFT)
    title = models.CharField(_("title"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "title"]

    def __str__(self):
        return self.title

    def latest_version(self):
        return self.versions.order_by("-number").first()


def _document_path(instance: "DocumentVersion", filename: str) -> str:
    # The stored name is random: the user's file name is kept in original_name only, so no
    # uploaded name ever reaches the file system.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"agreements/{instance.document.agreement_id}/{uuid.uuid4().hex}{suffix}"


class DocumentVersion(models.Model):
    unit_path = "document__agreement__responsible_unit"  # see cooperation.lib.permissions

    document = models.ForeignKey(AgreementDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=_document_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64, editable=False)
    comment = models.CharField(_("comment"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="document_version_from_one"),
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"

    @staticmethod
    def digest(fileobj) -> str:
        sha = hashlib.sha256()
        for chunk in fileobj.chunks():
            sha.update(chunk)
        return sha.hexdigest()
