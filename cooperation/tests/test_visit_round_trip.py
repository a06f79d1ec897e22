"""The visit page submitted as a browser submits it: saving it untouched changes nothing,
changing one field of one row changes only that, and a row is added only when its empty row is
filled in and removed only when its Remove box is ticked."""

import datetime
import re

import pytest
from django.urls import reverse

from agreements.models import AreaOfCooperation
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.db_state import changes_between, database_state, history_tables, record_changes
from cooperation.tests.entry_pages import (
    assert_one_change,
    assert_untouched_save_changes_nothing,
    check_any_single_change,
    save,
)
from cooperation.tests.factories import (
    ContactFactory,
    FollowUpActionFactory,
    InstitutionFactory,
    VisitFactory,
    VisitParticipantFactory,
    make_user,
)
from cooperation.visits.models import FollowUpAction, Gift, Outcome, Visit, VisitParticipant
from partners.models import Institution


@pytest.fixture
def gazi(db):
    return InstitutionFactory(name="Gazi University", city="Ankara")


@pytest.fixture
def itu(db):
    return InstitutionFactory(name="Istanbul Technical University", city="Istanbul")


@pytest.fixture
def company(db):
    return InstitutionFactory(name="Bosphorus Cloud Systems", city="Istanbul", kind=Institution.Kind.COMPANY)


@pytest.fixture
def visit(university, gazi, itu, company):
    """A trip to three partners with everything a visit can hold."""
    head = make_user("almenova", first_name="Aigerim", last_name="Almenova")
    owner = make_user("seitkali", first_name="Dauren", last_name="Seitkali")
    visit = VisitFactory(
        title="Delegation to Ankara and Istanbul",
        kind=Visit.Kind.OUTGOING_TRIP,
        status=Visit.Status.HELD,
        starts_on=datetime.date(2025, 10, 6),
        ends_on=datetime.date(2025, 10, 10),
        places="Gazi University; ITU Ayazağa campus",
        city="Ankara",
        country="TR",
        host_unit=university,
        responsible_person=head,
        purpose="Double degrees.\nInternships in industry.",
        topics="3+1 programs\r\nSummer schools\r\n",
        news_url="https://university.example/news/ankara-istanbul",
        notes="Flights booked by the office.\r\nHotel near Kızılay.\n\nInvoices with the bursar.",
    )
    visit.partners.set([gazi, itu, company])
    visit.areas.set(AreaOfCooperation.objects.order_by("pk")[:2])
    # Participants: one of our staff (a user), a partner's contact, and someone named only.
    VisitParticipantFactory(
        visit=visit,
        side=VisitParticipant.Side.OURS,
        role=VisitParticipant.Role.HEAD,
        contact=None,
        user=head,
        position="Vice-rector for international affairs",
    )
    VisitParticipantFactory(
        visit=visit,
        side=VisitParticipant.Side.PARTNER,
        role=VisitParticipant.Role.HOST,
        contact=ContactFactory(institution=gazi, full_name="Musa Yıldız", position="Rector"),
    )
    VisitParticipantFactory(
        visit=visit,
        side=VisitParticipant.Side.PARTNER,
        role=VisitParticipant.Role.INTERPRETER,
        contact=None,
        full_name="Ayşe Demir",
        position="Interpreter, Turkish–Russian",
    )
    # What was agreed: one point per partner, one for the whole visit.
    Outcome.objects.create(visit=visit, text="A 3+1 double degree\nin information security.", institution=gazi, order=1)
    Outcome.objects.create(visit=visit, text="Guest lectures each semester.", institution=itu, order=2)
    Outcome.objects.create(visit=visit, text="Internships in cloud infrastructure.", institution=company, order=3)
    Outcome.objects.create(visit=visit, text="A joint Erasmus+ application.", order=4)
    # Follow-up actions: one done, one open.
    FollowUpActionFactory(
        visit=visit,
        description="Send the draft double-degree agreement",
        owner=head,
        due_on=datetime.date(2025, 10, 20),
        done_on=datetime.date(2025, 10, 18),
        done_by=head,
    )
    FollowUpActionFactory(
        visit=visit,
        description="Collect the internship places\nfrom the company",
        owner=owner,
        due_on=datetime.date(2025, 12, 1),
    )
    Gift.objects.create(visit=visit, direction=Gift.Direction.GIVEN, description="A dombra", counterpart="Gazi rector")
    Gift.objects.create(visit=visit, direction=Gift.Direction.RECEIVED, description="A book on Ankara")
    return visit


