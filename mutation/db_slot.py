"""A pytest plugin for mutation runs: each test process that runs at the same time gets a test
database of its own, made once before the run (scripts/mutation.py) and used as it is.

mutmut runs every mutant's tests in a process forked from its own, two at a time here. They
cannot share one test database: the transactional tests empty every table when they end, under
the feet of the other process. Creating, or even checking, the migrations for every mutant would
cost seconds each. So a process takes the first free slot (an exclusive lock on a file; the
kernel frees it when the process ends, however it ends) and runs its tests in that slot's
database, as pytest-django runs tests in an existing database: django_db_setup only names it.

Two costs every mutant's run would otherwise pay again (the slot's database and mutmut's fork
server outlive one run, a forked run's imports do not flow back):
- A transactional test empties every table when it ends, the roles' groups too (made by a data
  migration), and make_user() then rebuilds them in every later test of that slot, rolled back
  each time. A run that finds them missing rebuilds them once, for good.
- The URL configuration imports every view, form and template tag; imported once in the fork
  server (mutmut's warm-up collects the tests with this plugin), every forked run has it. Only
  module-level code runs there, before a mutant is switched on: the mutated functions run later.
And a killed mutant's run ends at its first failing test: the quickest tests run first.
"""

import fcntl
import json
import os
from pathlib import Path

import pytest

_held = []


def slot_database(name: str, slot: int) -> str:
    """The database of a slot, from the name in DATABASE_URL (scripts/mutation.py makes them)."""
    return f"test_{name}_slot{slot}"


def _take_slot(slots: int) -> int:
    lock_dir = Path(os.environ.get("MUTATION_LOCK_DIR", "."))
    for slot in range(slots):
        handle = open(lock_dir / f"db-slot-{slot}.lock", "w")  # held open until the process ends
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        _held.append(handle)
        return slot
    raise RuntimeError(f"more than {slots} test processes at once")


class ExistingDatabase:
    @pytest.fixture(scope="session")
    def django_db_setup(self, django_db_blocker):
        from django.apps import apps
        from django.conf import settings
        from django.contrib.auth.models import Group
        from django.db import connections

        from cooperation import roles

        slot = _take_slot(int(os.environ.get("MUTATION_DB_SLOTS", "3")))
        database = settings.DATABASES["default"]
        # The workers are forked from a process whose settings name its own slot's database.
        base = os.environ["MUTATION_DB_NAME"]
        database["NAME"] = database.setdefault("TEST", {})["NAME"] = slot_database(base, slot)
        connections.close_all()
        with django_db_blocker.unblock():
            if Group.objects.filter(name__in=roles.ROLES).count() < len(roles.ROLES):
                roles.sync_role_permissions(apps)


_durations: dict[str, float] = {}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The quickest tests first (by the durations of mutmut's first run, in the work folder),
    so that a killed mutant's run stops early; transactional ones still last, as pytest-django
    orders them (they empty the tables)."""
    if not _durations and Path("mutmut-stats.json").exists():
        _durations.update(json.loads(Path("mutmut-stats.json").read_text()).get("duration_by_test", {}))
    if not _durations:
        return

    def transactional(item) -> bool:
        marker = item.get_closest_marker("django_db")
        if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
            return True
        return bool({"transactional_db", "live_server"} & set(item.fixturenames))

    items.sort(key=lambda item: (transactional(item), _durations.get(item.nodeid, 0.0)))


def pytest_collection_finish(session):
    from importlib import import_module

    from django.conf import settings

    import_module(settings.ROOT_URLCONF)


def pytest_configure(config):
    # Registered now, after pytest-django, so that this django_db_setup is the one used.
    config.pluginmanager.register(ExistingDatabase(), "mutation-existing-database")


def pytest_unconfigure(config):
    # The stats run happens in mutmut's own process, which later forks the workers: the slot it
    # held must be free for them.
    while _held:
        _held.pop().close()
