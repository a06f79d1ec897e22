"""The partner pages: who may open them, what they cost in queries, what they show."""

import factory
import pytest

from cooperation.tests.factories import (
    AgreementPartyFactory,
    ContactFactory,
    InstitutionFactory,
    InstitutionNameFactory,
    ProgramFactory,
    VisitFactory,
)
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


def test_the_detail_costs_a_fixed_number_of_queries(client, office_user, django_assert_num_queries, institution):
    for _ in range(3):
        ContactFactory(institution=institution)
        AgreementPartyFactory(institution=institution)
        VisitFactory().partners.add(institution)
        ProgramFactory().partners.add(institution)
        InstitutionFactory(parent=institution)
    client.force_login(office_user)
    # session, user, 2 permissions, the notification bell, institution and parent, names, contacts,
    # tags, children, agreement parties, their agreements, visits, their host units, programs, the history,
    # the user's groups (may they edit?)
    with django_assert_num_queries(17):
        response = client.get(institution.get_absolute_url())
    assert response.status_code == 200


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
