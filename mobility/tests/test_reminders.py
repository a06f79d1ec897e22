"""Which programs and participants remind about what: application and nomination deadlines to
the program's coordinator, documents due while the participant is in the pipeline."""

import datetime

import pytest

from cooperation.tests.factories import ParticipantFactory, ProgramFactory, UnitFactory, make_user
from mobility.models import Participant
from mobility.reminders import APPLICATION, DOCUMENTS, NOMINATION, mobility_due, participant_due, program_due

D = datetime.date
WINDOW = (D(2026, 3, 1), D(2026, 3, 31))


@pytest.fixture
def program(db):
    return ProgramFactory(
        unit=UnitFactory(name="Faculty of Engineering"),
        coordinator=make_user("program-coordinator"),
        application_deadline=D(2026, 3, 15),
        nomination_deadline=D(2026, 4, 15),
    )


def test_a_program_reminds_its_coordinator_about_both_deadlines(program):
    application = program_due(program, kind=APPLICATION)
    nomination = program_due(program, kind=NOMINATION)

    assert (application.due_on, application.responsible_id, application.unit_id) == (
        D(2026, 3, 15),
        program.coordinator_id,
        program.unit_id,
    )
    assert nomination.due_on == D(2026, 4, 15)


def test_a_program_without_a_deadline_reminds_about_nothing(program):
    program.nomination_deadline = None

    assert program_due(program, kind=NOMINATION) is None


def test_the_sweep_gets_only_the_deadlines_inside_the_window(program, django_assert_num_queries):
    ProgramFactory(application_deadline=D(2026, 5, 1))

    with django_assert_num_queries(2):
        due = list(mobility_due(windows={APPLICATION: WINDOW, NOMINATION: WINDOW, DOCUMENTS: WINDOW}))

    assert [(d.kind, d.item_id) for d in due] == [(APPLICATION, program.pk)]


def test_a_participant_reminds_about_documents_under_the_programs_unit_and_coordinator(program):
    participant = ParticipantFactory(program=program, documents_due_on=D(2026, 3, 10))

    due = participant_due(participant)

    assert (due.kind, due.item_id, due.due_on) == (DOCUMENTS, participant.pk, D(2026, 3, 10))
    assert (due.unit_id, due.responsible_id) == (program.unit_id, program.coordinator_id)


@pytest.mark.parametrize("status", [Participant.Status.WITHDRAWN, Participant.Status.COMPLETED])
def test_a_participant_who_left_the_pipeline_owes_nothing(program, status):
    ParticipantFactory(program=program, documents_due_on=D(2026, 3, 10), status=status)

    assert list(mobility_due(windows={DOCUMENTS: WINDOW})) == []


def test_documents_due_outside_the_window_are_not_due(program):
    ParticipantFactory(program=program, documents_due_on=D(2026, 4, 10))
    ParticipantFactory(program=program, documents_due_on=None)
    inside = ParticipantFactory(program=program, documents_due_on=D(2026, 3, 31))

    assert [d.item_id for d in mobility_due(windows={DOCUMENTS: WINDOW})] == [inside.pk]
