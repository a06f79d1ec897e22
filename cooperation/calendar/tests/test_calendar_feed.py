"""The iCalendar feed behind a secret token, one visit as .ics, and the page that makes and revokes
the tokens: what each user sees, what a revoked or unknown token gets, and that the files parse."""

import datetime
import hashlib
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from cooperation.api.models import ApiToken
from cooperation.api.tokens import token_issue
from cooperation.calendar.models import CalendarFeedToken
from cooperation.tests.factories import (
    AgreementFactory,
    FollowUpActionFactory,
    InstitutionFactory,
    ProgramFactory,
    UnitFactory,
    VisitFactory,
)
from cooperation.visits.models import Visit, VisitParticipant

ALMATY = ZoneInfo("Asia/Almaty")
# 1 September 2025, 03:00 in Almaty: still 31 August in UTC, so "today" must be Almaty's.
NOW = datetime.datetime(2025, 9, 1, 3, 0, tzinfo=ALMATY)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture
def records(clock, faculty, other_faculty, coordinator, other_coordinator, rector):
    """A visit of each faculty, a follow-up action, an expiring agreement and a program's deadlines."""
    partner = InstitutionFactory(name="Hacettepe University", country="TR", city="Ankara")
    ours = VisitFactory(
        title="Hacettepe delegation",
        host_unit=faculty,
        starts_on=datetime.date(2025, 9, 25),
        ends_on=datetime.date(2025, 9, 26),
        places="Main building",
        city="Almaty",
    )
    ours.partners.add(partner)
    theirs = VisitFactory(title="Economics fair", host_unit=other_faculty, starts_on=datetime.date(2025, 10, 3))
    VisitParticipant.objects.create(visit=theirs, side=VisitParticipant.Side.OURS, user=other_coordinator)
    unrelated = VisitFactory(title="Rectorate meeting", host_unit=UnitFactory(name="Rectorate"))
    action = FollowUpActionFactory(
        visit=unrelated, owner=rector, description="Send the signed memorandum", due_on=datetime.date(2025, 9, 10)
    )
    FollowUpActionFactory(visit=ours, owner=coordinator, due_on=datetime.date(2025, 9, 1), done_on=NOW.date())
    agreement = AgreementFactory(
        title="Memorandum with Hacettepe", responsible_unit=faculty, expires_on=datetime.date(2025, 11, 30)
    )
    program = ProgramFactory(
        title="Hacettepe exchange",
        unit=faculty,
        application_deadline=datetime.date(2025, 10, 15),
        nomination_deadline=datetime.date(2025, 10, 1),
    )
    return {
        "ours": ours,
        "theirs": theirs,
        "unrelated": unrelated,
        "action": action,
        "agreement": agreement,
        "program": program,
    }


def feed_url(user) -> str:
    _token, secret = token_issue(model=CalendarFeedToken, user=user)
    return f"/calendar/feed/{secret}.ics"


def parse(response) -> Calendar:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"\r\n" in response.content  # RFC 5545 lines end in CRLF
    calendar = Calendar.from_ical(response.content)
    calendar.validate()  # VERSION, PRODID, and at least one component
    for event in calendar.walk("VEVENT"):
        assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} <= set(event), event
    return calendar


def events(calendar: Calendar) -> dict[str, object]:
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_it_parses_and_holds_the_coordinators_events_as_all_day_dates(client, records, coordinator):
    calendar = parse(client.get(feed_url(coordinator)))
    found = events(calendar)
    host = "127.0.0.1"
    visit, agreement, program = records["ours"], records["agreement"], records["program"]
    assert set(found) == {
        f"visit-{visit.pk}@{host}",
        f"agreement-expiry-{agreement.pk}@{host}",
        f"program-application-{program.pk}@{host}",
        f"program-nomination-{program.pk}@{host}",
    }
    event = found[f"visit-{visit.pk}@{host}"]
    assert str(event["summary"]) == "Hacettepe delegation"
    # DATE values (no time of day), DTEND the day after the last day.
    assert event.decoded("dtstart") == datetime.date(2025, 9, 25)
    assert not isinstance(event.decoded("dtstart"), datetime.datetime)
    assert event.decoded("dtend") == datetime.date(2025, 9, 27)
    assert str(event["location"]) == "Main building, Almaty"
    assert "Hacettepe University" in str(event["description"])
    assert str(event["url"]).endswith(f"/visits/{visit.pk}/")
    # DTSTAMP is the record's last change, in UTC.
    stamp = event.decoded("dtstamp")
    assert stamp.utcoffset() == datetime.timedelta(0)
    assert stamp == visit.updated_at.replace(microsecond=0)
    assert found[f"agreement-expiry-{agreement.pk}@{host}"].decoded("dtstart") == datetime.date(2025, 11, 30)


