"""Partner institutions, their names and people; our own units and staff profiles.

This app is the base of the portal: agreements, mobility and visits point to it, and it
imports none of them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from cooperation.lib.queries import PAGE_ROWS, search_any
from cooperation.lib.text import words_condition
from partners.names import generic_synonym, keys_text, search_text_of


class Unit(models.Model):
    """A part of our own university that owns agreements, visits and programs."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        FACULTY = "faculty", _("Faculty")
        SCHOOL = "school", _("School")
        DEPARTMENT = "department", _("Department")
        INSTITUTE = "institute", _("Research institute")
        COLLEGE = "college", _("College")
        OFFICE = "office", _("Office")

    name = models.CharField(_("name"), max_length=255)  # translated: see translation.py
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FACULTY)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    ewp_ounit_id = models.CharField(
        _("EWP organisational-unit id"),
        max_length=64,
        blank=True,
        help_text=_("The id by which Erasmus Without Paper knows this unit, if it has one."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="unit_name_unique"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="unit_not_own_parent"),
        ]

    def __str__(self):
        return self.short_name or self.name


def unit_and_children(unit: "Unit"):
    """A unit and the units under it: what a list, or the dashboard, counts as the unit's."""
    return Unit.objects.filter(Q(pk=unit.pk) | Q(parent=unit))


