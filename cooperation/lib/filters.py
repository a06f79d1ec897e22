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


# The years a date column holds (Python's dates end in 9999).
YEARS = (1, 9999)
# What the largest integer column holds.
BIGINT = 2**63 - 1


class PortalFilterSet(django_filters.FilterSet):
    """The base of every list's filters: a number no column can hold (year=99999999, 1e9 as a
    year, an id beyond bigint) is a form error, so the list leaves that filter out and the API
    answers 400, rather than the database or Python's dates failing on it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number_filter in self.filters.values():
            if isinstance(number_filter, django_filters.NumberFilter):
                low, high = YEARS if number_filter.lookup_expr == "year" else (-BIGINT, BIGINT)
                extra = number_filter.extra
                extra["min_value"] = max(extra.get("min_value", low), low)
                extra["max_value"] = min(extra.get("max_value", high), high)


class DrillDownFilterSet(PortalFilterSet):
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
