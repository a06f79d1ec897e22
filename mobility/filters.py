import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.lib.academic_years import academic_year_of
from cooperation.lib.filters import CountryFilter, SearchFilter, UnitFilter
from mobility.models import Program


def academic_year_choices():
    # The years a list is asked about: the next one and twelve back (drawn when the form is).
    start = int(academic_year_of(timezone.localdate())[:4]) + 1
    return [(f"{year}/{year + 1}", f"{year}/{year + 1}") for year in range(start, start - 13, -1)]


class ProgramFilter(django_filters.FilterSet):
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

    class Meta:
        model = Program
        fields = []

    def search(self, queryset, name, value):
        return queryset.search(value)

    def partner_country(self, queryset, name, value):
        return queryset.filter(
            Exists(Program.partners.through.objects.filter(program=OuterRef("pk"), institution__country=value))
        )

    def with_open_deadline(self, queryset, name, value):
        if value is None:
            return queryset
        is_open = Q(application_deadline__gte=timezone.localdate())
        return queryset.filter(is_open) if value else queryset.exclude(is_open)
