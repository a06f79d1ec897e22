"""The program pages: who may open them, what they cost in queries, what they show."""

import datetime

import pytest

from cooperation.tests.factories import (
    AgreementFactory,
    InstitutionFactory,
    ParticipantFactory,
    ProgramFactory,
)
from mobility.models import Participant, Program

LIST_URL = "/mobility/"


@pytest.fixture
def program(faculty):
    """A 2+2 double degree with a Chinese partner, as agreed with the Ministry's delegation."""
    partner = InstitutionFactory(name="Urumqi Vocational University", country="CN", city="Urumqi")
    program = ProgramFactory(
        title="2+2 double degree in logistics",
        kind=Program.Kind.DOUBLE_DEGREE,
        degree_structure="2+2",
        direction=Program.ProgramDirection.OUTGOING,
        unit=faculty,
        agreement=AgreementFactory(title="Double degree agreement with Urumqi Vocational University"),
        places=5,
        application_deadline=datetime.date(2026, 3, 1),
        nomination_deadline=datetime.date(2026, 4, 15),
    )
    program.partners.add(partner)
    ParticipantFactory(
        program=program,
        full_name="Dana Seitkali",
        partner_institution=partner,
        field_of_study="Logistics",
        status=Participant.Status.ACCEPTED,
    )
    return program


@pytest.mark.parametrize("role", ["office_user", "coordinator", "rector"])
def test_every_role_opens_the_list_and_the_detail(client, request, role, program):
    client.force_login(request.getfixturevalue(role))
    assert client.get(LIST_URL).status_code == 200
    assert client.get(program.get_absolute_url()).status_code == 200


def test_it_sends_an_anonymous_visitor_to_log_in(client, program):
    for url in (LIST_URL, program.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"/accounts/login/?next={url}"


def test_it_refuses_a_user_without_a_role(client, outsider, program):
    client.force_login(outsider)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(program.get_absolute_url()).status_code == 403


@pytest.mark.parametrize("rows", [10, 200])
def test_the_list_costs_the_same_queries_for_10_and_200_programs(client, office_user, django_assert_num_queries, rows):
    for _ in range(rows):
        program = ProgramFactory()
        program.partners.add(*InstitutionFactory.create_batch(2))
        ParticipantFactory.create_batch(2, program=program)
    client.force_login(office_user)
    # session, user, 2 permissions, the notification bell, count, page of programs with participant counts,
    # partners, the units of the filter form
    with django_assert_num_queries(9):
        response = client.get(LIST_URL)
    shown = [row.record for row in response.context["table"].page.object_list]
    assert [program.participant_count for program in shown] == [2] * min(rows, 50)


@pytest.mark.parametrize("participants", [3, 60])
def test_the_detail_costs_the_same_queries_for_3_and_60_participants(
    client, office_user, program, django_assert_num_queries, participants
):
    ParticipantFactory.create_batch(participants, program=program)
    client.force_login(office_user)
    # session, user, 2 permissions, the notification bell, program with unit, agreement and coordinator, partners,
    # the count of participants, the page of participants with their units, the page's partner institutions, the
    # history of changes, the user's groups (may they change the program?)
    with django_assert_num_queries(12):
        response = client.get(program.get_absolute_url())
    assert len(response.context["participants"]) == min(participants + 1, 50)


def test_the_detail_shows_partners_agreement_deadlines_and_participants(client, office_user, program):
    client.force_login(office_user)

    page = client.get(program.get_absolute_url()).content.decode()

    for text in (
        "Urumqi Vocational University",
        "Double degree agreement with Urumqi Vocational University",
        "March 1, 2026",
        "April 15, 2026",
        "Dana Seitkali",
        "Logistics",
        "Accepted",
    ):
        assert text in page
