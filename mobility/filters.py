import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import Direction, Quota
from cooperation.lib.academic_years import academic_year_of
from cooperation.lib.filters import CountryFilter, DrillDownFilterSet, PortalFilterSet, SearchFilter
from cooperation.lib.regions import countries_in, region_choices
from mobility.models import Participant, Program
from partners.filters import PartnerFilter, UnitFilter
from partners.models import Institution


def academic_year_choices():
    # The years a list is asked about: the next one and twelve back (read when the form is made).
    start = int(academic_year_of(timezone.localdate())[:4]) + 1
    return [(f"{year}/{year + 1}", f"{year}/{year + 1}") for year in range(start, start - 13, -1)]


class ProgramFilter(PortalFilterSet):
    q = SearchFilter(placeholder=_("Title or a partner's name"))
    academic_year = django_filters.ChoiceFilter(label=_("Academic year"), choices=academic_year_choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Program.Kind.choices)
    direction = django_filters.ChoiceFilter(label=_("Direction"), choices=Program.ProgramDirection.choices)
    unit = UnitFilter(field_name="unit")
    country = CountryFilter(label=_("Partner's country"), method="partner_country")
    open_for_applications = django_filters.BooleanFilter(
        label=_("Open for applications"),
        method="with_open_deadline",
        widget=django_filters.widgets.BooleanWidget(),
    )
    partner = PartnerFilter(method="with_partner")  # a partner's page links here for all its programs

    class Meta:
        model = Program
        fields = []

    def search(self, queryset, name, value):
        return queryset.search(value)

    def partner_country(self, queryset, name, value):
        return queryset.filter(
            Exists(Program.partners.through.objects.filter(program=OuterRef("pk"), institution__country=value))
        )

    def with_partner(self, queryset, name, value):
        return queryset.filter(
            Exists(Program.partners.through.objects.filter(program=OuterRef("pk"), institution=value))
        )

    def with_open_deadline(self, queryset, name, value):
        if value is None:
            return queryset
        is_open = Q(application_deadline__gte=timezone.localdate())
        return queryset.filter(is_open) if value else queryset.exclude(is_open)


class ParticipantFilter(DrillDownFilterSet):
    """Mobility participants: the list the dashboard's mobility figures open."""

    q = django_filters.CharFilter(label=_("Name"), field_name="full_name", lookup_expr="icontains")
    academic_year = django_filters.ChoiceFilter(
        label=_("Academic year"), field_name="program__academic_year", choices=academic_year_choices
    )
    direction = django_filters.ChoiceFilter(label=_("Direction"), choices=Direction.choices)
    kind = django_filters.ChoiceFilter(label=_("Student or staff"), choices=Participant.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Participant.Status.choices)
    withdrawn = django_filters.BooleanFilter(
        label=_("Withdrawn"), method="is_withdrawn", widget=django_filters.widgets.BooleanWidget()
    )
    unit = UnitFilter(field_name="unit", label=_("Our unit"))
    country = CountryFilter(field_name="partner_institution__country", label=_("Partner's country"))
    region = django_filters.ChoiceFilter(label=_("Partner's region"), choices=region_choices, method="partner_region")
    partner_kind = django_filters.ChoiceFilter(
        label=_("Kind of partner"), field_name="partner_institution__kind", choices=Institution.Kind.choices
    )
    agreement = django_filters.NumberFilter(label=_("Agreement"), field_name="program__agreement")
    category = django_filters.ChoiceFilter(
        label=_("Quota category"), field_name="quota_category", choices=Quota.Category.choices
    )

    drill_down_only = ("agreement", "category")

    class Meta:
        model = Participant
        fields = []

    def is_withdrawn(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(status=Participant.Status.WITHDRAWN) if value else queryset.active()

    def partner_region(self, queryset, name, value):
        return queryset.filter(partner_institution__country__in=countries_in(value))
