"""The partner pages: who may open them, what they cost in queries, what they show."""

import datetime

import factory
import pytest
import time_machine

from cooperation.tests.factories import (
    AgreementPartyFactory,
    ContactFactory,
    InstitutionFactory,
    InstitutionNameFactory,
    ProgramFactory,
    VisitFactory,
)
from cooperation.visits.models import Outcome
from partners.models import Institution

LIST_URL = "/partners/"


def rows(response) -> list:
    """The records on the list page shown."""
    return [row.record for row in response.context["table"].page.object_list]


@pytest.fixture
def institution(db):
    embassy = InstitutionFactory(
        name="Embassy of the People's Republic of China", kind=Institution.Kind.EMBASSY, country="CN"
    )
    urumqi = InstitutionFactory(
        name="Urumqi Vocational University", short_name="UVU", country="CN", city="Urumqi", parent=embassy
    )
    InstitutionNameFactory(institution=urumqi, name="Урумчийский профессиональный университет", language="ru")
    InstitutionNameFactory(institution=urumqi, name="乌鲁木齐职业大学", language="zh")
    return urumqi


@pytest.mark.parametrize("role", ["office_user", "coordinator", "rector"])
def test_every_role_opens_the_list_and_the_detail(client, request, role, institution):
    client.force_login(request.getfixturevalue(role))
    assert client.get(LIST_URL).status_code == 200
    assert client.get(institution.get_absolute_url()).status_code == 200


