"""A program's participants, 50 a page: in a stable order, with the total of them all."""

import random

import pytest

from cooperation.tests.factories import InstitutionFactory, ParticipantFactory, ProgramFactory

PER_PAGE = 50  # mobility.views.ProgramDetailView.PARTICIPANTS_PER_PAGE


@pytest.fixture
def program(faculty):
    return ProgramFactory(title="Erasmus+ exchange with Ankara University", unit=faculty)


@pytest.fixture
def sixty(program):
    """Sixty participants, created out of the order of their names."""
    numbers = list(range(60))
    random.Random(7).shuffle(numbers)
    return [ParticipantFactory(program=program, full_name=f"Student {number:02}") for number in numbers]


def shown(response) -> list[str]:
    return [participant.full_name for participant in response.context["participants"]]


def test_it_shows_50_participants_a_page_in_name_order(client, office_user, program, sixty):
    client.force_login(office_user)

    first = client.get(program.get_absolute_url())
    second = client.get(program.get_absolute_url(), {"page": 2})

    assert shown(first) == [f"Student {number:02}" for number in range(PER_PAGE)]
    assert shown(second) == [f"Student {number:02}" for number in range(PER_PAGE, 60)]
    first_page = first.content.decode()
    assert '<span class="badge text-bg-secondary">60</span>' in first_page
    assert 'href="?page=2" rel="next"' in first_page
    assert "1–50 of 60" in first_page
    assert "51–60 of 60" in second.content.decode()


def test_participants_of_the_same_name_are_each_on_one_page(client, office_user, program):
    namesakes = ParticipantFactory.create_batch(PER_PAGE + 5, program=program, full_name="Aigerim Seitkali")
    client.force_login(office_user)

    pages = [client.get(program.get_absolute_url(), {"page": page}).context["participants"] for page in (1, 2)]

    assert [participant.pk for page in pages for participant in page] == sorted(person.pk for person in namesakes)


@pytest.mark.parametrize(("asked", "given"), [("abc", 1), ("", 1), ("2", 2), ("99", 2), ("-1", 2)])
def test_a_page_that_is_not_there_shows_the_first_or_the_last(client, office_user, program, sixty, asked, given):
    client.force_login(office_user)

    response = client.get(program.get_absolute_url(), {"page": asked})

    assert response.status_code == 200
    assert response.context["participants"].number == given


def test_the_total_counts_every_participant_not_the_page(client, office_user, program, sixty):
    ParticipantFactory(full_name="Student of another program")
    client.force_login(office_user)

    response = client.get(program.get_absolute_url(), {"page": 2})

    assert response.context["participants"].paginator.count == 60
    assert len(response.context["participants"]) == 10
    assert '<span class="badge text-bg-secondary">60</span>' in response.content.decode()


def test_a_link_to_a_participant_opens_the_page_that_holds_them(client, office_user, program, sixty):
    by_name = {participant.full_name: participant for participant in sixty}
    elsewhere = ParticipantFactory(full_name="Student 99")
    client.force_login(office_user)

    def page_of(**params):
        return client.get(program.get_absolute_url(), params).context["participants"].number

    assert page_of(participant=by_name["Student 49"].pk) == 1
    assert page_of(participant=by_name["Student 50"].pk) == 2
    # The page links keep ?participant=, so an explicit page wins.
    assert page_of(participant=by_name["Student 50"].pk, page=1) == 1
    assert page_of(participant=elsewhere.pk) == 1
    assert page_of(participant="nobody") == 1


def test_a_program_without_participants_says_so(client, office_user, program):
    client.force_login(office_user)

    page = client.get(program.get_absolute_url()).content.decode()

    assert "No participants yet." in page
    assert "Previous" not in page


def test_the_program_list_filters_by_partner(client, office_user):
    ankara, urumqi = InstitutionFactory(name="Ankara University"), InstitutionFactory(name="Urumqi University")
    with_ankara = ProgramFactory.create_batch(2)
    for program in with_ankara:
        program.partners.add(ankara)
    with_both = ProgramFactory()
    with_both.partners.add(ankara, urumqi)
    ProgramFactory().partners.add(urumqi)
    client.force_login(office_user)

    response = client.get("/mobility/", {"partner": ankara.pk})

    shown_programs = [row.record for row in response.context["table"].page.object_list]
    assert sorted(program.pk for program in shown_programs) == sorted(p.pk for p in [*with_ankara, with_both])


def test_a_participants_own_address_opens_the_page_that_holds_it(client, office_user):
    from cooperation.tests.factories import ParticipantFactory, ProgramFactory

    program = ProgramFactory()
    participants = [ParticipantFactory(program=program, full_name=f"Student {number:03}") for number in range(60)]
    client.force_login(office_user)
    last = participants[-1]
    response = client.get(last.get_absolute_url())
    assert response.status_code == 200
    assert response.context["participants"].number == 2
    assert f'id="participant-{last.pk}"' in response.content.decode()


@pytest.mark.parametrize("wanted", ["¹", "١", str(2**63), "abc"])
def test_a_participant_link_that_names_no_id_opens_the_first_page(client, office_user, program, sixty, wanted):
    client.force_login(office_user)

    response = client.get(program.get_absolute_url(), {"participant": wanted})

    assert response.status_code == 200