def test_the_calendar_declares_almaty_time(client, records, coordinator):
    calendar = parse(client.get(feed_url(coordinator)))
    assert str(calendar["x-wr-timezone"]) == "Asia/Almaty"
    assert str(calendar["version"]) == "2.0"
    assert calendar["prodid"]
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Asia/Almaty"
    tz = zone.to_tz()
    # UTC+6 until March 2024, UTC+5 since: both must be in the VTIMEZONE.
    assert datetime.datetime(2023, 6, 1, 12, tzinfo=tz).utcoffset() == datetime.timedelta(hours=6)
    assert datetime.datetime(2025, 9, 25, 12, tzinfo=tz).utcoffset() == datetime.timedelta(hours=5)


def test_uids_and_stamps_do_not_change_between_fetches(client, records, coordinator, clock):
    url = feed_url(coordinator)
    first = client.get(url).content
    clock.shift(datetime.timedelta(hours=2))
    assert client.get(url).content == first


def test_a_user_sees_only_what_concerns_them(client, records, other_coordinator, rector):
    theirs, unrelated, action = records["theirs"], records["unrelated"], records["action"]
    # A participant of the other faculty's visit; nothing of the first faculty.
    assert {str(event["summary"]) for event in parse(client.get(feed_url(other_coordinator))).walk("VEVENT")} == {
        "Economics fair"
    }
    # The rector owns a follow-up action: the action, and the visit it follows up.
    found = events(parse(client.get(feed_url(rector))))
    assert set(found) == {f"visit-{unrelated.pk}@127.0.0.1", f"action-{action.pk}@127.0.0.1"}
    assert found[f"action-{action.pk}@127.0.0.1"].decoded("dtstart") == datetime.date(2025, 9, 10)
    assert theirs.title not in str(found)


def test_a_feed_with_nothing_in_it_is_still_a_valid_calendar(client, clock, coordinator):
    calendar = parse(client.get(feed_url(coordinator)))
    assert calendar.walk("VEVENT") == []


def test_the_office_sees_every_visit_action_and_deadline(client, records, office_user):
    found = events(parse(client.get(feed_url(office_user))))
    kinds = sorted(uid.split("-")[0] for uid in found)
    # Three visits, one open action (the done one is not there), one expiry, two program deadlines.
    assert kinds == ["action", "agreement", "program", "program", "visit", "visit", "visit"]


def test_a_cancelled_visit_is_marked_cancelled(client, records, coordinator):
    Visit.objects.filter(pk=records["ours"].pk).update(status=Visit.Status.CANCELLED)
    found = events(parse(client.get(feed_url(coordinator))))
    assert str(found[f"visit-{records['ours'].pk}@127.0.0.1"]["status"]) == "CANCELLED"


def test_the_feed_is_in_the_users_language(client, records, coordinator):
    coordinator.profile.language = "ru"
    coordinator.profile.save()
    found = events(parse(client.get(feed_url(coordinator))))
    assert found[f"visit-{records['ours'].pk}@127.0.0.1"]["categories"].cats == ["Входящая делегация"]


def test_a_revoked_token_is_refused_and_an_unknown_one_is_not_found(client, records, coordinator):
    old = feed_url(coordinator)
    new = feed_url(coordinator)  # a new token revokes the old one
    assert client.get(old).status_code == 403
    assert client.get(new).status_code == 200
    CalendarFeedToken.objects.filter(user=coordinator).update(revoked_at=NOW)
    assert client.get(new).status_code == 403
    assert client.get("/calendar/feed/not-a-token-at-all-but-long-enough.ics").status_code == 404
    assert client.get(new[:-10] + "xxxxxx.ics").status_code == 404  # same prefix, wrong secret


def test_a_user_who_lost_their_role_or_account_is_refused(client, records, coordinator, other_coordinator):
    url = feed_url(coordinator)
    coordinator.groups.clear()
    assert client.get(url).status_code == 403
    url = feed_url(other_coordinator)
    assert client.get(url).status_code == 200
    type(other_coordinator).objects.filter(pk=other_coordinator.pk).update(is_active=False)
    assert client.get(url).status_code == 403


