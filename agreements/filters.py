import datetime

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from agreements.models import DORMANT_AFTER_YEARS, IN_FORCE, Agreement, AgreementParty, AreaOfCooperation
from cooperation.lib.filters import CountryFilter, DateInput, DrillDownFilterSet, SearchFilter
from cooperation.lib.regions import countries_in, region_choices
from partners.filters import PartnerFilter, UnitFilter
from partners.models import Institution


def dormant_label() -> str:
    years = DORMANT_AFTER_YEARS
    return ngettext(
        "Dormant (no mobility or visit for %(years)s year)", "Dormant (no mobility or visit for %(years)s years)", years
    ) % {"years": years}


STATES = [(IN_FORCE, pgettext_lazy("agreement state", "In force (active or expiring)")), *Agreement.State.choices]
EXPIRING_WITHIN = [
    ("30", _("within 30 days")),
    ("90", _("within 90 days")),
    ("180", _("within 180 days")),
]


class AgreementFilter(DrillDownFilterSet):
    q = SearchFilter(placeholder=_("Title, number or a partner's name"))
    state = django_filters.ChoiceFilter(label=_("State"), choices=STATES, method="in_state")
    expiring = django_filters.ChoiceFilter(label=_("Expires"), choices=EXPIRING_WITHIN, method="expiring_within")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Agreement.Kind.choices)
    unit = UnitFilter(field_name="responsible_unit", label=_("Responsible unit"))
    country = CountryFilter(label=_("Partner's country"), method="partner_country")
    area = django_filters.ModelChoiceFilter(
        label=_("Area of cooperation"),
        field_name="areas",
        queryset=AreaOfCooperation.objects.all(),
        empty_label=_("All"),
    )
    # The dashboard's drill-downs: each of its figures opens this list with these filters.
    region = django_filters.ChoiceFilter(label=_("Partner's region"), choices=region_choices, method="partner_region")
    partner_kind = django_filters.ChoiceFilter(
        label=_("Kind of partner"), choices=Institution.Kind.choices, method="with_partner_kind"
    )
    on = django_filters.DateFilter(label=_("State on"), method="state_on", widget=DateInput())
    signed_from = django_filters.DateFilter(label=_("Signed from"), method="signed_between", widget=DateInput())
    signed_until = django_filters.DateFilter(label=_("Signed until"), method="signed_between", widget=DateInput())
    dormant = django_filters.BooleanFilter(
        label=lazy(dormant_label, str)(),
        method="is_dormant",
        widget=django_filters.widgets.BooleanWidget(),
    )
    partner = PartnerFilter(method="with_partner")  # a partner's page links here for all its agreements

    drill_down_only = ("region", "partner_kind", "on", "signed_from", "signed_until", "dormant")

    class Meta:
        model = Agreement
        fields = []

    def search(self, queryset, name, value):
        return queryset.search(value)

    def _on(self) -> datetime.date | None:
        # "State on" moves the state and expiry filters to another day (None: today).
        return self.form.cleaned_data.get("on")

    def in_state(self, queryset, name, value):
        return queryset.in_state(value, on=self._on())

    def expiring_within(self, queryset, name, value):
        return queryset.expiring(within=datetime.timedelta(days=int(value)), on=self._on())

    def state_on(self, queryset, name, value):
        return queryset  # read by in_state and expiring_within

    def signed_between(self, queryset, name, value):
        # Signed: whatever became of it since (renewed, terminated); drafts have no signature yet.
        lookup = "signed_on__gte" if name == "signed_from" else "signed_on__lte"
        return queryset.ever_signed().filter(**{lookup: value})

    def partner_region(self, queryset, name, value):
        return self._with_partner(queryset, country__in=countries_in(value))

    def with_partner_kind(self, queryset, name, value):
        return self._with_partner(queryset, kind=value)

    def is_dormant(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.dormant()
        return queryset.exclude(pk__in=Agreement.objects.dormant().values("pk"))

    def partner_country(self, queryset, name, value):
        return self._with_partner(queryset, country=value)

    def with_partner(self, queryset, name, value):
        return self._with_partner(queryset, pk=value.pk)

    def _with_partner(self, queryset, **institution):
        """Agreements with a partner party such that (each filter asks of any of its parties)."""
        lookups = {f"institution__{key}": value for key, value in institution.items()}
        return queryset.filter(Exists(AgreementParty.objects.filter(agreement=OuterRef("pk"), **lookups)))
