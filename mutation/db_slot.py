"""A pytest plugin for mutation runs: each test process that runs at the same time gets a test
database of its own, made once before the run (scripts/mutation.py) and used as it is.

mutmut runs every mutant's tests in a process forked from its own, two at a time here. They
cannot share one test database: the transactional tests empty every table when they end, under
the feet of the other process. Creating, or even checking, the migrations for every mutant would
cost seconds each. So a process takes the first free slot (an exclusive lock on a file; the
kernel frees it when the process ends, however it ends) and runs its tests in that slot's
database, as pytest-django runs tests in an existing database: django_db_setup only names it.
"""

import fcntl
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
    def django_db_setup(self):
        from django.conf import settings
        from django.db import connections

        slot = _take_slot(int(os.environ.get("MUTATION_DB_SLOTS", "3")))
        database = settings.DATABASES["default"]
        # The workers are forked from a process whose settings name its own slot's database.
        base = os.environ["MUTATION_DB_NAME"]
        database["NAME"] = database.setdefault("TEST", {})["NAME"] = slot_database(base, slot)
        connections.close_all()


def pytest_configure(config):
    # Registered now, after pytest-django, so that this django_db_setup is the one used.
    config.pluginmanager.register(ExistingDatabase(), "mutation-existing-database")


def _rank(nodeid: str, listed: list[str]) -> int:
    path = nodeid.split("::")[0]
    for rank, entry in enumerate(listed):
        entry = entry.split("::")[0]
        if path == entry or path.startswith(entry.rstrip("/") + "/"):
            return rank
    return len(listed)


def pytest_collection_modifyitems(items):
    """The tests in the order mutation/<name>.toml lists their files. mutmut hands a mutant's
    tests to pytest as a set, in no order, and stops at the first failure: with the quick files
    of a module's rules listed first, a mutant they kill is killed before the pages' round trips
    (seconds each) run."""
    listed = [entry for entry in os.environ.get("MUTATION_TEST_ORDER", "").split("\n") if entry]
    if listed:
        items.sort(key=lambda item: _rank(item.nodeid, listed))


def pytest_unconfigure(config):
    # The stats run happens in mutmut's own process, which later forks the workers: the slot it
    # held must be free for them.
    while _held:
        _held.pop().close()
