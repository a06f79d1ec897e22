"""A partner with many records: its page shows the first rows of each long section, the headings
count them all, and a link opens the staff list that shows exactly the rest."""

import datetime

import pytest
import time_machine

from cooperation.tests.factories import AgreementPartyFactory, InstitutionFactory, ProgramFactory, VisitFactory

DAY = datetime.timedelta(days=1)
TIMELINE_LIMIT = 30  # partners.views.InstitutionDetailView


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.date(2026, 3, 2), tick=False):
        yield


@pytest.fixture
def partner(db):
    return InstitutionFactory(name="Urumqi Vocational University", country="CN")


@pytest.fixture
def stranger(db):
    """Another partner, with records of its own that no list of `partner` may show."""
    stranger = InstitutionFactory(name="Ankara University", country="TR")
    give(stranger, in_force=2, ended=2, visits=2, programs=2)
    return stranger


def give(partner, *, in_force=0, ended=0, visits=0, programs=0):
    """Records of the partner, each one day newer than the one before."""

    def agreement(signed_on, expires_on):
        AgreementPartyFactory(
            institution=partner,
            agreement__signed_on=signed_on,
            agreement__valid_from=signed_on,
            agreement__expires_on=expires_on,
        )

    for number in range(in_force):
        agreement(datetime.date(2024, 1, 1) + number * DAY, datetime.date(2030, 1, 1))
    for number in range(ended):
        agreement(datetime.date(2015, 1, 1) + number * DAY, datetime.date(2020, 1, 1) + number * DAY)
    for number in range(visits):
        starts_on = datetime.date(2025, 1, 1) + number * DAY
        VisitFactory(starts_on=starts_on).partners.add(partner)
    for number in range(programs):
        ProgramFactory(academic_year=f"{2000 + number}/{2001 + number}").partners.add(partner)


def listed(client, url) -> list:
    """Every record of the list page at `url` (one page of 50 holds them in these tests)."""
    response = client.get(url)
    assert response.status_code == 200
    table = response.context["table"]
    assert table.paginator.num_pages == 1
    return [row.record for row in table.page.object_list]


def test_the_headings_count_every_record_and_the_sections_show_the_first_20(client, office_user, partner, stranger):
    give(partner, in_force=3, ended=25, visits=25, programs=25)
    # An agreement with both partners counts once for each.
    AgreementPartyFactory(institution=stranger, agreement=AgreementPartyFactory(institution=partner).agreement)
    client.force_login(office_user)

    response = client.get(partner.get_absolute_url())

    context = response.context
    assert (context["institution"].agreement_total, context["institution"].in_force_total) == (29, 4)
    assert (len(context["agreements_in_force"]), context["agreements_in_force"].total) == (4, 4)
    assert (len(context["other_agreements"]), context["other_agreements"].total) == (20, 25)
    assert (len(context["visits"]), context["visits"].total) == (20, 25)
    assert (len(context["programs"]), context["programs"].total) == (20, 25)
    page = response.content.decode()
    assert '<span class="badge text-bg-secondary">29</span>' in page
    assert '<span class="badge text-bg-secondary">25</span>' in page
    assert "Show all agreements with this partner (29)" in page
    assert "Show all visits and events with this partner (25)" in page
    assert "Show all mobility programs with this partner (25)" in page
    assert "Show all agreements in force" not in page


def test_the_latest_rows_come_first(client, office_user, partner):
    give(partner, ended=25, visits=25)
    client.force_login(office_user)

    context = client.get(partner.get_absolute_url()).context

    visit_days = [visit.starts_on for visit in context["visits"]]
    assert visit_days == [datetime.date(2025, 1, 25) - number * DAY for number in range(20)]
    signed = [agreement.signed_on for agreement in context["other_agreements"]]
    assert signed == [datetime.date(2015, 1, 25) - number * DAY for number in range(20)]


