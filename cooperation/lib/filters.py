"""Filters shared by the list pages (django-filter). The ones that know our units and partners
are in partners/filters.py: lib imports no app's models."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries


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
    # Evaluated when the form is rendered, so the names come in the user's language, sorted in it.
    return list(countries)


class CountryFilter(django_filters.ChoiceFilter):
    def __init__(self, field_name="country", **kwargs):
        kwargs.setdefault("label", _("Country"))
        super().__init__(field_name=field_name, choices=country_choices, **kwargs)


class DrillDownFilterSet(django_filters.FilterSet):
    """A FilterSet some of whose filters serve only the dashboard's links (the day a state is
    taken on, a period of signature...): they stay out of the list's form until a link sets
    them, and then show, so the list says what it is filtered by."""

    drill_down_only: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.drill_down_only:
            if name in self.filters and not self.data.get(name):
                self.filters[name].extra["widget"] = forms.HiddenInput()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