def edit_url(visit: Visit) -> str:
    return reverse("cooperation:visit-edit", args=[visit.pk])


def test_the_page_renders_every_row_and_value_it_is_tested_with(client, office_user, visit, gazi, itu, company):
    """The round trips below are only as strong as what the page puts in its form."""
    client.force_login(office_user)
    form = RenderedForm.get(client, edit_url(visit))

    assert sorted(form["partners"]) == sorted(str(partner.pk) for partner in (gazi, itu, company))
    assert len(form["areas"]) == 2
    assert form["country"] == "TR"
    assert form["host_unit"] == str(visit.host_unit_id)
    assert form["responsible_person"] == str(visit.responsible_person_id)
    # (An HTML parser reads a CR LF as one LF, as a browser does; it sends every line break as CR LF.)
    assert form["notes"] == "Flights booked by the office.\nHotel near Kızılay.\n\nInvoices with the bursar."
    assert [form[f"{prefix}-INITIAL_FORMS"] for prefix in ("participants", "outcomes", "actions", "gifts")] == [
        "3",
        "4",
        "2",
        "2",
    ]
    participants = {form[f"participants-{index}-id"]: index for index in range(3)}
    assert set(participants) == {str(pk) for pk in visit.participants.values_list("pk", flat=True)}
    assert sorted(form[f"outcomes-{index}-institution"] for index in range(4)) == sorted(
        ["", str(gazi.pk), str(itu.pk), str(company.pk)]
    )
    assert sorted(form[f"actions-{index}-due_on"] for index in range(2)) == ["2025-10-20", "2025-12-01"]


def test_an_untouched_save_changes_nothing(client, office_user, visit):
    client.force_login(office_user)

    assert_untouched_save_changes_nothing(client, edit_url(visit))


def test_an_untouched_save_keeps_a_closed_unit_and_people_who_left(client, office_user, visit):
    """The host unit was closed and the head of the delegation (the responsible person, one of
    ours at the visit, the owner of an action) has left: the page still offers them, so an
    untouched save keeps them."""
    visit.host_unit.is_active = False
    visit.host_unit.save()
    head = visit.responsible_person
    head.is_active = False
    head.save()
    client.force_login(office_user)

    form = assert_untouched_save_changes_nothing(client, edit_url(visit))

    assert form["host_unit"] == str(visit.host_unit_id)
    assert form["responsible_person"] == str(head.pk)
    assert str(head.pk) in {form[f"participants-{index}-user"] for index in range(3)}
    assert str(head.pk) in {form[f"actions-{index}-owner"] for index in range(2)}


def test_saving_it_twice_changes_nothing_either(client, office_user, visit):
    """What the first save gives back (line breaks as CRLF, stripped texts) is stable."""
    client.force_login(office_user)
    url = edit_url(visit)
    save(client, RenderedForm.get(client, url))

    assert_untouched_save_changes_nothing(client, url)


def test_changing_one_actions_due_date_changes_only_that(client, office_user, visit):
    client.force_login(office_user)
    url = edit_url(visit)
    open_action = visit.actions.get(done_on=None)
    index = RenderedForm.get(client, url).row_index("actions", open_action.pk)

    assert_one_change(
        client,
        url,
        f"actions-{index}-due_on",
        "2026-01-15",
        table="cooperation.FollowUpAction",
        pk=open_action.pk,
        fields={"due_on"},
    )
    open_action.refresh_from_db()
    assert open_action.due_on == datetime.date(2026, 1, 15)


