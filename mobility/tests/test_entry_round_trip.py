"""The program page submitted as a browser submits it: saving it untouched changes nothing,
changing one field of one participant changes only that participant, and a unit since closed or
a coordinator since gone stays on the record (and on an agreement) until someone changes it."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cooperation import roles
from cooperation.tests.browser_form import RenderedForm
from cooperation.tests.db_state import changes_between, database_state, history_tables, record_changes
from cooperation.tests.entry_pages import (
    assert_one_change,
    assert_untouched_save_changes_nothing,
    check_any_single_change,
    save,
)
from cooperation.tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    InstitutionFactory,
    ParticipantFactory,
    ProgramFactory,
    UnitFactory,
    make_user,
)
from mobility.models import Participant, Program


@pytest.fixture
def program(db, faculty):
    xju = InstitutionFactory(name="Xinjiang University", country="CN", city="Urumqi")
    gazi = InstitutionFactory(name="Gazi University", country="TR", city="Ankara")
    agreement = AgreementFactory(title="Double degree agreement with Xinjiang University", responsible_unit=faculty)
    AgreementFactory(title="Memorandum with Gazi University", responsible_unit=faculty)  # offered, not chosen
    program = ProgramFactory(
        title="2+2 double degree in computer engineering",
        kind=Program.Kind.DOUBLE_DEGREE,
        degree_structure="2+2",
        direction=Program.ProgramDirection.BOTH,
        academic_year="2025/2026",
        unit=faculty,
        coordinator=make_user("nurlanov", first_name="Daulet", last_name="Nurlanov"),
        agreement=agreement,
        places=6,
        funding_source="University budget",
        application_deadline=datetime.date(2025, 3, 1),
        nomination_deadline=datetime.date(2025, 4, 15),
        description="Two years here, two years in Urumqi.\r\nTaught in Russian and Chinese.",
    )
    program.partners.set([xju, gazi])
    ParticipantFactory(
        program=program,
        full_name="Aruzhan Sadykova",
        email="a.sadykova@student.university.example",
        direction="outgoing",
        partner_institution=xju,
        level="bachelor",
        status=Participant.Status.ABROAD,
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2027, 6, 30),
        grant_amount=Decimal("1200000.00"),
        grant_currency="KZT",
        notes="Scholarship of the host.\nLives in the campus dormitory.",
    )
    ParticipantFactory(
        program=program,
        full_name="Li Wei",
        email="li.wei@xju.edu.cn",
        direction="incoming",
        partner_institution=xju,
        level="bachelor",
        status=Participant.Status.ACCEPTED,
        starts_on=datetime.date(2025, 9, 1),
        documents_due_on=datetime.date(2025, 7, 1),
    )
    ParticipantFactory(
        program=program,
        full_name="Dr. Mehmet Kaya",
        kind="staff",
        email="",
        direction="incoming",
        partner_institution=gazi,
        level="staff",
        status=Participant.Status.NOMINATED,
    )
    return program


def program_url(program):
    return reverse("mobility:program-edit", args=[program.pk])


def test_the_program_page_renders_what_is_stored(client, office_user, program):
    client.force_login(office_user)
    form = RenderedForm.get(client, program_url(program))

    assert (form["unit"], form["coordinator"], form["agreement"]) == (
        str(program.unit_id),
        str(program.coordinator_id),
        str(program.agreement_id),
    )
    assert sorted(form["partners"]) == sorted(str(pk) for pk in program.partners.values_list("pk", flat=True))
    assert form["participants-INITIAL_FORMS"] == "3"
    for participant in program.participants.all():
        index = form.row_index("participants", participant.pk)
        assert form[f"participants-{index}-email"] == participant.email
        assert form[f"participants-{index}-partner_institution"] == str(participant.partner_institution_id)


def test_an_untouched_save_of_the_program_changes_nothing(client, office_user, program):
    client.force_login(office_user)

    assert_untouched_save_changes_nothing(client, program_url(program))

    # What the page does not show (status, grant, notes) is kept too.
    sadykova = program.participants.get(full_name="Aruzhan Sadykova")
    assert (sadykova.status, sadykova.grant_amount, sadykova.notes) == (
        Participant.Status.ABROAD,
        Decimal("1200000.00"),
        "Scholarship of the host.\nLives in the campus dormitory.",
    )


def test_a_coordinators_untouched_save_of_their_units_program_changes_nothing(client, coordinator, program):
    client.force_login(coordinator)  # offered only their own unit

    assert_untouched_save_changes_nothing(client, program_url(program))


@pytest.mark.parametrize(
    "name, field, value",
    [
        ("Li Wei", "email", "wei.li@xju.edu.cn"),
        ("Dr. Mehmet Kaya", "ends_on", "2026-01-31"),
        # The rows are in name order: the renamed one moves, and is still the same row.
        ("Aruzhan Sadykova", "full_name", "Sadykova Aruzhan"),
    ],
)
def test_changing_one_field_of_one_participant_changes_only_that_participant(
    client, office_user, program, name, field, value
):
    client.force_login(office_user)
    url = program_url(program)
    participant = program.participants.get(full_name=name)
    index = RenderedForm.get(client, url).row_index("participants", participant.pk)

    assert_one_change(
        client,
        url,
        f"participants-{index}-{field}",
        value,
        table="mobility.Participant",
        pk=participant.pk,
        fields={field},
    )


def test_adding_a_partner_adds_only_that_link(client, office_user, program):
    client.force_login(office_user)
    url = program_url(program)
    kaznu = InstitutionFactory(name="Al-Farabi Kazakh National University", country="KZ")
    form = RenderedForm.get(client, url)
    form["partners"] = [*form["partners"], kaznu.pk]  # as the autocomplete adds it
    before = database_state()

    save(client, form)

    changes = changes_between(before, database_state())
    records = record_changes(changes)
    [link] = [change for change in records if change.table == "mobility.Program_partners"]
    assert link.kind == "added"
    assert [(change.table, change.pk, change.fields) for change in records if change is not link] == [
        ("mobility.Program", program.pk, ("updated_at",))
    ]
    assert {change.table for change in history_tables(changes)} == {
        "mobility.HistoricalProgram",
        "mobility.HistoricalProgram_partners",
    }
    assert set(program.partners.values_list("name", flat=True)) == {
        "Xinjiang University",
        "Gazi University",
        "Al-Farabi Kazakh National University",
    }


def test_any_single_change_to_the_program_changes_one_thing(client, office_user, program):
    client.force_login(office_user)
    # The partners and each participant's partner institution are autocompletes (any id goes):
    # adding a partner is tested on its own above.
    check_any_single_change(
        client, program_url(program), leave_out=re.compile(r"^(partners|participants-\d+-partner_institution)$")
    )


# --- a unit since closed, a coordinator since gone ---------------------------------------------


@pytest.fixture
def closed_unit_program(program):
    """The program's unit was closed and its coordinator left after it was entered."""
    program.unit.is_active = False
    program.unit.save()
    program.coordinator.is_active = False
    program.coordinator.save()
    return program