class Profile(models.Model):
    """What the portal knows about one of our users beyond Django's User."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("A faculty coordinator edits the records of this unit."),
    )
    position = models.CharField(_("position"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="ru",
        help_text=_("Reminders and digests are written in this language."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


def partner_by_condition(day) -> Q:
    """A partner by `day`: entered by then, or party to an agreement signed by then (a partner
    entered later with its earlier agreements was one already). The dashboard counts the same."""
    # The agreements' side is kept on the partner (first_signed_on: the earliest signing day of
    # its agreements ever signed, cooperation/activity.py).
    return Q(created_at__date__lte=day) | Q(first_signed_on__lte=day)


class InstitutionQuerySet(models.QuerySet):
    def partners_by(self, day):
        """Partners by `day` (partner_by_condition)."""
        return self.filter(partner_by_condition(day))

    def active(self):
        return self.filter(status=Institution.Status.ACTIVE)

    def current(self):
        """Institutions that have not been merged into another."""
        return self.filter(merged_into__isnull=True)

    def search(self, text: str):
        """Every word of `text` begins a word of one of the names, short name or codes, in any
        order and any of them; case, accents, punctuation and the script aside
        (cooperation.lib.text.words_condition over search_text, served by its trigram index)."""
        condition = words_condition("search_text", text, synonyms=generic_synonym)
        return self if condition is None else self.filter(condition)


# What refresh_search_text() computes from the names and codes.
REBUILT_FIELDS = ("search_text", "name_keys")


class Institution(models.Model):
    """A partner organisation: a university, a college, a company, a ministry, an embassy..."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        COLLEGE = "college", _("College")
        SCHOOL = "school", _("School")
        RESEARCH_INSTITUTE = "research_institute", _("Research institute")
        COMPANY = "company", _("Company")
        GOVERNMENT = "government", _("Ministry or government agency")
        EMBASSY = "embassy", _("Embassy")
        CONSULATE = "consulate", _("Consulate")
        INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
        FOUNDATION = "foundation", _("Foundation")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PROSPECTIVE = "prospective", _("Prospective")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    name = models.CharField(_("official name"), max_length=255)
    short_name = models.CharField(_("short name or acronym"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.UNIVERSITY)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("A consulate under its embassy, a college under its university."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    erasmus_code = models.CharField(_("Erasmus code"), max_length=30, blank=True)
    pic = models.CharField(_("PIC"), max_length=20, blank=True, help_text=_("Participant Identification Code"))
    schac_id = models.CharField(_("SCHAC id"), max_length=100, blank=True, help_text=_("e.g. metu.edu.tr"))
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="institutions")
    notes = models.TextField(_("notes"), blank=True)
    is_public = models.BooleanField(
        _("published"), default=False, help_text=_("Shown on the university website's partner map.")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_institutions",
    )
    # When merged_into was set (partners.merging): the duplicate is kept, so that old links and
    # history still resolve, but no list, search or autocomplete shows it (objects.current()).
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True, editable=False)
    # Every name, short name, variant and code, folded and in Latin letters too
    # (cooperation.lib.text.search_forms): what search matches against. Rebuilt by
    # refresh_search_text() whenever a name or code changes.
    search_text = models.TextField(editable=False, blank=True, default="")
    # The distinctive part of every name (partners.names.keys_text), which the trigram search
    # for alike names compares: likely duplicates and "Did you mean".
    name_keys = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The earliest signing day of the agreements it is a party to (those ever signed): computed
    # from them whenever one is written (cooperation/activity.py), never entered. "A partner by"
    # (partner_by_condition) then compares a column instead of searching every partner's parties.
    first_signed_on = models.DateField(_("first agreement signed on"), null=True, blank=True, editable=False)

    # first_signed_on is in the history rows (simple-history fills them from a visit's side of
    # the partners link with every field) but never shown as an edit (cooperation/lib/history.py).
    history = HistoricalRecords(m2m_fields=[tags])
    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        constraints = [
            # Identifiers are unique where they exist; blank means "not known".
            models.UniqueConstraint(
                Lower("erasmus_code"), name="institution_erasmus_code_unique", condition=~Q(erasmus_code="")
            ),
            models.UniqueConstraint(fields=["pic"], name="institution_pic_unique", condition=~Q(pic="")),
            models.UniqueConstraint(Lower("schac_id"), name="institution_schac_id_unique", condition=~Q(schac_id="")),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="institution_not_own_parent"),
            models.CheckConstraint(condition=~Q(merged_into=models.F("id")), name="institution_not_merged_into_itself"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="institution_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="institution_longitude_range",
            ),
        ]
        indexes = [
            # A list sorted by this column: its first page read in order, not every row sorted.
            models.Index(fields=["kind"], name="institution_kind"),
            models.Index(fields=["city"], name="institution_city"),
            # The partner list filtered by country and kind.
            models.Index(fields=["country", "kind"], name="institution_country_kind"),
            # The dashboard's partners by a day: those that became one in its month
            # (cooperation/dashboard/tallies.py reads the months before from its tallies).
            models.Index(fields=["created_at"], name="institution_created_at"),
            models.Index(fields=["first_signed_on"], name="institution_first_signed"),
            # The partner list's order: Institution.objects.current().order_by("name") LIMIT 50.
            models.Index(fields=["name"], name="institution_name"),
            # The partner list filtered by status (?status=prospective), in name order.
            models.Index(fields=["status", "name"], name="institution_status_name"),
            # Search (search_text LIKE '%...%') has a pg_trgm index on PostgreSQL:
            # partners/migrations/0003_list_indexes.py.
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_search_text()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("partners:institution-detail", args=[self.pk])

    def store_search_text(self) -> None:
        """Write what refresh_search_text() computed, and nothing else (no history entry)."""
        Institution.objects.filter(pk=self.pk).update(**{name: getattr(self, name) for name in REBUILT_FIELDS})

    def all_names(self) -> list[str]:
        names = [self.name, self.short_name]
        if self.pk:
            names += [variant.name for variant in self.names.all()]
        return [name for name in names if name]

    def refresh_search_text(self) -> None:
        """search_text and name_keys, from the names and codes (REBUILT_FIELDS)."""
        names = self.all_names()
        self.search_text = search_text_of(names, [self.erasmus_code, self.pic, self.schac_id])
        self.name_keys = keys_text(names)


class InstitutionName(models.Model):
    """Another name of an institution: a translation, a transliteration, an acronym, a former name."""

    class Kind(models.TextChoices):
        TRANSLATION = "translation", _("Name in another language")
        TRANSLITERATION = "transliteration", _("Transliteration")
        ACRONYM = "acronym", _("Acronym")
        FORMER = "former", _("Former name")
        MERGED = "merged", _("Name of a merged institution")
        MISSPELLING = "misspelling", _("Common misspelling")

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=255)
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("ISO 639-1 code: en, ru, kk, zh, tr...")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TRANSLATION)
    used_until = models.DateField(_("used until"), null=True, blank=True, help_text=_("For former names."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("name variant")
        verbose_name_plural = _("name variants")
        ordering = ["language", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="institution_name_unique"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.institution.refresh_search_text()
        self.institution.store_search_text()

    def delete(self, *args, **kwargs):
        institution = self.institution
        result = super().delete(*args, **kwargs)
        institution.refresh_search_text()
        institution.store_search_text()
        return result


class ContactQuerySet(models.QuerySet):
    def search(self, text: str, *, rows: int = PAGE_ROWS):
        """By name in any script, e-mail or position.
        `rows`: how many a page shows (cooperation.lib.queries.search_any)."""
        text = text.strip()
        if not text:
            return self
        # A union of one query per column, each through its own index (cooperation.lib.queries).
        return search_any(
            self,
            [
                Q(full_name__icontains=text),
                Q(native_name__icontains=text),
                Q(email__iexact=text),
                Q(position__icontains=text),
            ],
            [],
            rows=rows,
        )


class Contact(models.Model):
    """A person at a partner institution."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="contacts"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    native_name = models.CharField(
        _("name in native script"), max_length=200, blank=True, help_text=_("e.g. 夏建辉 for Xia Jianhui")
    )
    honorific = models.CharField(_("title"), max_length=40, blank=True, help_text=_("Mr., Dr., Professor..."))
    position = models.CharField(_("position"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    languages = models.CharField(_("languages"), max_length=100, blank=True, help_text=_("e.g. tr, en, ru"))
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("still at the institution"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["full_name"]
        indexes = [
            # ContactQuerySet.search(): email__iexact is UPPER(email) = UPPER(%s).
            models.Index(Upper("email"), name="contact_email_upper"),
            # The global search's contacts in name order: a broad word's first hits read in order.
            models.Index(fields=["full_name"], name="contact_full_name"),
        ]

    def __str__(self):
        return " ".join(part for part in (self.honorific, self.full_name) if part)

    def get_absolute_url(self):
        return reverse("partners:institution-detail", args=[self.institution_id]) + f"#contact-{self.pk}"
