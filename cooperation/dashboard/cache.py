"""The dashboard's figures, charts, map and lists, kept in the cache until a record changes.

Every entry is stored under the current *data version*, a counter in the cache that any change
to a partner, agreement, visit or mobility record moves on, when it is saved and when its
transaction commits. A
changed record therefore makes every cached dashboard stale at once, with no list of keys to
find and delete; entries of old versions simply expire. The version moves on commit, not on
save too: a dashboard computed between a save and its commit would otherwise be stored as new.

Writes that send no signals (bulk imports, bulk_create) call `records_changed()` themselves.
With the cache down (cooperation/lib/cache.py) every request computes the dashboard afresh.
Every five minutes the worker computes the default dashboard again if it went stale
(`warm_default_dashboards`), so that the first visitor after a change rarely waits for it.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation
from django.utils.translation import get_language

from cooperation.dashboard import selectors

VERSION_KEY = "dashboard:data-version"
ENTRY_SECONDS = 60 * 60  # a day's first request computes it; entries of old versions fall away
WATCHED_APPS = {"partners", "agreements", "mobility", "cooperation"}
# Models of those apps that no figure counts: their changes keep the cache.
UNCOUNTED = {
    "cooperation.reminder",
    "cooperation.notification",
    "cooperation.reminderpolicy",
    "cooperation.sweeprun",
    "cooperation.calendarfeedtoken",
    "cooperation.apitoken",
    "cooperation.importbatch",
    "partners.profile",
    # The dashboard's own kept counts: written with the records that move them.
    "cooperation.tally",
    "cooperation.tallymark",
}


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def _move_version_on() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or the cache was emptied): any new one is new
        cache.set(VERSION_KEY, data_version() + 1, timeout=None)


def records_changed() -> None:
    """Make every cached dashboard stale now, and again once the current transaction commits: a
    dashboard computed in between (from the old rows) is stored under a version already passed."""
    _move_version_on()
    transaction.on_commit(_move_version_on)


def dashboard_key(filters) -> str:
    """The cache key of the dashboard for these filters at the current data version (the page
    caches its rendered fragment under it too)."""
    # The filters and today's date say what is counted; the language, how labels read.
    described = repr(
        (
            filters.academic_year,
            filters.today,
            getattr(filters.unit, "pk", None),
            filters.country,
            filters.region,
            filters.partner_kind,
            get_language(),
        )
    )
    return f"dashboard:{data_version()}:{hashlib.sha256(described.encode()).hexdigest()[:32]}"


def cached_dashboard(filters, compute) -> dict:
    """`compute()`'s result for these filters, from the cache while no counted record changed."""
    return _cached(dashboard_key(filters), compute)[0]


def _cached(key: str, compute) -> tuple[dict, bool]:
    """The entry under key, computed and stored if missing; and whether it was computed."""
    data = cache.get(key)
    if data is not None:
        return data, False
    data = compute()
    cache.set(key, data, ENTRY_SECONDS)
    return data, True


def warm_default_dashboards() -> int:
    """The unfiltered dashboard of the current academic year, in every language, computed into the
    cache if a change has made it stale: what the rector's office opens first, so that its
    first visitor after a change does not wait for its queries (beat runs this every five
    minutes, cooperation.tasks.dashboard_warm). How many were computed."""
    computed = 0
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            filters = selectors.default_filters()
            _data, was_computed = _cached(
                dashboard_key(filters), lambda filters=filters: selectors.dashboard_data(filters=filters)
            )
            computed += was_computed
    return computed


def _is_counted(sender) -> bool:
    meta = sender._meta
    if meta.app_label not in WATCHED_APPS:
        return False
    if meta.model_name.startswith("historical"):
        return False  # every save writes one: the record's own signal already counted
    return meta.label_lower not in UNCOUNTED


def _on_change(sender, **kwargs):
    if _is_counted(sender):
        records_changed()


def _on_m2m_change(sender, instance, action, **kwargs):
    if action.startswith("post_") and _is_counted(type(instance)):
        records_changed()


def connect() -> None:
    post_save.connect(_on_change, dispatch_uid="dashboard-cache-save")
    post_delete.connect(_on_change, dispatch_uid="dashboard-cache-delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="dashboard-cache-m2m")
