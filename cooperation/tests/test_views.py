"""The home page, the dashboard and the visit pages: who may open them, what they cost in
queries, what they show."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agreements.models import Agreement, AgreementParty
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ContactFactory,
    FollowUpActionFactory,
    InstitutionFactory,
    ParticipantFactory,
    VisitFactory,
    VisitParticipantFactory,
    make_user,
)
from cooperation.visits.models import Gift, Outcome, Visit, VisitParticipant

# 1 October 2025, a Wednesday morning in Almaty.
TODAY = datetime.datetime(2025, 10, 1, 9, 0, tzinfo=ZoneInfo("Asia/Almaty"))
PAGES = ["/", "/dashboard/", "/visits/"]


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def delegation(db, faculty):
    """The Chinese Ministry of Education's visit of 25 September 2025."""
    ministry = InstitutionFactory(
        name="Study Abroad Center of the Ministry of Education of China", country="CN", city="Beijing"
    )
    visit = VisitFactory(
        title="Delegation of the Chinese Ministry of Education",
        starts_on=datetime.date(2025, 9, 25),
        host_unit=faculty,
        status=Visit.Status.HELD,
        news_url="https://university.example/news/chinese-delegation",
    )
    visit.partners.add(ministry)
    for name, position, role in [
        ("Xia Jianhui", "Deputy Director of the Study Abroad Center", VisitParticipant.Role.HEAD),
        ("Ma Yun", "Director of the Inbound Programs Department", VisitParticipant.Role.MEMBER),
        ("Wang Shan", "Project Manager of the Study Abroad Center", VisitParticipant.Role.MEMBER),
    ]:
        contact = ContactFactory(institution=ministry, full_name=name, position=position)
        VisitParticipantFactory(visit=visit, contact=contact, role=role)
    president = make_user("president", first_name="Aliya", last_name="President")
    VisitParticipant.objects.create(
        visit=visit, side=VisitParticipant.Side.OURS, user=president, role=VisitParticipant.Role.HOST
    )
    Outcome.objects.create(visit=visit, text="Launch a 2+2 double degree program")
    Gift.objects.create(visit=visit, direction=Gift.Direction.RECEIVED, description="A porcelain vase")
    return visit


@pytest.mark.parametrize("role", ["office_user", "coordinator", "rector"])
def test_every_role_opens_every_page(client, request, role, delegation):
    client.force_login(request.getfixturevalue(role))
    for url in [*PAGES, delegation.get_absolute_url()]:
        assert client.get(url).status_code == 200, url


