"""A partner's story in dates: agreements signed, ended and due to end, visits and programs.

Built from what the detail page has already prefetched, so the timeline costs no query of its
own. `partners` imports no app above it: the records come in through the reverse relations.
"""

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.lib.academic_years import academic_year_bounds


@dataclass(frozen=True)
class TimelineEntry:
    day: datetime.date
    icon: str  # a Bootstrap icon name
    what: str  # what happened, translated
    title: str
    url: str
    upcoming: bool


@dataclass(frozen=True)
class TimelineYear:
    year: int
    entries: list[TimelineEntry]


def _agreement_entries(agreement, today: datetime.date):
    url = agreement.get_absolute_url()
    if agreement.signed_on:
        yield agreement.signed_on, "pen", _("Agreement signed"), agreement.title, url
    if agreement.terminated_on:
        yield agreement.terminated_on, "x-octagon", _("Agreement terminated"), agreement.title, url
    elif agreement.status == "signed" and agreement.expires_on and not agreement.auto_renews:
        if agreement.expires_on < today:
            yield agreement.expires_on, "hourglass-bottom", _("Agreement expired"), agreement.title, url
        else:
            yield agreement.expires_on, "hourglass-split", _("Agreement expires"), agreement.title, url


def institution_timeline(*, agreements, visits, programs, today: datetime.date | None = None) -> list[TimelineYear]:
    """Every dated event of a partner, newest first, grouped by calendar year."""
    today = today or timezone.localdate()
    entries = []
    for agreement in agreements:
        for day, icon, what, title, url in _agreement_entries(agreement, today):
            entries.append(TimelineEntry(day, icon, what, title, url, day > today))
    for visit in visits:
        entries.append(
            TimelineEntry(
                visit.starts_on,
                "people",
                visit.get_kind_display(),
                visit.title,
                visit.get_absolute_url(),
                visit.starts_on > today,
            )
        )
    for program in programs:
        # A program has no date of its own: it runs from the start of its academic year.
        starts_on = academic_year_bounds(program.academic_year)[0]
        entries.append(
            TimelineEntry(
                starts_on,
                "airplane",
                _("Mobility program starts"),
                str(program),
                program.get_absolute_url(),
                starts_on > today,
            )
        )
    entries.sort(key=lambda entry: entry.day, reverse=True)
    return [TimelineYear(year, list(group)) for year, group in groupby(entries, key=lambda entry: entry.day.year)]
