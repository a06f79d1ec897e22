"""Filters shared by the list pages (django-filter)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from partners.models import Institution, Unit


class SearchFilter(django_filters.CharFilter):
    """The free-text box: each list says what it searches in its filterset's `search` method."""

    def __init__(self, placeholder, **kwargs):
        super().__init__(
            label=_("Search"),
            method="search",
            widget=forms.TextInput(attrs={"type": "search", "placeholder": placeholder}),
            **kwargs,
        )


def country_choices():
    # Evaluated when the form is drawn, so the names come in the user's language, sorted in it.
    return list(countries)


class CountryFilter(django_filters.ChoiceFilter):
    def __init__(self, field_name="country", **kwargs):
        kwargs.setdefault("label", _("Country"))
        super().__init__(field_name=field_name, choices=country_choices, **kwargs)


def unit_and_children(unit: Unit):
    """A unit and the units under it: what a list, or the dashboard, counts as the unit's."""
    return Unit.objects.filter(Q(pk=unit.pk) | Q(parent=unit))


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


class DrillDownFilterSet(django_filters.FilterSet):
    """A FilterSet some of whose filters serve only the dashboard's links (the day a state is
    taken on, a period of signature...): they stay out of the list's form until a link sets
    them, and then show, so the list says what it is filtered by."""

    drill_down_only: tuple[str, ...] = ()

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name in self.drill_down_only:
                if name in form.fields and not self.data.get(name):
                    form.fields[name].widget = forms.HiddenInput()
        return self._form


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
