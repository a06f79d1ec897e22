"""A participant's way through the pipeline, one step at a time, with the audit."""

import pytest
from django.core.exceptions import ValidationError

from cooperation.tests.factories import ParticipantFactory
from mobility.models import Participant
from mobility.services import participant_change_status

Status = Participant.Status


def stored_status(participant) -> str:
    return Participant.objects.values_list("status", flat=True).get(pk=participant.pk)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.NOMINATED, Status.APPLIED),
        (Status.APPLIED, Status.ACCEPTED),
        (Status.ACCEPTED, Status.ABROAD),
        (Status.ABROAD, Status.RETURNED),
        (Status.RETURNED, Status.COMPLETED),
        (Status.NOMINATED, Status.WITHDRAWN),
        (Status.ABROAD, Status.WITHDRAWN),
    ],
)
def test_it_moves_a_participant_one_step(db, office_user, start, target):
    participant = ParticipantFactory(status=start)
    returned = participant_change_status(participant=participant, status=target, user=office_user)
    assert returned is participant
    assert stored_status(participant) == target


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.NOMINATED, Status.ACCEPTED),
        (Status.APPLIED, Status.NOMINATED),
        (Status.ABROAD, Status.COMPLETED),
        (Status.NOMINATED, Status.NOMINATED),
        (Status.NOMINATED, "expelled"),
    ],
)
def test_it_refuses_to_skip_a_step_or_go_back(db, office_user, start, target):
    participant = ParticipantFactory(status=start)
    with pytest.raises(ValidationError, match="can only become"):
        participant_change_status(participant=participant, status=target, user=office_user)
    assert stored_status(participant) == start
    assert participant.status == start


@pytest.mark.parametrize("final", [Status.COMPLETED, Status.WITHDRAWN])
def test_a_completed_or_withdrawn_participant_stays_so(db, office_user, final):
    participant = ParticipantFactory(status=final)
    with pytest.raises(ValidationError, match="cannot change status any more"):
        participant_change_status(participant=participant, status=Status.NOMINATED, user=office_user)
    assert stored_status(participant) == final


def test_it_decides_on_the_stored_status_not_a_stale_copy(db, office_user):
    participant = ParticipantFactory(status=Status.NOMINATED)
    Participant.objects.filter(pk=participant.pk).update(status=Status.APPLIED)
    # The copy still says "nominated"; a second click on "applied" must not pass.
    with pytest.raises(ValidationError):
        participant_change_status(participant=participant, status=Status.APPLIED, user=office_user)
    participant_change_status(participant=participant, status=Status.ACCEPTED, user=office_user)
    assert stored_status(participant) == Status.ACCEPTED


def test_a_status_change_is_recorded_with_who_made_it(db, coordinator):
    participant = ParticipantFactory(status=Status.NOMINATED)
    participant_change_status(participant=participant, status=Status.APPLIED, user=coordinator)
    record = participant.history.first()
    assert (record.history_user, record.status) == (coordinator, Status.APPLIED)
    assert record.history_change_reason == "Status: nominated → applied"
