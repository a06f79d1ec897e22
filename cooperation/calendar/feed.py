"""The iCalendar (RFC 5545) feed: the visits, follow-up actions and deadlines that concern a user.

A calendar application subscribes to the feed's URL (with its secret token, see
cooperation/calendar/views.py) and fetches the whole calendar every so often; what is no longer
in it disappears from the application. So every event has a UID that never changes (its kind
and record id at this portal's host) and a DTSTAMP that changes only when the record does.

Visits, actions and deadlines are dates without a time of day, so they are all-day events (DATE
values, DTEND the day after the last one, as RFC 5545 wants). The dates are the portal's, in
Asia/Almaty, which the calendar declares (X-WR-TIMEZONE and its VTIMEZONE), so applications
set to another zone still show the same days.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from agreements.models import Agreement
from cooperation.lib.permissions import is_coordinator, is_office, user_unit_id
from cooperation.visits.models import FollowUpAction, Visit
from mobility.models import Program

# The feed reaches this far back; the future is all there.
FEED_PAST_DAYS = 180
PRODID = "-//Cooperation portal//International office//EN"


def _uid(kind: str, pk: int) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "cooperation.local"
    return f"{kind}-{pk}@{host}"


def _stamp(moment: datetime.datetime | None) -> datetime.datetime:
    """DTSTAMP in UTC. With no METHOD it is the record's last change (RFC 5545, 3.8.7.2), which
    keeps the feed byte-for-byte the same between fetches while nothing changed."""
    return (moment or timezone.now()).astimezone(datetime.UTC).replace(microsecond=0)


# Who is concerned with what. The international office sees everything; anyone else sees what
# they are responsible for, own, take part in, or coordinate as their unit's coordinator.


def _unit_of_coordinator(user) -> int | None:
    return user_unit_id(user) if is_coordinator(user) else None


def visits_concerning(user) -> QuerySet:
    visits = Visit.objects.all()
    if not is_office(user):
        concerned = Q(responsible_person=user) | Q(participants__user=user) | Q(actions__owner=user)
        if unit_id := _unit_of_coordinator(user):
            concerned |= Q(host_unit_id=unit_id)
        # The joins can repeat a visit: the ids, then the visits, keep one row each.
        visits = Visit.objects.filter(pk__in=Visit.objects.filter(concerned).values("pk"))
    return visits


def actions_concerning(user) -> QuerySet:
    actions = FollowUpAction.objects.open()
    if not is_office(user):
        concerned = Q(owner=user) | Q(visit__responsible_person=user)
        if unit_id := _unit_of_coordinator(user):
            concerned |= Q(visit__host_unit_id=unit_id)
        actions = actions.filter(concerned)
    return actions


def agreements_concerning(user) -> QuerySet:
    agreements = Agreement.objects.in_force()
    if not is_office(user):
        concerned = Q(responsible_person=user)
        if unit_id := _unit_of_coordinator(user):
            concerned |= Q(responsible_unit_id=unit_id)
        agreements = agreements.filter(concerned)
    return agreements


def programs_concerning(user) -> QuerySet:
    programs = Program.objects.filter(Q(application_deadline__isnull=False) | Q(nomination_deadline__isnull=False))
    if not is_office(user):
        concerned = Q(coordinator=user)
        if unit_id := _unit_of_coordinator(user):
            concerned |= Q(unit_id=unit_id)
        programs = programs.filter(concerned)
    return programs


# The events.


def _all_day(event: Event, first: datetime.date, last: datetime.date | None = None) -> None:
    event.add("dtstart", first)
    event.add("dtend", (last or first) + datetime.timedelta(days=1))  # DTEND is exclusive
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy all day


def _event(uid: str, summary: str, changed_at, url: str, description: str = "") -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", _stamp(changed_at))
    event.add("last-modified", _stamp(changed_at))
    event.add("summary", summary)
    event.add("url", url)
    event.add("description", "\n\n".join(part for part in (description, url) if part))
    return event


def visit_event(visit: Visit, base_url: str) -> Event:
    """Expects the visit's partners prefetched."""
    partners = ", ".join(str(partner) for partner in visit.partners.all())
    event = _event(
        _uid("visit", visit.pk),
        visit.title,
        visit.updated_at,
        base_url + visit.get_absolute_url(),
        "\n".join(part for part in (visit.get_kind_display(), partners, visit.purpose) if part),
    )
    _all_day(event, visit.starts_on, visit.ends_on)
    event["transp"] = "OPAQUE"  # a visit does take the days
    location = ", ".join(part for part in (visit.places, visit.city, str(visit.country.name or "")) if part)
    if location:
        event.add("location", location)
    event.add("categories", [visit.get_kind_display()])
    if visit.status == Visit.Status.CANCELLED:
        event.add("status", "CANCELLED")
    elif visit.status == Visit.Status.HELD or visit.status == Visit.Status.PLANNED:
        event.add("status", "CONFIRMED")
    return event


