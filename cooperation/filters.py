import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.lib.filters import CountryFilter, SearchFilter, UnitFilter
from cooperation.models import FollowUpAction, Visit

PERIODS = [("upcoming", _("Upcoming")), ("past", _("Past"))]
DIRECTIONS = [("incoming", _("Received (incoming)")), ("outgoing", _("Sent (outgoing)"))]


class VisitFilter(django_filters.FilterSet):
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

    class Meta:
        model = Visit
        fields = []

    def search(self, queryset, name, value):
        return queryset.search(value)

    def in_period(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.upcoming() if value == "upcoming" else queryset.filter(ends_on__lt=today)

    def in_direction(self, queryset, name, value):
        kinds = Visit.INCOMING_KINDS if value == "incoming" else Visit.OUTGOING_KINDS
        return queryset.filter(kind__in=kinds)

    def partner_country(self, queryset, name, value):
        return queryset.filter(
            Exists(Visit.partners.through.objects.filter(visit=OuterRef("pk"), institution__country=value))
        )

    def with_overdue_actions(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Exists(FollowUpAction.objects.overdue().filter(visit=OuterRef("pk")))
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