def test_changing_one_participants_position_changes_only_that(client, office_user, visit):
    client.force_login(office_user)
    url = edit_url(visit)
    interpreter = visit.participants.get(full_name="Ayşe Demir")
    index = RenderedForm.get(client, url).row_index("participants", interpreter.pk)

    assert_one_change(
        client,
        url,
        f"participants-{index}-position",
        "Interpreter, Turkish–Kazakh",
        table="cooperation.VisitParticipant",
        pk=interpreter.pk,
        fields={"position"},
    )


def test_changing_one_outcomes_text_keeps_its_partner(client, office_user, visit, itu):
    client.force_login(office_user)
    url = edit_url(visit)
    lectures = visit.outcomes.get(institution=itu)
    index = RenderedForm.get(client, url).row_index("outcomes", lectures.pk)

    assert_one_change(
        client,
        url,
        f"outcomes-{index}-text",
        "Guest lectures each semester,\nonline in between.",
        table="cooperation.Outcome",
        pk=lectures.pk,
        fields={"text"},
    )
    lectures.refresh_from_db()
    assert lectures.institution == itu


def test_changing_the_visits_notes_changes_only_the_visit(client, office_user, visit):
    client.force_login(office_user)

    changes = assert_one_change(
        client,
        edit_url(visit),
        "notes",
        "Flights booked by the office.\nHotel near Kızılay.",
        table="cooperation.Visit",
        pk=visit.pk,
        fields={"notes"},
    )
    # The visit's partners are recorded with its history: one snapshot of them, none changed.
    assert all(change.kind == "added" for change in history_tables(changes))


def rows_by_id(form: RenderedForm, prefix: str) -> dict[str, dict[str, list[str]]]:
    """The stored rows of a formset as the page renders them, keyed by their id, not their place."""
    rows: dict[str, dict[str, list[str]]] = {}
    for index in range(int(form[f"{prefix}-INITIAL_FORMS"])):
        start = f"{prefix}-{index}-"
        values = {name.removeprefix(start): value for name, value in form.values().items() if name.startswith(start)}
        rows[values["id"][0]] = values
    return rows


@pytest.mark.parametrize(
    ("prefix", "row", "field", "value"),
    [
        # The interpreter, listed last, becomes one of ours and moves up.
        ("participants", "Ayşe Demir", "side", VisitParticipant.Side.OURS),
        ("participants", "Ayşe Demir", "role", VisitParticipant.Role.HEAD),
        # The open action becomes due before the done one.
        ("actions", "Collect the internship places\nfrom the company", "due_on", "2025-09-01"),
    ],
)
def test_a_change_that_moves_the_row_changes_only_that_row(client, office_user, visit, prefix, row, field, value):
    client.force_login(office_user)
    url = edit_url(visit)
    model = {"participants": VisitParticipant, "actions": FollowUpAction}[prefix]
    stored = model.objects.get(visit=visit, **{"full_name" if prefix == "participants" else "description": row})
    form = RenderedForm.get(client, url)
    index = form.row_index(prefix, stored.pk)
    form[f"{prefix}-{index}-{field}"] = value
    before = database_state()

    save(client, form)

    changes = changes_between(before, database_state())
    assert [(change.table, change.pk, change.kind, change.fields) for change in record_changes(changes)] == [
        (model._meta.label, stored.pk, "changed", (field,))
    ], changes
    assert [(change.table, change.kind) for change in history_tables(changes)] == [
        (f"cooperation.Historical{model.__name__}", "added")
    ], changes
    again = RenderedForm.get(client, url)
    assert again[f"{prefix}-{index}-id"] != str(stored.pk)  # it did move
    expected = rows_by_id(form, prefix)
    expected[str(stored.pk)][field] = [value]
    assert rows_by_id(again, prefix) == expected
    others = re.compile(rf"^{prefix}-\d+-")
    assert {n: v for n, v in again.values().items() if not others.match(n)} == {
        n: v for n, v in form.values().items() if not others.match(n)
    }


