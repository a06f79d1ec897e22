import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from cooperation.lib.filters import CountryFilter, SearchFilter
from partners.models import Institution, Tag


class InstitutionFilter(django_filters.FilterSet):
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
