"""Kazakh writes month names inside a date in lower case ("2026 жылғы 25 қараша"), while
Django's Kazakh catalogue capitalises them. Marking the "alt. month" strings here keeps our
lower-case translations in locale/kk when the catalogue is regenerated; DATE_FORMAT uses "E"."""

from django.utils.translation import pgettext_lazy

ALT_MONTH_NAMES = [
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
]
