"""Which programs and participants are due for a reminder, and on what date.

A program reminds its coordinator about its application and nomination deadlines; a
participant who is still in the pipeline reminds about the documents they owe. A withdrawn or
completed participant owes nothing.
"""

from collections.abc import Iterator, Mapping

from django.db.models import Q

from agreements.reminders import DateWindow, Due
from mobility.models import Participant, Program

APPLICATION = "program_application"
NOMINATION = "program_nomination"
DOCUMENTS = "participant_documents"

PARTICIPANTS_DONE = (Participant.Status.WITHDRAWN, Participant.Status.COMPLETED)


def program_due(program: Program, *, kind: str) -> Due | None:
    """The application or nomination deadline of a program, or None when it has none."""
    due_on = program.application_deadline if kind == APPLICATION else program.nomination_deadline
    if due_on is None:
        return None
    return Due(kind, program.pk, due_on, program.unit_id, program.coordinator_id)


def participant_due(participant: Participant) -> Due | None:
    """The day a participant's documents are due, while they still owe them."""
    if participant.status in PARTICIPANTS_DONE or participant.documents_due_on is None:
        return None
    program = participant.program
    # The program's unit owns the participant (Participant.unit_path), its coordinator follows up.
    return Due(DOCUMENTS, participant.pk, participant.documents_due_on, program.unit_id, program.coordinator_id)


def mobility_due(*, windows: Mapping[str, DateWindow]) -> Iterator[Due]:
    """Programs and participants whose due date falls in the window of its kind (two queries)."""
    deadline_kinds = [kind for kind in (APPLICATION, NOMINATION) if kind in windows]
    if deadline_kinds:
        field = {APPLICATION: "application_deadline", NOMINATION: "nomination_deadline"}
        in_window = Q()
        for kind in deadline_kinds:
            in_window |= Q(**{f"{field[kind]}__range": windows[kind]})
        programs = Program.objects.filter(in_window).only(
            "id", "unit_id", "coordinator_id", "application_deadline", "nomination_deadline"
        )
        for program in programs.iterator(chunk_size=5000):
            for kind in deadline_kinds:
                due = program_due(program, kind=kind)
                if due is not None and windows[kind][0] <= due.due_on <= windows[kind][1]:
                    yield due
    if DOCUMENTS in windows:
        participants = (
            Participant.objects.filter(documents_due_on__range=windows[DOCUMENTS])
            .exclude(status__in=PARTICIPANTS_DONE)
            .select_related("program")
            .only("id", "status", "documents_due_on", "program__id", "program__unit_id", "program__coordinator_id")
        )
        for participant in participants.iterator(chunk_size=5000):
            due = participant_due(participant)
            if due is not None:
                yield due
