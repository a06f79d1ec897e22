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


def formset_rows(prefix: str, items: list[dict]) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, item in enumerate(items):
        data.update({f"{prefix}-{index}-{name}": value for name, value in item.items()})
    return data


def program_post(unit, partner, **fields) -> dict:
    return {
        "title": "2+2 double degree in computer engineering with Xinjiang University",
        "kind": "double_degree",
        "degree_structure": "2+2",
        "direction": "outgoing",
        "academic_year": "2026/2027",
        "unit": unit.pk,
        "partners": [partner.pk],
        **formset_rows(
            "participants",
            [
                {
                    "full_name": name,
                    "kind": "student",
                    "direction": "outgoing",
                    "partner_institution": partner.pk,
                    "level": "bachelor",
                }
                for name in ("Aigerim Nurlanovna", "Daniyar Serikuly")
            ],
        ),
        **fields,
    }


def test_a_program_and_its_two_participants_are_entered_at_once(client, office_user, faculty):
    from cooperation.tests.factories import InstitutionFactory
    from mobility.models import Program

    partner = InstitutionFactory(name="Xinjiang University", country="CN")
    client.force_login(office_user)
    response = client.post("/mobility/new/", program_post(faculty, partner))
    program = Program.objects.get()
    assert response.status_code == 302 and response.url == program.get_absolute_url()
    assert sorted(program.participants.values_list("full_name", flat=True)) == [
        "Aigerim Nurlanovna",
        "Daniyar Serikuly",
    ]
    assert set(program.participants.values_list("unit", flat=True)) == {faculty.pk}
    bad = client.post("/mobility/new/", program_post(faculty, partner, academic_year="2026-27"))
    assert bad.status_code == 200 and Program.objects.count() == 1
    assert "is not an academic year" in bad.content.decode()


def test_a_coordinator_enters_programs_of_their_unit_only(client, coordinator, faculty, other_faculty):
    from cooperation.tests.factories import InstitutionFactory
    from mobility.models import Program

    partner = InstitutionFactory()
    client.force_login(coordinator)
    assert client.post("/mobility/new/", program_post(other_faculty, partner)).status_code == 200
    assert Program.objects.count() == 0
    assert client.get(f"/mobility/{ProgramFactory(unit=other_faculty).pk}/edit/").status_code == 403
    assert client.post("/mobility/new/", program_post(faculty, partner)).status_code == 302
