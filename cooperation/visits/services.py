"""Writes to visits and their follow-up that carry a rule."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.lib.history import save_with_history
from cooperation.visits.models import FollowUpAction


def action_mark_done(
    *, action: FollowUpAction, user: AbstractBaseUser | None, on: datetime.date | None = None
) -> FollowUpAction:
    """Record that a follow-up action is done (today unless told otherwise).

    Marking it done again changes nothing: the first person and date stay, so a double click
    or a retried request does not rewrite who did it.
    """
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise ValidationError({"done_on": _("An action cannot be done in the future.")}, code="done_in_future")
    with transaction.atomic():
        stored = FollowUpAction.objects.select_for_update().get(pk=action.pk)
        if stored.done_on is None:
            # The stored row is saved, not the caller's instance, so that unsaved edits on it
            # reach neither the database nor the audit history under this reason.
            stored.done_on = on
            stored.done_by = user
            save_with_history(
                stored, user=user, reason=f"Done on {on.isoformat()}", update_fields=["done_on", "done_by"]
            )
        action.done_on, action.done_by_id = stored.done_on, stored.done_by_id
    return action
