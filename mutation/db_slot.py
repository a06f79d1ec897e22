"""A pytest plugin for mutation runs: each test process that runs at the same time gets its own
test database, kept between mutants.

mutmut runs every mutant's tests in a process forked from its own, two at a time here. They
cannot share one test database: the transactional tests empty every table when they end, under
the feet of the other process. A fresh database per mutant would cost a migration each time.
So a process takes the first free slot (an exclusive lock on a file; the kernel frees it when
the process ends, however it ends) and uses the test database of that slot, which --reuse-db
keeps for the next process that takes the slot.
"""

import fcntl
import os
from pathlib import Path

SLOTS = 8
_held = []
# The test database names before any slot suffix: the workers are forked from a process whose
# settings already carry its own slot's suffix.
_base_names: dict[str, str] = {}


def _take_slot() -> int:
    lock_dir = Path(os.environ.get("MUTATION_LOCK_DIR", "."))
    for slot in range(SLOTS):
        handle = open(lock_dir / f"db-slot-{slot}.lock", "w")  # held open until the process ends
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        _held.append(handle)
        return slot
    raise RuntimeError(f"more than {SLOTS} test processes at once")


def pytest_unconfigure(config):
    # The stats run happens in mutmut's own process, which later forks the workers: the slot it
    # held must be free for them.
    while _held:
        _held.pop().close()


def pytest_sessionstart(session):
    # Django reads the test database's name when the session's first database test sets it up;
    # pytest-django's own suffix for parallel runs is set the same way, on the settings in place.
    from django.conf import settings

    slot = _take_slot()
    for alias, database in settings.DATABASES.items():
        test = database.setdefault("TEST", {})
        base = _base_names.setdefault(alias, test.get("NAME") or f"test_{database['NAME']}")
        test["NAME"] = f"{base}_slot{slot}"
