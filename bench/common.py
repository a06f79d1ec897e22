"""What the benchmarks share: a throwaway PostgreSQL database, Django set up on it, and a
description of the machine the figures come from.

BENCH_DATABASE_SERVER (default postgres://postgres@127.0.0.1:5432) is the server; the database
is named coop_bench_<random> and dropped at the end.
"""

import contextlib
import os
import platform
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def new_database_name() -> str:
    return f"coop_bench_{uuid.uuid4().hex[:8]}"


def database_url(name: str) -> str:
    return f"{SERVER}/{name}"


def _admin_execute(sql: str) -> None:
    import psycopg2

    admin = psycopg2.connect(f"{SERVER}/postgres")
    admin.autocommit = True
    try:
        admin.cursor().execute(sql)
    finally:
        admin.close()


def create_database(name: str) -> None:
    _admin_execute(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def throwaway_database(name: str | None = None):
    """Creates the database, yields its name, and drops it whatever happens."""
    name = name or new_database_name()
    create_database(name)
    try:
        yield name
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        drop_database(name)


def setup_django(database: str, settings: str = "cooperation.settings") -> None:
    os.environ["DATABASE_URL"] = database_url(database)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def machine() -> dict[str, str]:
    """nproc, memory, PostgreSQL version (needs Django set up) and the load average now."""
    memory = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    postgres = ""
    with contextlib.suppress(Exception):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0].split()[0]
    python = platform.python_version()
    cpus = str(os.cpu_count())
    with contextlib.suppress(Exception):
        cpus = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    return {"nproc": cpus, "memory": memory, "postgres": postgres, "python": python, "load": load_average()}


def replace_section(path: Path, marker: str, text: str) -> None:
    """Replaces what is between <!-- marker:start --> and <!-- marker:end --> in a markdown file,
    or appends the section with its markers; nothing else in the file changes."""
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    block = f"{start}\n{text.rstrip()}\n{end}"
    content = path.read_text() if path.exists() else ""
    if start in content and end in content:
        before, rest = content.split(start, 1)
        _old, after = rest.split(end, 1)
        content = before + block + after
    else:
        content = content.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(content)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def add_data_arguments(parser) -> None:
    """The sizes of the seeded data (seed_bulk's, as `make bench` passes them) and --database."""
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--agreements", type=int, default=50_000)
    parser.add_argument("--visits", type=int, default=20_000)
    parser.add_argument("--participants", type=int, default=200_000)
    parser.add_argument(
        "--database",
        default="",
        help="an existing database that seed_bulk filled, used as it is and kept: to try a change without "
        "seeding again (--write wants a fresh database)",
    )


def migrate_and_seed(arguments, *, seed: bool) -> float:
    """Migrate the database and, unless it was kept (--database), fill it with seed_bulk at the
    sizes given; the seconds seeding took."""
    import io
    import time

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if seed:
        call_command(
            "seed_bulk",
            partners=arguments.partners,
            agreements=arguments.agreements,
            visits=arguments.visits,
            participants=arguments.participants,
            stdout=io.StringIO(),
        )
    return time.perf_counter() - started