def test_a_closed_unit_and_a_departed_coordinator_stay_on_an_untouched_save(client, office_user, closed_unit_program):
    program = closed_unit_program
    client.force_login(office_user)

    form = assert_untouched_save_changes_nothing(client, program_url(program))

    assert (form["unit"], form["coordinator"]) == (str(program.unit_id), str(program.coordinator_id))
    program.refresh_from_db()
    assert (program.unit.is_active, program.coordinator.is_active) == (False, False)


def test_a_closed_unit_and_a_departed_coordinator_stay_when_another_field_changes(
    client, office_user, closed_unit_program
):
    program = closed_unit_program
    client.force_login(office_user)

    assert_one_change(
        client, program_url(program), "places", "8", table="mobility.Program", pk=program.pk, fields={"places"}
    )

    program.refresh_from_db()
    assert (program.unit.is_active, program.coordinator.is_active, program.places) == (False, False, 8)


def test_a_closed_unit_and_a_departed_coordinator_are_offered_on_no_other_program(
    client, office_user, closed_unit_program
):
    client.force_login(office_user)
    other = ProgramFactory(title="Summer school in Almaty", unit=UnitFactory(name="Faculty of Philology"))

    form = RenderedForm.get(client, program_url(other))

    assert str(closed_unit_program.unit_id) not in form.controls["unit"].options
    assert str(closed_unit_program.coordinator_id) not in form.controls["coordinator"].options


