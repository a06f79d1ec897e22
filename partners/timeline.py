"""A partner's story in dates: agreements signed, ended and due to end, visits and programs.

Built from the rows the detail page has already loaded, so the timeline costs no query of its
own: on a page that shows a partner's latest records only, it tells the events of those nearest
to today.
`partners` imports no app above it: the records come in through the reverse relations.
"""

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.lib.academic_years import academic_year_bounds
from cooperation.lib.choices import choice_label


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


def institution_timeline(
    *, agreements, visits, programs, today: datetime.date | None = None, limit: int | None = None
) -> list[TimelineYear]:
    """Every dated event of these records (the `limit` nearest to today if given), newest first,
    grouped by calendar year."""
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
                choice_label(visit, "kind"),
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
    if limit is not None:
        entries = _nearest_to_today(entries, limit)
    entries.sort(key=lambda entry: entry.day, reverse=True)
    return [TimelineYear(year, list(group)) for year, group in groupby(entries, key=lambda entry: entry.day.year)]


def _nearest_to_today(entries: list[TimelineEntry], limit: int) -> list[TimelineEntry]:
    """The `limit` events nearest to today: the next ones (a third at least, when there are that
    many) and the latest past ones. Cut from the newest alone, a partner with many agreements in
    force would show only expiry dates years ahead."""
    upcoming = sorted((entry for entry in entries if entry.upcoming), key=lambda entry: entry.day)
    past = sorted((entry for entry in entries if not entry.upcoming), key=lambda entry: entry.day, reverse=True)
    next_count = min(len(upcoming), max(limit // 3, limit - len(past)))
    return upcoming[:next_count] + past[: limit - next_count]
