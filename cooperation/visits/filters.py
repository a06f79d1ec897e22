import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.lib.academic_years import academic_year_bounds
from cooperation.lib.filters import CountryFilter, DateInput, DrillDownFilterSet, SearchFilter
from cooperation.lib.regions import countries_in, region_choices
from cooperation.visits.models import FollowUpAction, Visit
from mobility.filters import academic_year_choices
from partners.filters import PartnerFilter, UnitFilter
from partners.models import Institution

PERIODS = [("upcoming", _("Upcoming")), ("past", _("Past"))]
DIRECTIONS = [
    ("incoming", _("Received (incoming)")),
    ("outgoing", _("Sent (outgoing)")),
    ("other", _("Other (meetings, conferences...)")),
]


class VisitFilter(DrillDownFilterSet):
    q = SearchFilter(placeholder=_("Title, place or a partner's name"))
    period = django_filters.ChoiceFilter(label=_("When"), choices=PERIODS, method="in_period")
    year = django_filters.NumberFilter(label=_("Year"), field_name="starts_on", lookup_expr="year", min_value=1990)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Visit.Kind.choices)
    direction = django_filters.ChoiceFilter(label=_("Direction"), choices=DIRECTIONS, method="in_direction")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Visit.Status.choices)
    unit = UnitFilter(field_name="host_unit", label=_("Host unit"))
    country = CountryFilter(label=_("Partner's country"), method="partner_country")
    overdue = django_filters.BooleanFilter(
        label=_("Overdue actions"),
        method="with_overdue_actions",
        widget=django_filters.widgets.BooleanWidget(),
    )
    # The dashboard's drill-downs.
    academic_year = django_filters.ChoiceFilter(
        label=_("Academic year"), choices=academic_year_choices, method="in_academic_year"
    )
    starts_from = django_filters.DateFilter(
        label=_("Starts from"), field_name="starts_on", lookup_expr="gte", widget=DateInput()
    )
    starts_until = django_filters.DateFilter(
        label=_("Starts until"), field_name="starts_on", lookup_expr="lte", widget=DateInput()
    )
    cancelled = django_filters.BooleanFilter(
        label=_("Cancelled"), method="is_cancelled", widget=django_filters.widgets.BooleanWidget()
    )
    region = django_filters.ChoiceFilter(label=_("Partner's region"), choices=region_choices, method="partner_region")
    partner_kind = django_filters.ChoiceFilter(
        label=_("Kind of partner"), choices=Institution.Kind.choices, method="with_partner_kind"
    )
    partner = PartnerFilter(method="with_partner")  # a partner's page links here for all its visits

    drill_down_only = ("academic_year", "starts_from", "starts_until", "cancelled", "region", "partner_kind")

    class Meta:
        model = Visit
        fields = []

    def search(self, queryset, name, value):
        return queryset.search(value)

    def in_period(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.upcoming() if value == "upcoming" else queryset.filter(ends_on__lt=today)

    def in_direction(self, queryset, name, value):
        if value == "other":
            return queryset.exclude(kind__in=Visit.INCOMING_KINDS | Visit.OUTGOING_KINDS)
        kinds = Visit.INCOMING_KINDS if value == "incoming" else Visit.OUTGOING_KINDS
        return queryset.filter(kind__in=kinds)

    def in_academic_year(self, queryset, name, value):
        return queryset.filter(starts_on__range=academic_year_bounds(value))

    def is_cancelled(self, queryset, name, value):
        if value is None:
            return queryset
        cancelled = Q(status=Visit.Status.CANCELLED)
        return queryset.filter(cancelled) if value else queryset.exclude(cancelled)

    def partner_region(self, queryset, name, value):
        return self._with_partner(queryset, country__in=countries_in(value))

    def with_partner_kind(self, queryset, name, value):
        return self._with_partner(queryset, kind=value)

    def partner_country(self, queryset, name, value):
        return self._with_partner(queryset, country=value)

    def with_partner(self, queryset, name, value):
        return self._with_partner(queryset, pk=value.pk)

    def _with_partner(self, queryset, **institution):
        """Visits with a partner such that (each filter asks of any of its partners)."""
        lookups = {f"institution__{key}": value for key, value in institution.items()}
        return queryset.filter(Exists(Visit.partners.through.objects.filter(visit=OuterRef("pk"), **lookups)))

    def with_overdue_actions(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Exists(FollowUpAction.objects.overdue().filter(visit=OuterRef("pk")))
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
