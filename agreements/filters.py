import datetime

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agreements.models import Agreement, AgreementParty, AreaOfCooperation
from cooperation.lib.filters import CountryFilter, SearchFilter, UnitFilter

STATES = [
    ("in_force", pgettext_lazy("agreement state", "In force (active or expiring)")),
    ("active", pgettext_lazy("agreement state", "Active")),
    ("expiring", pgettext_lazy("agreement state", "Expiring")),
    ("expired", pgettext_lazy("agreement state", "Expired")),
    ("pending", pgettext_lazy("agreement state", "Not yet in force")),
    ("draft", pgettext_lazy("agreement state", "Draft")),
    ("negotiation", pgettext_lazy("agreement state", "Under negotiation")),
    ("renewed", pgettext_lazy("agreement state", "Renewed")),
    ("terminated", pgettext_lazy("agreement state", "Terminated")),
]
EXPIRING_WITHIN = [
    ("30", _("within 30 days")),
    ("90", _("within 90 days")),
    ("180", _("within 180 days")),
]


class AgreementFilter(django_filters.FilterSet):
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

    class Meta:
        model = Agreement
        fields = []

    def search(self, queryset, name, value):
        return queryset.search(value)

    def in_state(self, queryset, name, value):
        return queryset.in_state(value)

    def expiring_within(self, queryset, name, value):
        return queryset.expiring(within=datetime.timedelta(days=int(value)))

    def partner_country(self, queryset, name, value):
        return queryset.filter(
            Exists(AgreementParty.objects.filter(agreement=OuterRef("pk"), institution__country=value))
        )