def test_an_agreements_closed_unit_and_departed_person_stay_on_an_untouched_save(client, office_user, faculty):
    closed = UnitFactory(name="Faculty of Oriental Studies", parent=faculty.parent)
    agreement = AgreementFactory(
        responsible_unit=closed,
        responsible_person=make_user("omarova", roles.COORDINATOR, unit=closed),
        notes="Renewed once.\r\nThe original is in the rector's office.",
    )
    AgreementPartyFactory(agreement=agreement, institution=InstitutionFactory(name="Lanzhou University"), order=0)
    AgreementPartyFactory(agreement=agreement, institution=None, unit=closed, order=1)
    closed.is_active = False
    closed.save()
    agreement.responsible_person.is_active = False
    agreement.responsible_person.save()
    client.force_login(office_user)
    url = reverse("agreements:agreement-edit", args=[agreement.pk])

    form = assert_untouched_save_changes_nothing(client, url)

    assert (form["responsible_unit"], form["responsible_person"]) == (
        str(closed.pk),
        str(agreement.responsible_person_id),
    )
    assert form["parties-1-unit"] == str(closed.pk)
    agreement.refresh_from_db()
    assert (agreement.responsible_unit, agreement.parties.count()) == (closed, 2)


# Rows nobody touched are kept, exactly as they were, whatever else the submission changes: the
# program's own fields, another participant, a new row, or a submission refused first and
# corrected on the page it came back on.

FIELDS = ("id", "full_name", "email", "direction", "partner_institution_id", "level", "status", "starts_on", "ends_on")


def rows(program) -> dict[int, tuple]:
    return {values[0]: values for values in Participant.objects.filter(program=program).values_list(*FIELDS)}


@pytest.fixture
def page(client, office_user, program):
    client.force_login(office_user)
    return program_url(program)


def test_changing_the_programs_title_keeps_every_participant_row(client, program, page):
    before = rows(program)
    form = RenderedForm.get(client, page)
    form["title"] = "2+2 double degree in software engineering"

    save(client, form)

    program.refresh_from_db()
    assert program.title == "2+2 double degree in software engineering"
    assert rows(program) == before


def test_changing_one_participant_keeps_the_other_rows_unchanged(client, program, page):
    before = rows(program)
    li_wei = program.participants.get(full_name="Li Wei")
    form = RenderedForm.get(client, page)
    form[f"participants-{form.row_index('participants', li_wei.pk)}-email"] = "wei.li@xju.edu.cn"

    save(client, form)

    after = rows(program)
    assert after.keys() == before.keys()
    assert {pk: row for pk, row in after.items() if pk != li_wei.pk} == {
        pk: row for pk, row in before.items() if pk != li_wei.pk
    }


def test_adding_a_participant_keeps_the_rows_already_there(client, program, page):
    before = rows(program)
    form = RenderedForm.get(client, page)
    index = int(form["participants-TOTAL_FORMS"]) - 1  # the blank rows follow the stored ones
    form[f"participants-{index}-full_name"] = "Dana Omarova"
    form[f"participants-{index}-partner_institution"] = str(program.partners.first().pk)
    form[f"participants-{index}-direction"] = "outgoing"

    save(client, form)

    after = rows(program)
    assert {pk: row for pk, row in after.items() if pk in before} == before
    assert [row[1] for pk, row in after.items() if pk not in before] == ["Dana Omarova"]


def test_rows_of_a_refused_submission_are_kept_when_it_is_corrected_and_saved(client, program, page):
    before = rows(program)
    form = RenderedForm.get(client, page)
    form["title"] = ""

    refused = form.submit(client)

    assert refused.status_code == 200
    assert rows(program) == before
    again = RenderedForm.from_html(refused.content.decode(), page)
    again["title"] = "2+2 double degree, corrected"
    save(client, again)
    assert rows(program) == before
