"""The cooperation app's models, gathered from the sub-packages that define them so that Django
registers them all under the app label "cooperation" (its tables and migrations are the app's).
Import a model from its own package (`from cooperation.visits.models import Visit`); the names
here keep older imports and the migrations working."""

# ruff: noqa: I001
# Not sorted: this is the order Django registers the models in, the same as before they moved to
# their packages (visits, reminders, tokens, imports); content types and permissions follow it.
from cooperation.visits.models import (
    FollowUpAction,
    FollowUpActionQuerySet,
    Gift,
    Outcome,
    Visit,
    VisitParticipant,
    VisitQuerySet,
)
from cooperation.reminders.models import (
    Notification,
    NotificationQuerySet,
    Reminder,
    ReminderPolicy,
    ReminderQuerySet,
    SweepRun,
    validate_thresholds,
)
from cooperation.api.models import ApiToken, SecretToken, SecretTokenQuerySet
from cooperation.calendar.models import CalendarFeedToken
from cooperation.importing.models import ImportBatch
from cooperation.dashboard.models import Tally, TallyMark

__all__ = [
    "ApiToken",
    "CalendarFeedToken",
    "FollowUpAction",
    "FollowUpActionQuerySet",
    "Gift",
    "ImportBatch",
    "Tally",
    "TallyMark",
    "Notification",
    "NotificationQuerySet",
    "Outcome",
    "Reminder",
    "ReminderPolicy",
    "ReminderQuerySet",
    "SecretToken",
    "SecretTokenQuerySet",
    "SweepRun",
    "Visit",
    "VisitParticipant",
    "VisitQuerySet",
    "validate_thresholds",
]
