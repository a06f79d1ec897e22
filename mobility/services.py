"""Writes to mobility records that carry a rule: a participant's way through the pipeline."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cooperation.lib.history import save_with_history
from mobility.models import Participant


def _status_label(status: str) -> str:
    return str(Participant.Status(status).label) if status in Participant.Status.values else status


def participant_change_status(*, participant: Participant, status: str, user: AbstractBaseUser | None) -> Participant:
    """Move a participant one step along the pipeline, or withdraw them (Participant.allowed_statuses)."""
    with transaction.atomic():
        # The stored status, locked: two coordinators clicking at once cannot skip a step.
        current = Participant.objects.select_for_update().values_list("status", flat=True).get(pk=participant.pk)
        previous = participant.status
        participant.status = current
        allowed = participant.allowed_statuses()
        if status not in allowed:
            participant.status = previous
            if allowed:
                raise ValidationError(
                    _("A participant who is “%(current)s” can only become: %(allowed)s."),
                    code="transition_not_allowed",
                    params={"current": _status_label(current), "allowed": ", ".join(map(_status_label, allowed))},
                )
            raise ValidationError(
                _("A participant who is “%(current)s” cannot change status any more."),
                code="final_status",
                params={"current": _status_label(current)},
            )
        participant.status = status
        try:
            participant.full_clean()
        except ValidationError:
            participant.status = previous
            raise
        save_with_history(participant, user=user, reason=f"Status: {current} → {status}")
    return participant
