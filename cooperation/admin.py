"""The cooperation app's admin: each package registers its own models in its admin module, and
Django's autodiscovery, which looks only here, finds them through these imports."""

# Visits, their participants, outcomes, follow-up actions and gifts.
# The API and calendar feed tokens.
from cooperation.api import admin as api_admin  # noqa: F401
from cooperation.calendar import admin as calendar_admin  # noqa: F401

# The record of imports.
from cooperation.importing import admin as importing_admin  # noqa: F401

# The audit history, searchable by user, kind of record and date.
from cooperation.portal import admin as audit_admin  # noqa: F401

# The reminder log, notifications, the reminder policy and the sweeps.
from cooperation.reminders import admin as reminders_admin  # noqa: F401
from cooperation.visits import admin as visits_admin  # noqa: F401