def test_show_all_links_open_lists_of_exactly_the_partner_s_records(client, office_user, partner, stranger):
    give(partner, in_force=3, ended=25, visits=25, programs=25)
    client.force_login(office_user)

    context = client.get(partner.get_absolute_url()).context

    visits = listed(client, context["visits"].list_url)
    assert set(visits) == set(partner.visits.all()) and len(visits) == 25
    assert visits[:20] == list(context["visits"])  # the page shows the list's first rows
    programs = listed(client, context["programs"].list_url)
    assert set(programs) == set(partner.programs.all()) and len(programs) == 25
    assert programs[:20] == list(context["programs"])
    agreements = listed(client, context["other_agreements"].list_url)
    assert {agreement.pk for agreement in agreements} == set(
        partner.agreement_parties.values_list("agreement", flat=True)
    )
    assert len(agreements) == 28


def test_very_many_agreements_in_force_are_cut_short_too(client, office_user, partner, stranger, monkeypatch):
    monkeypatch.setattr("partners.views.InstitutionDetailView.IN_FORCE_LIMIT", 2)
    give(partner, in_force=3, ended=1)
    # Signed first, yet shown first: it expires within 90 days.
    expiring = AgreementPartyFactory(
        institution=partner,
        agreement__signed_on=datetime.date(2021, 5, 1),
        agreement__valid_from=datetime.date(2021, 5, 1),
        agreement__expires_on=datetime.date(2026, 4, 1),
    ).agreement
    client.force_login(office_user)

    response = client.get(partner.get_absolute_url())

    in_force = response.context["agreements_in_force"]
    assert [agreement.pk for agreement in in_force][0] == expiring.pk
    assert (len(in_force), in_force.total) == (2, 4)
    assert "Show all agreements in force (4)" in response.content.decode()
    assert "Show all agreements with this partner" not in response.content.decode()
    listed_in_force = listed(client, in_force.list_url)
    assert len(listed_in_force) == 4
    assert {agreement.state() for agreement in listed_in_force} <= {"active", "expiring"}
    assert all(agreement.parties.filter(institution=partner).exists() for agreement in listed_in_force)


def test_sections_that_fit_show_everything_and_no_link(client, office_user, partner):
    give(partner, in_force=3, ended=3, visits=3, programs=3)
    client.force_login(office_user)

    response = client.get(partner.get_absolute_url())

    assert not any(response.context[name].has_more for name in ("agreements_in_force", "other_agreements", "visits"))
    page = response.content.decode()
    assert "Show all" not in page
    assert "nearest to today" not in page
    assert sum(len(year.entries) for year in response.context["timeline"]) == 3 * 2 + 3 * 2 + 3 + 3


def test_the_timeline_tells_the_events_nearest_to_today_and_says_so(client, office_user, partner):
    for number in range(40):
        signed_on = datetime.date(2024, 1, 1) + number * DAY
        AgreementPartyFactory(
            institution=partner,
            agreement__signed_on=signed_on,
            agreement__valid_from=signed_on,
            agreement__expires_on=datetime.date(2027, 1, 1) + number * DAY,
        )
    give(partner, visits=25)
    client.force_login(office_user)

    response = client.get(partner.get_absolute_url())

    entries = [entry for year in response.context["timeline"] for entry in year.entries]
    assert len(entries) == TIMELINE_LIMIT
    assert [entry.day for entry in entries] == sorted((entry.day for entry in entries), reverse=True)
    # The next ten expiry dates, not the forty years ahead; then the latest past events (visits).
    upcoming = [entry.day for entry in entries if entry.upcoming]
    assert upcoming == [datetime.date(2027, 1, 1) + number * DAY for number in range(9, -1, -1)]
    past = [entry.day for entry in entries if not entry.upcoming]
    assert past == [datetime.date(2025, 1, 25) - number * DAY for number in range(20)]
    page = response.content.decode()
    assert "The 30 events nearest to today of the agreements, visits and programs shown above." in page


def test_a_short_timeline_is_all_past_events_when_nothing_is_ahead(client, office_user, partner):
    give(partner, ended=25, visits=25)
    client.force_login(office_user)

    entries = [entry for year in client.get(partner.get_absolute_url()).context["timeline"] for entry in year.entries]

    assert len(entries) == TIMELINE_LIMIT
    assert not any(entry.upcoming for entry in entries)
