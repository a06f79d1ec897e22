"""A pytest plugin for mutation runs: each test process that runs at the same time gets a test
database of its own, made once before the run (scripts/mutation.py) and used as it is.

mutmut runs every mutant's tests in a process forked from its own, two at a time here. They
cannot share one test database: the transactional tests empty every table when they end, under
the feet of the other process. Creating, or even checking, the migrations for every mutant would
cost seconds each. So a process takes the first free slot (an exclusive lock on a file; the
kernel frees it when the process ends, however it ends) and runs its tests in that slot's
database, as pytest-django runs tests in an existing database: django_db_setup only names it.

The slot's database is copied afresh from a migrated template when the process takes it (a
PostgreSQL `CREATE DATABASE ... TEMPLATE`, a file copy): a transactional test empties every table
when it ends (the rows the migrations wrote too: the roles' groups, the reminder policy), and one
killed by a timeout leaves its rows behind, so a kept database would hand the next mutant's tests
whatever the last one left.

The URL configuration imports every view, form and template tag; imported once in mutmut's fork
server (its warm-up collects the tests with this plugin), every forked run has it. Only
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


def template_database(name: str) -> str:
    """The migrated database every slot is copied from (scripts/mutation.py migrates it)."""
    return f"test_{name}_template"


def _copy_template(database: dict, name: str, template: str) -> None:
    import psycopg2

    server = psycopg2.connect(
        dbname="postgres",
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
    )
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        server.close()


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
    def django_db_setup(self):
        from django.conf import settings
        from django.db import connections

        slot = _take_slot(int(os.environ.get("MUTATION_DB_SLOTS", "3")))
        database = settings.DATABASES["default"]
        # The workers are forked from a process whose settings name its own slot's database.
        base = os.environ["MUTATION_DB_NAME"]
        name = slot_database(base, slot)
        connections.close_all()
        _copy_template(database, name, template_database(base))
        database["NAME"] = database.setdefault("TEST", {})["NAME"] = name


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
