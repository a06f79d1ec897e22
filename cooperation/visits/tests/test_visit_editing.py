"""Entering and editing a whole visit in the browser's form: who may, and what is kept."""

import pytest

from cooperation.tests.factories import InstitutionFactory, VisitFactory
from cooperation.visits.models import Visit

AGREED = [
    "International recognition of diplomas",
    "Launching joint dual degree programs (2+2)",
    "Academic mobility for students and faculty",
    "Job fairs with Chinese companies",
    "Sharing experience of foundation programs",
]
DELEGATION = [
    ("Xia Jianhui", "Deputy Director of the Study Abroad Center", "head"),
    ("Ma Yun", "Director of the Inbound Programs Department", "member"),
    ("Wang Shan", "Project Manager of the Study Abroad Center", "member"),
]


def rows(prefix: str, items: list[dict]) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, item in enumerate(items):
        data.update({f"{prefix}-{index}-{name}": value for name, value in item.items()})
    return data


def visit_post(unit, ministry, owner, **fields) -> dict:
    return {
        "title": "Delegation of the Study Abroad Center of the Chinese Ministry of Education",
        "kind": "incoming_delegation",
        "status": "held",
        "starts_on": "2025-09-25",
        "ends_on": "2025-09-25",
        "city": "Astana",
        "country": "KZ",
        "host_unit": unit.pk,
        "partners": [ministry.pk],
        **rows(
            "participants",
            [
                {"side": "partner", "role": role, "full_name": name, "position": position}
                for name, position, role in DELEGATION
            ],
        ),
        **rows("outcomes", [{"text": text} for text in AGREED]),
        **rows("actions", [{"description": "Send the draft 2+2 agreement", "owner": owner.pk, "due_on": "2025-10-31"}]),
        **rows("gifts", []),
        **fields,
    }


@pytest.fixture
def ministry(db):
    return InstitutionFactory(
        name="Ministry of Education of the People's Republic of China", country="CN", kind="government"
    )


def test_the_office_enters_the_chinese_delegation_at_once(client, office_user, university, ministry):
    client.force_login(office_user)
    response = client.post("/visits/new/", visit_post(university, ministry, office_user))
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == visit.get_absolute_url()
    assert list(visit.partners.all()) == [ministry]
    assert [(p.full_name, p.position, p.role) for p in visit.participants.order_by("pk")] == DELEGATION
    assert [outcome.text for outcome in visit.outcomes.order_by("pk")] == AGREED
    assert visit.actions.get().owner == office_user
    assert visit.history.first().history_user == office_user
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Xia Jianhui" in page and "Job fairs with Chinese companies" in page


def test_bad_input_is_explained_and_nothing_is_written(client, office_user, university, ministry):
    client.force_login(office_user)
    data = visit_post(university, ministry, office_user, ends_on="2025-09-20")
    data["actions-0-due_on"] = "not a date"
    response = client.post("/visits/new/", data)
    assert response.status_code == 200
    assert Visit.objects.count() == 0
    page = response.content.decode()
    assert "The visit was not saved" in page
    assert "Enter a valid date." in page


def test_editing_keeps_the_rows_and_changes_what_was_changed(client, office_user, university, ministry):
    client.force_login(office_user)
    client.post("/visits/new/", visit_post(university, ministry, office_user))
    visit = Visit.objects.get()
    page = client.get(f"/visits/{visit.pk}/edit/")
    assert page.status_code == 200
    participants = list(visit.participants.order_by("pk"))
    data = visit_post(university, ministry, office_user, title="Chinese Ministry delegation")
    data.update(
        {
            "participants-TOTAL_FORMS": "3",
            "participants-INITIAL_FORMS": "3",
            **{f"participants-{i}-id": p.pk for i, p in enumerate(participants)},
            "participants-2-DELETE": "on",
            **rows("outcomes", []),
            **rows("actions", []),
        }
    )
    response = client.post(f"/visits/{visit.pk}/edit/", data)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.title == "Chinese Ministry delegation"
    assert visit.participants.count() == 2
    assert visit.outcomes.count() == len(AGREED)


def test_a_coordinator_edits_only_the_visits_their_unit_hosts(client, coordinator, faculty, other_faculty, ministry):
    client.force_login(coordinator)
    assert client.get(f"/visits/{VisitFactory(host_unit=other_faculty).pk}/edit/").status_code == 403
    assert client.get(f"/visits/{VisitFactory(host_unit=faculty).pk}/edit/").status_code == 200
    response = client.post("/visits/new/", visit_post(other_faculty, ministry, coordinator))
    assert response.status_code == 200 and Visit.objects.filter(partners=ministry).count() == 0


def test_an_action_is_marked_done_in_one_click_by_those_who_may_change_the_visit(
    client, office_user, rector, other_coordinator, faculty
):
    from cooperation.tests.factories import FollowUpActionFactory

    action = FollowUpActionFactory(visit__host_unit=faculty)
    url = f"/visits/{action.visit_id}/actions/{action.pk}/done/"
    for refused in (rector, other_coordinator):
        client.force_login(refused)
        assert "Mark done" not in client.get(action.visit.get_absolute_url()).content.decode()
        assert client.post(url).status_code == 403
    client.force_login(office_user)
    assert "Mark done" in client.get(action.visit.get_absolute_url()).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.done_on is not None and action.done_by == office_user
    other_visit = VisitFactory(host_unit=faculty)
    assert client.post(f"/visits/{other_visit.pk}/actions/{action.pk}/done/").status_code == 404
