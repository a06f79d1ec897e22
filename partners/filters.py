import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cooperation.lib.filters import CountryFilter, DateInput, DrillDownFilterSet, SearchFilter
from cooperation.lib.regions import countries_in, region_choices
from partners.models import Institution, Tag, Unit, unit_and_children


class UnitFilter(django_filters.ModelChoiceFilter):
    """A unit and the units under it: a faculty's list includes its departments' records."""

    def __init__(self, field_name, **kwargs):
        kwargs.setdefault("label", _("Unit"))
        kwargs.setdefault("empty_label", _("All"))
        super().__init__(field_name=field_name, queryset=Unit.objects.filter(is_active=True), **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": unit_and_children(value)})


class PartnerFilter(django_filters.ModelChoiceFilter):
    """A list's records with one partner institution, by its id: what a partner's page links to
    ("show all"). Always hidden: a select of every partner would be thousands of options. The
    filterset says how its records have a partner (`method`)."""

    def __init__(self, method: str, **kwargs):
        kwargs.setdefault("label", _("Partner"))
        super().__init__(queryset=Institution.objects.all(), method=method, widget=forms.HiddenInput(), **kwargs)


class InstitutionFilter(DrillDownFilterSet):
    q = SearchFilter(placeholder=_("Name in any language, Erasmus code, PIC"))
    country = CountryFilter()
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Institution.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Institution.Status.choices)
    tag = django_filters.ModelChoiceFilter(
        label=_("Tag"), field_name="tags", queryset=Tag.objects.all(), empty_label=_("All")
    )
    agreements = django_filters.ChoiceFilter(
        label=_("Agreements"),
        choices=[("in_force", _("With an agreement in force")), ("none", _("Without an agreement in force"))],
        method="with_agreements",
    )
    # The dashboard's drill-downs.
    region = django_filters.ChoiceFilter(label=_("Region"), choices=region_choices, method="in_region")
    unit = django_filters.ModelChoiceFilter(
        label=_("Partner of our unit"),
        queryset=Unit.objects.filter(is_active=True),
        method="partner_of_unit",
        empty_label=_("All"),
    )
    partner_by = django_filters.DateFilter(label=_("A partner by"), method="partner_by_day", widget=DateInput())

    drill_down_only = ("region", "unit", "partner_by")

    class Meta:
        model = Institution
        fields = []

    def search(self, queryset, name, value):
        return queryset.search(value)

    def with_agreements(self, queryset, name, value):
        # partners imports no app above it; the agreement app's rule comes through the registry.
        from django.apps import apps

        agreement_model = apps.get_model("agreements", "Agreement")
        in_force = Exists(agreement_model.objects.in_force().filter(parties__institution=OuterRef("pk")))
        return queryset.filter(in_force) if value == "in_force" else queryset.exclude(in_force)

    def partner_by_day(self, queryset, name, value):
        return queryset.partners_by(value)

    def in_region(self, queryset, name, value):
        return queryset.filter(country__in=countries_in(value))

    def partner_of_unit(self, queryset, name, value):
        # A party to an agreement of the unit or of a unit under it (as UnitFilter counts them).
        from django.apps import apps

        party_model = apps.get_model("agreements", "AgreementParty")
        return queryset.filter(
            Exists(
                party_model.objects.filter(
                    institution=OuterRef("pk"), agreement__responsible_unit__in=unit_and_children(value)
                )
            )
        )