def test_filling_in_an_empty_row_adds_that_row_only(client, office_user, visit):
    client.force_login(office_user)
    url = edit_url(visit)
    form = RenderedForm.get(client, url)
    empty = int(form["participants-INITIAL_FORMS"])  # the first empty row
    assert form[f"participants-{empty}-id"] == ""
    form[f"participants-{empty}-side"] = VisitParticipant.Side.PARTNER
    form[f"participants-{empty}-full_name"] = "Mehmet Kaya"
    before = database_state()

    save(client, form)

    changes = changes_between(before, database_state())
    [added] = record_changes(changes)
    assert (added.table, added.kind) == ("cooperation.VisitParticipant", "added"), changes
    assert [(change.table, change.kind) for change in history_tables(changes)] == [
        ("cooperation.HistoricalVisitParticipant", "added")
    ]
    assert VisitParticipant.objects.get(pk=added.pk).full_name == "Mehmet Kaya"


def test_the_empty_rows_defaults_add_nothing(client, office_user, visit):
    """An empty row shows a default (a participant's role, a select's first option); sent as
    rendered, it is no row."""
    client.force_login(office_user)
    form = RenderedForm.get(client, edit_url(visit))
    empty = int(form["participants-INITIAL_FORMS"])
    assert form[f"participants-{empty}-role"] == VisitParticipant.Role.MEMBER
    before = database_state()

    save(client, form)

    assert changes_between(before, database_state()) == []


@pytest.mark.parametrize(
    ("prefix", "model"),
    [
        ("participants", VisitParticipant),
        ("outcomes", Outcome),
        ("actions", FollowUpAction),
        ("gifts", Gift),
    ],
)
def test_ticking_one_remove_box_removes_that_row_only(client, office_user, visit, prefix, model):
    client.force_login(office_user)
    url = edit_url(visit)
    form = RenderedForm.get(client, url)
    stored = int(form[f"{prefix}-INITIAL_FORMS"])
    index = stored - 1  # the last stored row
    pk = int(form[f"{prefix}-{index}-id"])
    form.check(f"{prefix}-{index}-DELETE")
    before = database_state()

    save(client, form)

    changes = changes_between(before, database_state())
    assert [(change.table, change.pk, change.kind) for change in record_changes(changes)] == [
        (model._meta.label, pk, "removed")
    ], changes
    assert [(change.table, change.kind) for change in history_tables(changes)] == [
        (f"cooperation.Historical{model.__name__}", "added")
    ], changes
    # The other rows render as before.
    again = RenderedForm.get(client, url)
    assert again[f"{prefix}-INITIAL_FORMS"] == str(stored - 1)
    kept = {form[f"{prefix}-{i}-id"] for i in range(stored)} - {str(pk)}
    assert {again[f"{prefix}-{i}-id"] for i in range(stored - 1)} == kept


def test_an_emptied_stored_row_is_not_removed_without_its_remove_box(client, office_user, visit):
    """Clearing a stored row's fields is an error to correct, not a silent deletion."""
    client.force_login(office_user)
    form = RenderedForm.get(client, edit_url(visit))
    gift = visit.gifts.get(direction=Gift.Direction.RECEIVED)
    index = form.row_index("gifts", gift.pk)
    form[f"gifts-{index}-description"] = ""
    form[f"gifts-{index}-counterpart"] = ""
    before = database_state()

    response = form.submit(client)

    assert response.status_code == 200
    assert changes_between(before, database_state()) == []


def test_any_single_change_changes_one_thing(client, office_user, visit):
    client.force_login(office_user)
    # A change may move its row (participants are listed by side and role, actions by due date):
    # the property knows stored rows by their id, not their place.
    check_any_single_change(client, edit_url(visit))


def test_any_single_change_on_a_bare_visit_changes_one_thing(client, office_user, university):
    """A visit with only its required fields: every empty text, select and box on the page."""
    visit = VisitFactory(host_unit=university, title="Meeting with the consul")
    client.force_login(office_user)

    check_any_single_change(client, edit_url(visit))