def action_event(action: FollowUpAction, base_url: str) -> Event:
    """Expects the action's visit and owner selected."""
    owner = action.owner.get_full_name() or action.owner.get_username()
    event = _event(
        _uid("action", action.pk),
        _("Follow-up: %(action)s") % {"action": action.description[:120]},
        action.visit.updated_at,
        base_url + action.visit.get_absolute_url(),
        _("Owner: %(owner)s. Visit: %(visit)s") % {"owner": owner, "visit": action.visit.title},
    )
    _all_day(event, action.due_on)
    event.add("categories", [_("Follow-up action")])
    return event


def agreement_events(agreement: Agreement, base_url: str, on: datetime.date) -> list[Event]:
    """Its expiry, or for one that renews automatically, the last day to give notice."""
    url = base_url + agreement.get_absolute_url()
    events = []
    if not agreement.auto_renews and agreement.expires_on:
        event = _event(
            _uid("agreement-expiry", agreement.pk),
            _("Agreement expires: %(title)s") % {"title": agreement.title},
            agreement.updated_at,
            url,
        )
        _all_day(event, agreement.expires_on)
        events.append(event)
    notice = agreement.notice_deadline(on)
    if notice:
        event = _event(
            _uid("agreement-notice", agreement.pk),
            _("Last day to give notice of non-renewal: %(title)s") % {"title": agreement.title},
            agreement.updated_at,
            url,
        )
        _all_day(event, notice)
        events.append(event)
    for event in events:
        event.add("categories", [_("Agreement")])
    return events


def program_events(program: Program, base_url: str) -> list[Event]:
    url = base_url + program.get_absolute_url()
    deadlines = [
        ("application", program.application_deadline, _("Application deadline: %(program)s")),
        ("nomination", program.nomination_deadline, _("Nomination deadline: %(program)s")),
    ]
    events = []
    for kind, day, summary in deadlines:
        if day:
            event = _event(_uid(f"program-{kind}", program.pk), summary % {"program": program}, program.updated_at, url)
            _all_day(event, day)
            event.add("categories", [_("Program")])
            events.append(event)
    return events


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    # The zone of every date in it, from 2000 on: it changed from UTC+6 to UTC+5 in March 2024.
    calendar.add_component(
        Timezone.from_tzid(
            settings.TIME_ZONE, first_date=datetime.date(2000, 1, 1), last_date=datetime.date(2040, 1, 1)
        )
    )
    return calendar


def feed_for(user, *, base_url: str, on: datetime.date | None = None) -> Calendar:
    """The user's whole feed, in the user's language. Five queries, whatever the number of events."""
    on = on or timezone.localdate()
    since = on - datetime.timedelta(days=FEED_PAST_DAYS)
    profile = getattr(user, "profile", None)
    with translation.override(getattr(profile, "language", None) or settings.LANGUAGE_CODE):
        calendar = _calendar(_("Cooperation: %(user)s") % {"user": user.get_full_name() or user.get_username()})
        calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        visits = visits_concerning(user).filter(ends_on__gte=since).prefetch_related("partners").order_by("starts_on")
        for visit in visits:
            calendar.add_component(visit_event(visit, base_url))
        actions = actions_concerning(user).filter(due_on__gte=since).select_related("visit", "owner")
        for action in actions.order_by("due_on", "pk"):
            calendar.add_component(action_event(action, base_url))
        for agreement in agreements_concerning(user).order_by("pk"):
            for event in agreement_events(agreement, base_url, on):
                if event.decoded("dtstart") >= since:
                    calendar.add_component(event)
        programs = programs_concerning(user).filter(
            Q(application_deadline__gte=since) | Q(nomination_deadline__gte=since)
        )
        for program in programs.order_by("pk"):
            for event in program_events(program, base_url):
                if event.decoded("dtstart") >= since:
                    calendar.add_component(event)
    return calendar


def visit_calendar(visit: Visit, *, base_url: str) -> Calendar:
    """One visit, to download and open in a calendar application (METHOD:PUBLISH)."""
    calendar = _calendar(visit.title)
    calendar.add("method", "PUBLISH")
    calendar.add_component(visit_event(visit, base_url))
    return calendar
