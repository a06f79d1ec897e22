"""Benchmark (not a test): `manage.py send_reminders` sending a morning's reminders through a
real SMTP server.

    .venv/bin/python bench/sending.py [--partners 10000] [--agreements 50000] [--visits 20000]
                                      [--participants 200000] [--write] [--database NAME]

Creates a throwaway PostgreSQL database (bench/common.py), migrates it and fills it with
`manage.py seed_bulk`, starts an SMTP server in a process of its own (bench/smtp_sink.py,
aiosmtpd on loopback), then times `send_reminders` in this process: the sweep records what is
due and every reminder is sent, in batches of REMINDER_SEND_BATCH over one SMTP connection
each, --jobs processes side by side. It reports the wall and CPU time, the SQL queries, and checks with the server that every
e-mail arrived exactly once. With --write the figures replace the "sending" section of
docs/PERFORMANCE.md (between its markers). The database is dropped at the end.
"""

import argparse
import contextlib
import datetime
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    add_data_arguments,
    free_port,
    load_average,
    machine,
    migrate_and_seed,
    replace_section,
    setup_django,
    throwaway_database,
)

PERFORMANCE_MD = ROOT / "docs" / "PERFORMANCE.md"
SECTION = "bench-sending"
SITE_HOST = "cooperation.university.example"


def process_cpu_seconds(pid: int) -> float:
    """User and system CPU time of another process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def smtp_sink(log_path: Path, started: list | None = None):
    """Starts the SMTP server and yields its port; its process goes into `started`."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "smtp_sink.py"), "--port", str(port), "--log", str(log_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("the SMTP server did not start")
        if started is not None:
            started.append(process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def received(log_path: Path) -> Counter:
    return Counter(line.split("\t", 1)[0] for line in log_path.read_text().splitlines() if line)


def wait_until_settled(log_path: Path, expected: int, timeout: float = 10) -> Counter:
    """What the server logged, once it has logged at least `expected` messages (it logs each as
    it accepts it, so they are there already; this only waits for the file's last lines)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = received(log_path)
        if sum(counts.values()) >= expected:
            return counts
        time.sleep(0.1)
    return received(log_path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arguments(parser)
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="send_reminders --jobs (default: the machine's cores)"
    )
    parser.add_argument("--write", action="store_true", help="write the figures to docs/PERFORMANCE.md")
    arguments = parser.parse_args()
    if arguments.database and arguments.write:
        parser.error("--write measures a freshly seeded database: leave out --database")

    load_before = load_average()
    kept = contextlib.nullcontext(arguments.database) if arguments.database else None
    with tempfile.TemporaryDirectory() as scratch, kept or throwaway_database() as database:
        log_path = Path(scratch) / "received.txt"
        log_path.touch()
        sink = []
        with smtp_sink(log_path, sink) as port:
            os.environ.update(
                EMAIL_URL=f"smtp://127.0.0.1:{port}",
                SITE_URL=f"https://{SITE_HOST}",
                DEBUG="false",
                HTTPS="false",
                SECRET_KEY="bench-sending-" + "x" * 40,
            )
            setup_django(database)
            from django.conf import settings
            from django.core.management import call_command
            from django.db import connection

            from cooperation.reminders.models import Notification, Reminder, SweepRun

            seed_seconds = migrate_and_seed(arguments, seed=not kept)
            # A kept database (--database) sends the morning's reminders all over again.
            Notification.objects.all().delete()
            Reminder.objects.all().delete()
            SweepRun.objects.all().delete()
            connection.close()

            queries = 0

            def count(execute, *args):
                nonlocal queries
                queries += 1
                return execute(*args)

            def cpu_seconds() -> float:  # this process and the --jobs processes it waited for
                return sum(
                    usage.ru_utime + usage.ru_stime
                    for usage in (
                        resource.getrusage(resource.RUSAGE_SELF),
                        resource.getrusage(resource.RUSAGE_CHILDREN),
                    )
                )

            with connection.execute_wrapper(count):
                sink_started = process_cpu_seconds(sink[0].pid)
                cpu_started, wall_started = cpu_seconds(), time.perf_counter()
                call_command("send_reminders", jobs=arguments.jobs, stdout=io.StringIO())
                wall, cpu = time.perf_counter() - wall_started, cpu_seconds() - cpu_started
            sweep = SweepRun.objects.get()
            sweep_seconds = (sweep.finished_at - sweep.started_at).total_seconds()
            states = Counter(Reminder.objects.values_list("state", flat=True))
            emailed = set(Reminder.objects.filter(state="sent").exclude(email="").values_list("id", flat=True))
            counts = wait_until_settled(log_path, len(emailed))
            sink_cpu = process_cpu_seconds(sink[0].pid) - sink_started
            expected = {f"<reminder-{pk}@{SITE_HOST}>" for pk in emailed}
            twice = sum(1 for count in counts.values() if count > 1)
            exactly_once = set(counts) == expected and twice == 0
            batch = settings.REMINDER_SEND_BATCH
            facts = machine()

    sent = states["sent"]
    lines = [
        "## Sending reminders (`bench/sending.py`)",
        "",
        "Written by `make bench` (`bench/sending.py --write`); everything between the markers is replaced.",
        "",
        f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {facts['nproc']} cores, {facts['memory']}, "
        f"PostgreSQL {facts['postgres']}, Python {facts['python']}; load average {load_before} before and "
        f"{facts['load']} after (1, 5, 15 min), the machine shared with other work.",
        "",
        f"Data (`seed_bulk`, {seed_seconds:.0f} s): {arguments.partners:,} partners, {arguments.agreements:,} "
        f"agreements, {arguments.visits:,} visits, {arguments.participants:,} mobility participants. "
        f"`manage.py send_reminders --jobs {arguments.jobs}` from the benchmark's process (DEBUG off), the SMTP "
        "server (aiosmtpd, `bench/smtp_sink.py`) in a process of its own on loopback; the sweep records the "
        f"morning's reminders, which go out in batches of {batch} (`REMINDER_SEND_BATCH`), one SMTP "
        f"connection each, {arguments.jobs} processes side by side.",
        "",
        "| what | figure |",
        "|---|---|",
        f"| reminders sent | {sent:,} ({len(emailed):,} e-mails; {states['skipped']:,} skipped, "
        f"{states['failed']:,} failed) |",
        f"| `send_reminders`, wall time | **{wall:.1f} s** ({wall / max(sent, 1) * 1000:.2f} ms a reminder) |",
        f"| of which the sweep | {sweep_seconds:.1f} s |",
        f"| CPU time of the sending processes | {cpu:.1f} s ({cpu / max(sent, 1) * 1000:.2f} ms a reminder) |",
        f"| CPU time of the SMTP server | {sink_cpu:.1f} s ({sink_cpu / max(len(emailed), 1) * 1000:.2f} ms an e-mail) |",
        f"| SQL queries (of the first process) | {queries:,} |",
        f"| e-mails the server received | {sum(counts.values()):,}, "
        f"{'each exactly once' if exactly_once else f'NOT exactly once ({twice} twice)'} |",
    ]
    text = "\n".join(lines)
    print(text)
    if arguments.write:
        replace_section(PERFORMANCE_MD, SECTION, text)
    return 0 if exactly_once and not states["failed"] else 1


if __name__ == "__main__":
    sys.exit(main())