def test_it_sends_an_anonymous_visitor_to_log_in(client, institution):
    for url in (LIST_URL, institution.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={url}"


def test_it_refuses_a_user_without_a_role(client, outsider, institution):
    client.force_login(outsider)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(institution.get_absolute_url()).status_code == 403


@pytest.mark.parametrize("count", [10, 200])
def test_the_list_costs_the_same_queries_for_10_and_200_partners(client, office_user, django_assert_num_queries, count):
    for _ in range(count):
        InstitutionFactory(parent=InstitutionFactory())  # two partners a turn
    client.force_login(office_user)
    # session, user, 2 permissions, the notification bell, count, page of institutions with parents
    # and their agreements in force, the tags of the filter form
    with django_assert_num_queries(8):
        response = client.get(LIST_URL)
    assert len(rows(response)) == min(2 * count, 50)


@pytest.mark.parametrize("rows", [3, 60])
def test_the_detail_costs_the_same_queries_for_3_and_60_related_rows(
    client, office_user, django_assert_num_queries, institution, rows
):
    for _ in range(rows):
        ContactFactory(institution=institution)
        AgreementPartyFactory(institution=institution)  # in force
        AgreementPartyFactory(institution=institution, agreement__status="draft")
        visit = VisitFactory()
        visit.partners.add(institution)
        Outcome.objects.create(visit=visit, text="A 3+1 double degree", institution=institution)
        ProgramFactory().partners.add(institution)
        InstitutionFactory(parent=institution)
    client.force_login(office_user)
    # session, user, 2 permissions, the notification bell, institution with parent and the totals
    # of its agreements, visits, outcomes and programs, names, contacts, tags, children, agreements
    # in force with their renewals, the other agreements, visits with host units, outcomes with
    # their visits, programs, the history, the user's groups (may they edit?)
    with django_assert_num_queries(17):
        response = client.get(institution.get_absolute_url())
    assert response.context["visits"].total == rows
    assert len(response.context["visits"]) == min(rows, 20)
    assert response.context["outcomes"].total == rows
    assert len(response.context["outcomes"]) == min(rows, 20)


def test_the_detail_shows_names_identifiers_and_what_points_to_the_partner(client, office_user, institution):
    institution.erasmus_code = "CN URUMQI01"
    institution.save()
    contact = ContactFactory(institution=institution, full_name="Li Wei", position="Head of International Office")
    party = AgreementPartyFactory(institution=institution, agreement__title="Memorandum on the Silk Road workshop")
    visit = VisitFactory(title="Campus tour of the consulate")
    visit.partners.add(institution)
    program = ProgramFactory(title="Luban workshop exchange")
    program.partners.add(institution)
    client.force_login(office_user)

    page = client.get(institution.get_absolute_url()).content.decode()

    for text in (
        "Урумчийский профессиональный университет",
        "乌鲁木齐职业大学",
        "CN URUMQI01",
        "Embassy of the People&#x27;s Republic of China",
        contact.full_name,
        contact.position,
        party.agreement.title,
        visit.title,
        program.title,
    ):
        assert text in page


def test_the_list_finds_a_partner_by_its_cyrillic_name(client, office_user, institution):
    InstitutionFactory(name="Ankara University")
    client.force_login(office_user)

    response = client.get(LIST_URL, {"q": "урумчийский"})

    assert rows(response) == [institution]
    page = response.content.decode()
    assert "Urumqi Vocational University" in page
    assert "Ankara University" not in page
    assert 'value="урумчийский"' in page


def test_the_pages_of_a_search_keep_the_search(client, office_user):
    InstitutionFactory.create_batch(55, name=factory.Sequence(lambda n: f"Gazi University campus {n:02}"))
    client.force_login(office_user)

    first_page = client.get(LIST_URL, {"q": "gazi"}).content.decode()
    second_page = client.get(LIST_URL, {"q": "gazi", "page": 2})

    assert 'href="?q=gazi&amp;page=2" rel="next"' in first_page
    assert "1–50 of 55" in first_page
    assert len(rows(second_page)) == 5


@time_machine.travel(datetime.date(2026, 3, 2), tick=False)
def test_the_detail_puts_agreements_in_force_first_and_links_their_renewals(client, office_user, institution):
    expired = AgreementPartyFactory(
        institution=institution,
        agreement__title="Memorandum 2015",
        agreement__status="renewed",
        agreement__signed_on=datetime.date(2015, 5, 1),
        agreement__valid_from=datetime.date(2015, 5, 1),
        agreement__expires_on=datetime.date(2020, 5, 1),
    ).agreement
    AgreementPartyFactory(
        institution=institution,
        agreement__title="Memorandum 2020",
        agreement__status="signed",
        agreement__signed_on=datetime.date(2020, 5, 1),
        agreement__valid_from=datetime.date(2020, 5, 1),
        agreement__expires_on=datetime.date(2030, 5, 1),
        agreement__renews=expired,
    )
    client.force_login(office_user)

    response = client.get(institution.get_absolute_url())

    assert [a.title for a in response.context["agreements_in_force"]] == ["Memorandum 2020"]
    assert [a.title for a in response.context["other_agreements"]] == ["Memorandum 2015"]
    page = response.content.decode()
    assert "renewed by" in page and "renews" in page
    assert page.index("Memorandum 2020") < page.index("Memorandum 2015")


@time_machine.travel(datetime.date(2026, 3, 2), tick=False)
def test_the_timeline_tells_the_partner_s_story_newest_first(client, office_user, institution):
    AgreementPartyFactory(
        institution=institution,
        agreement__title="Memorandum on the Luban workshop",
        agreement__status="signed",
        agreement__signed_on=datetime.date(2024, 4, 12),
        agreement__valid_from=datetime.date(2024, 4, 12),
        agreement__expires_on=datetime.date(2026, 6, 30),
    )
    VisitFactory(
        title="Delegation from Urumqi", starts_on=datetime.date(2025, 10, 3), ends_on=datetime.date(2025, 10, 4)
    ).partners.add(institution)
    ProgramFactory(title="Luban exchange", academic_year="2025/2026").partners.add(institution)
    client.force_login(office_user)

    timeline = client.get(institution.get_absolute_url()).context["timeline"]

    assert [year.year for year in timeline] == [2026, 2025, 2024]
    entries = [(entry.day, str(entry.what), entry.title, entry.upcoming) for year in timeline for entry in year.entries]
    assert entries == [
        (datetime.date(2026, 6, 30), "Agreement expires", "Memorandum on the Luban workshop", True),
        (datetime.date(2025, 10, 3), entries[1][1], "Delegation from Urumqi", False),
        (datetime.date(2025, 9, 1), "Mobility program starts", "Luban exchange (2025/2026)", False),
        (datetime.date(2024, 4, 12), "Agreement signed", "Memorandum on the Luban workshop", False),
    ]