def test_only_a_hash_of_the_secret_is_stored(coordinator):
    token, secret = token_issue(model=CalendarFeedToken, user=coordinator)
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.key_hash, token.key_prefix}
    assert len(secret) >= 43  # 256 random bits


def test_the_feed_costs_the_same_queries_whatever_its_size(client, records, office_user, django_assert_num_queries):
    url = feed_url(office_user)
    client.get(url)  # the first fetch also notes the token's use
    with django_assert_num_queries(8):
        parse(client.get(url))
    for day in range(5):
        visit = VisitFactory(starts_on=datetime.date(2025, 9, 10 + day))
        visit.partners.add(InstitutionFactory())
        FollowUpActionFactory(visit=visit, due_on=datetime.date(2025, 9, 20 + day))
        AgreementFactory(expires_on=datetime.date(2026, 1, 10 + day))
    with django_assert_num_queries(8):
        parse(client.get(url))


def test_a_visit_downloads_as_an_ics_file_for_whoever_sees_it(client, records, rector, outsider):
    visit = records["ours"]
    client.force_login(rector)
    response = client.get(f"/visits/{visit.pk}/event.ics")
    assert response["Content-Disposition"] == f'attachment; filename="visit-{visit.pk}.ics"'
    calendar = parse(response)
    assert str(calendar["method"]) == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"visit-{visit.pk}@127.0.0.1"  # the same event as in the feed
    client.force_login(outsider)
    assert client.get(f"/visits/{visit.pk}/event.ics").status_code == 403
    client.force_login(rector)
    assert client.get("/visits/999999/event.ics").status_code == 404


def test_the_visit_page_links_to_its_ics_file(client, records, coordinator):
    client.force_login(coordinator)
    visit = records["ours"]
    assert f'href="/visits/{visit.pk}/event.ics"' in client.get(f"/visits/{visit.pk}/").content.decode()


class TestTheCalendarPage:
    def test_it_makes_a_feed_address_shown_once(self, client, records, coordinator):
        client.force_login(coordinator)
        page = client.get("/calendar/")
        assert page.status_code == 200
        assert "You have no feed address yet." in page.content.decode()
        made = client.post("/calendar/", {"action": "feed-new"})
        url = made.context["new_feed_url"]
        assert url.startswith("http://testserver/calendar/feed/") and url.endswith(".ics")
        assert url in made.content.decode()
        secret = url.rsplit("/", 1)[1].removesuffix(".ics")
        again = client.get("/calendar/").content.decode()
        assert secret not in again  # never shown again, only how it begins
        assert f"…/calendar/feed/{secret[:8]}" in again
        client.logout()
        assert client.get(url).status_code == 200

    def test_it_revokes_and_regenerates(self, client, records, coordinator):
        client.force_login(coordinator)
        first = client.post("/calendar/", {"action": "feed-new"}).context["new_feed_url"]
        second = client.post("/calendar/", {"action": "feed-new"}).context["new_feed_url"]
        assert first != second
        assert client.get(first).status_code == 403
        response = client.post("/calendar/", {"action": "feed-revoke"})
        assert "Revoked" in response.content.decode()
        assert client.get(second).status_code == 403
        assert CalendarFeedToken.objects.active().filter(user=coordinator).count() == 0

    def test_it_makes_an_api_token(self, client, records, rector):
        client.force_login(rector)
        secret = client.post("/calendar/", {"action": "api-new"}).context["new_api_token"]
        assert ApiToken.objects.find(secret).user == rector
        client.post("/calendar/", {"action": "api-revoke"})
        assert ApiToken.objects.find(secret).is_revoked

    def test_an_unknown_action_says_so(self, client, coordinator):
        client.force_login(coordinator)
        response = client.post("/calendar/", {"action": "delete-everything"})
        assert response.status_code == 400
        assert "Unknown action" in response.content.decode()

    def test_the_user_menu_links_to_it(self, client, coordinator):
        client.force_login(coordinator)
        assert 'href="/calendar/"' in client.get("/calendar/").content.decode()


def test_an_administrator_revokes_tokens_in_the_admin_but_never_sees_a_secret(client, admin_user, coordinator):
    token, secret = token_issue(model=CalendarFeedToken, user=coordinator)
    client.force_login(admin_user)
    listing = client.get("/admin/cooperation/calendarfeedtoken/").content.decode()
    assert token.key_prefix in listing and secret not in listing and token.key_hash not in listing
    client.post("/admin/cooperation/calendarfeedtoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert client.get(f"/calendar/feed/{secret}.ics").status_code == 403
