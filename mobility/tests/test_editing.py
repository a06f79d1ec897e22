"""Changing a participant's status from the program's page."""

from cooperation.tests.factories import ParticipantFactory, ProgramFactory


def test_a_participant_moves_one_step_in_one_click(client, office_user, faculty):
    participant = ParticipantFactory(program=ProgramFactory(unit=faculty), status="nominated")
    client.force_login(office_user)
    page = client.get(participant.program.get_absolute_url()).content.decode()
    assert "→ Applied" in page and "→ Withdrawn" in page
    response = client.post(
        f"/mobility/{participant.program_id}/participants/{participant.pk}/status/", {"status": "applied"}, follow=True
    )
    participant.refresh_from_db()
    assert participant.status == "applied"
    assert f"{participant.full_name}: Applied." in [str(message) for message in response.context["messages"]]


def test_a_skipped_step_is_refused_with_a_message(client, office_user):
    participant = ParticipantFactory(status="nominated")
    client.force_login(office_user)
    response = client.post(
        f"/mobility/{participant.program_id}/participants/{participant.pk}/status/",
        {"status": "completed"},
        follow=True,
    )
    participant.refresh_from_db()
    assert participant.status == "nominated"
    assert response.status_code == 200 and list(response.context["messages"])


def test_only_those_who_may_change_the_program_see_and_use_it(client, rector, other_coordinator, faculty):
    participant = ParticipantFactory(program=ProgramFactory(unit=faculty), status="nominated")
    url = f"/mobility/{participant.program_id}/participants/{participant.pk}/status/"
    for user in (rector, other_coordinator):
        client.force_login(user)
        assert "→ Applied" not in client.get(participant.program.get_absolute_url()).content.decode()
        assert client.post(url, {"status": "applied"}).status_code == 403
    participant.refresh_from_db()
    assert participant.status == "nominated"
