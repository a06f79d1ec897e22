"""The search box in the navigation bar: every kind of record, by any of its names."""

import pytest

from cooperation.portal.search import HITS_PER_KIND
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    ContactFactory,
    InstitutionFactory,
    InstitutionNameFactory,
    ProgramFactory,
    VisitFactory,
)


@pytest.fixture
def xinjiang(db):
    university = InstitutionFactory(name="Xinjiang University", country="CN", city="Urumqi")
    InstitutionNameFactory(institution=university, name="新疆大学", language="zh")
    InstitutionNameFactory(institution=university, name="Синьцзянский университет", language="ru")
    ContactFactory(institution=university, full_name="Li Wei", native_name="李伟", position="Vice-rector")
    AgreementPartyFactory(institution=university, agreement=AgreementFactory(title="Memorandum on joint research"))
    VisitFactory(title="Delegation from Urumqi").partners.add(university)
    ProgramFactory(title="2+2 in computer science").partners.add(university)
    InstitutionFactory(name="Hacettepe University", country="TR")
    return university


def groups(response) -> dict[str, list[str]]:
    return {group.key: [str(hit) for hit in group.hits] for group in response.context["groups"]}


@pytest.mark.parametrize("words", ["新疆大学", "синьцзянский", "XINJIANG"])
def test_one_name_in_any_script_finds_the_partner_and_everything_around_it(client, office_user, xinjiang, words):
    client.force_login(office_user)
    found = groups(client.get("/search/", {"q": words}))
    assert found["partners"] == ["Xinjiang University"]
    assert found["agreements"] == ["Memorandum on joint research"]
    assert found["visits"] == ["Delegation from Urumqi"]
    assert found["programs"] == ["2+2 in computer science (2025/2026)"]


def test_contacts_are_found_by_name_in_their_own_script(client, office_user, xinjiang):
    client.force_login(office_user)
    response = client.get("/search/", {"q": "李伟"})
    assert groups(response)["contacts"] == ["Li Wei"]
    assert "Vice-rector · Xinjiang University" in response.content.decode()


def test_many_hits_show_a_few_and_link_to_the_filtered_list(client, office_user, db):
    InstitutionFactory.create_batch(HITS_PER_KIND + 4, name="Gazi University campus")
    client.force_login(office_user)
    response = client.get("/search/", {"q": "gazi"})
    partners = response.context["groups"][0]
    assert (len(partners.hits), partners.total) == (HITS_PER_KIND, HITS_PER_KIND + 4)
    assert 'href="/partners/?q=gazi"' in response.content.decode()


def test_nothing_found_says_so(client, rector, xinjiang):
    client.force_login(rector)
    response = client.get("/search/", {"q": "Sorbonne"})
    assert response.context["found"] == 0
    assert "Nothing has this name" in response.content.decode()


def test_the_search_costs_a_fixed_number_of_queries(client, office_user, xinjiang, django_assert_num_queries):
    client.force_login(office_user)
    # session, user, 2 permissions, the notification bell, one query per kind of record, and for
    # contacts, agreements, visits and programs the sample that tells how broad the search is
    # (cooperation.lib.queries.search_any)
    with django_assert_num_queries(14):
        client.get("/search/", {"q": "xinjiang"})