def test_it_sends_an_anonymous_visitor_to_log_in(client, delegation):
    for url in [*PAGES, delegation.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={url}"


def test_it_refuses_a_user_without_a_role(client, outsider, delegation):
    """Home and dashboard show agreements, visits and mobility: a user who may not see those
    records may not see what needs attention in them, nor their numbers."""
    client.force_login(outsider)
    for url in [*PAGES, delegation.get_absolute_url()]:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("rows", [10, 200])
def test_the_visit_list_costs_the_same_queries_for_10_and_200_visits(
    client, office_user, django_assert_num_queries, rows
):
    for _ in range(rows):
        VisitFactory().partners.add(*InstitutionFactory.create_batch(2))
    client.force_login(office_user)
    # session, user, 2 permissions, the notification bell, count, page of visits with host units, partners,
    # the units of the filter form
    with django_assert_num_queries(9):
        response = client.get("/visits/")
    assert len(response.context["table"].page.object_list) == min(rows, 50)


def test_the_visit_detail_costs_a_fixed_number_of_queries(client, office_user, delegation, django_assert_num_queries):
    FollowUpActionFactory.create_batch(2, visit=delegation)
    delegation.agreements_signed.add(AgreementFactory())
    client.force_login(office_user)
    # session, user, 2 permissions, the notification bell, visit with host unit and person, partners, areas,
    # agreements signed, outcomes, gifts, actions, their owners, participants, their contacts,
    # the contacts' institutions, their users, the history of changes, the user's groups (may they edit?)
    with django_assert_num_queries(19):
        response = client.get(delegation.get_absolute_url())
    assert response.status_code == 200


def test_the_visit_detail_shows_participants_by_side_outcomes_gifts_and_the_news(
    client, office_user, delegation, frozen
):
    client.force_login(office_user)

    page = client.get(delegation.get_absolute_url()).content.decode()

    ours, partners = page.index(">Our university<"), page.index(">Partner<")
    assert ours < page.index("Aliya President") < partners
    assert partners < page.index("Xia Jianhui") < page.index("Ma Yun")
    assert re.search(r"Xia Jianhui</th>\s*<td>Head of delegation</td>\s*<td>Deputy Director", page)
    for text in ("Launch a 2+2 double degree program", "A porcelain vase", delegation.news_url):
        assert text in page


def test_the_visit_detail_highlights_an_overdue_action(client, office_user, delegation, frozen):
    FollowUpActionFactory(
        visit=delegation, description="Send the draft 2+2 agreement", due_on=datetime.date(2025, 9, 26)
    )
    FollowUpActionFactory(visit=delegation, description="Book the job fair hall", due_on=datetime.date(2025, 10, 20))
    client.force_login(office_user)

    page = client.get(delegation.get_absolute_url()).content.decode()

    assert re.search(
        r'<tr class="table-danger">\s*<th scope="row" class="fw-normal">Send the draft 2\+2 agreement', page
    )
    assert "Overdue by 5 days" in page
    assert not re.search(r'<tr class="table-danger">\s*<th scope="row" class="fw-normal">Book the job fair hall', page)


def test_home_shows_what_needs_attention_and_nothing_else(client, office_user, university, frozen):
    expiring = AgreementFactory(title="Memorandum with Gazi University", expires_on=datetime.date(2025, 11, 30))
    AgreementParty.objects.create(agreement=expiring, unit=university)
    AgreementPartyFactory(agreement=expiring, institution__name="Gazi University")
    AgreementFactory(title="Memorandum far from expiry", expires_on=datetime.date(2027, 1, 1))
    AgreementFactory(title="Renewing memorandum", expires_on=datetime.date(2025, 11, 30), auto_renews=True)
    soon = VisitFactory(title="Visit of Hacettepe University", starts_on=datetime.date(2025, 10, 8))
    VisitFactory(title="Visit next month", starts_on=datetime.date(2025, 10, 20))
    owner = make_user("aknar", first_name="Aknar", last_name="Almenova")
    FollowUpActionFactory(description="Send the signed copy to Gazi", owner=owner, due_on=datetime.date(2025, 9, 24))
    FollowUpActionFactory(
        description="Already done", due_on=datetime.date(2025, 9, 1), done_on=datetime.date(2025, 9, 2)
    )
    client.force_login(office_user)

    page = client.get("/").content.decode()

    assert re.search(
        r"Memorandum with Gazi University</a></th>\s*<td>Gazi University</td>\s*<td[^>]*>Nov. 30, 2025</td>\s*<td[^>]*>60</td>",
        page,
    )
    assert "Expiring in 60 days" in page
    assert soon.title in page
    assert "in 7 days" in page
    assert re.search(
        r"Send the signed copy to Gazi</th>.*?Aknar Almenova</td>\s*<td[^>]*>Sept. 24, 2025</td>\s*<td[^>]*>7</td>",
        page,
        re.S,
    )
    for hidden in ("Memorandum far from expiry", "Renewing memorandum", "Visit next month", "Already done"):
        assert hidden not in page


def test_home_costs_a_fixed_number_of_queries(client, office_user, university, frozen, django_assert_num_queries):
    for day in range(3):
        agreement = AgreementFactory(expires_on=datetime.date(2025, 11, 1) + datetime.timedelta(days=day))
        AgreementParty.objects.create(agreement=agreement, unit=university)
        AgreementPartyFactory.create_batch(2, agreement=agreement)
        VisitFactory(starts_on=datetime.date(2025, 10, 2 + day)).partners.add(InstitutionFactory())
        FollowUpActionFactory(due_on=datetime.date(2025, 9, 1 + day))
    client.force_login(office_user)
    # session, user, 2 permissions, the notification bell, agreements with units, parties, their institutions,
    # their units, visits with host units, partners, actions with visits and owners
    with django_assert_num_queries(12):
        client.get("/")


def test_the_dashboard_shows_the_key_figures(client, rector, frozen):
    """The figures with their change against the previous academic year; each is checked against a
    plain query, the workbook and its list in test_dashboard.py."""
    InstitutionFactory.create_batch(4)
    AgreementFactory.create_batch(3, expires_on=datetime.date(2029, 1, 1))
    AgreementFactory(expires_on=datetime.date(2025, 12, 1))
    AgreementFactory(status=Agreement.Status.DRAFT, signed_on=None)
    AgreementFactory(signed_on=datetime.date(2025, 9, 10), valid_from=datetime.date(2025, 9, 10))
    VisitFactory(starts_on=datetime.date(2025, 10, 15))
    ParticipantFactory.create_batch(2, direction="outgoing")
    ParticipantFactory(direction="incoming")
    client.force_login(rector)

    page = client.get("/dashboard/").content.decode()

    figures = re.findall(
        r'<p class="display-6 mb-1"><a [^>]+>(\d+)</a></p>\s*<p class="card-text mb-1"><a [^>]+>([^<]+)</a></p>\s*'
        r'<p class="small mb-2 figure-change [^"]+">\s*(?:<i [^>]+></i>)?([+-]?\d+)',
        page,
    )
    assert figures == [
        # 4 institutions, and one per participant made by the factories (the agreements have no parties)
        ("7", "Active partners", "+7"),
        ("5", "Agreements in force", "+1"),
        ("1", "Agreements expiring within 90 days", "+1"),
        ("1", "Agreements signed this academic year", "+1"),
        ("1", "Visits received", "+1"),
        ("0", "Visits sent", "0"),
        ("2", "Outgoing mobility", "+2"),
        ("1", "Incoming mobility", "+1"),
    ]


def test_each_dashboard_figure_links_to_a_list_with_as_many_rows(client, rector, frozen):
    InstitutionFactory.create_batch(4)
    AgreementFactory.create_batch(3, expires_on=datetime.date(2029, 1, 1))
    AgreementFactory(expires_on=datetime.date(2025, 12, 1))
    AgreementFactory(status=Agreement.Status.DRAFT, signed_on=None)
    VisitFactory(starts_on=datetime.date(2025, 10, 15))
    VisitFactory(starts_on=datetime.date(2024, 10, 15))
    ParticipantFactory.create_batch(2, direction="outgoing")
    client.force_login(rector)
    page = client.get("/dashboard/").content.decode()
    links = re.findall(r'<p class="display-6 mb-1"><a [^>]*href="([^"]+)">(\d+)</a>', page)
    for url, figure in links:
        response = client.get(url.replace("&amp;", "&"))
        assert response.context["table"].paginator.count == int(figure), url
    assert len(links) == 8


@pytest.mark.parametrize(
    "language, expiring, dormant",
    [
        ("en", "Agreements expiring within 90 days", "Dormant (no mobility or visit for 2 years)"),
        ("ru", "Соглашения, истекающие в течение 90 дней", "Бездействующие (2 года без мобильности и визитов)"),
        ("kk", "90 күн ішінде аяқталатын келісімдер", "Әрекетсіз (2 жыл бойы ұтқырлық та, сапар да жоқ)"),
    ],
)
def test_the_periods_in_labels_are_the_rules_own(client, office_user, language, expiring, dormant):
    """ "90 days" and "2 years" are EXPIRING_SOON and DORMANT_AFTER_YEARS, said in each language."""
    client.force_login(office_user)
    client.cookies["django_language"] = language

    home = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    agreements = client.get("/agreements/", {"dormant": "true"}, HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert expiring in home
    assert dormant in agreements
