"""Benchmark (not a test): the portal's pages under gunicorn with seeded data.

    .venv/bin/python bench/pages.py [--partners 10000] [--agreements 50000] [--visits 20000]
                                    [--participants 200000] [--requests 40] [--write]

Creates a throwaway PostgreSQL database (bench/common.py), migrates it, fills it with
`manage.py seed_bulk`, starts gunicorn (2 sync workers on 127.0.0.1, DEBUG off, REDIS_URL set,
bench/settings.py), and times each page with 4 concurrent clients on loopback, each logged in
with its own session cookie: the median and 95th percentile of --requests requests per page,
and the SQL queries of one request (the X-Bench-Queries header of the bench settings). Beside
each list page, in the same run, the Django admin changelist of the same records and the floor
(a logged-in page with one query). Then the reminder sweep over the same data, in-process.
The gunicorn workers' RSS is sampled through the run. With --write, the table replaces the
"pages" section of docs/PERFORMANCE.md (between its markers). The database is dropped at the end.
"""

import argparse
import contextlib
import datetime
import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, database_url, load_average, machine, replace_section, setup_django, throwaway_database  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
PERFORMANCE_MD = ROOT / "docs" / "PERFORMANCE.md"
SECTION = "bench-pages"


@dataclass
class Page:
    group: str
    label: str
    url: str
    requests: int
    headers: dict = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    queries: str = ""
    status: set = field(default_factory=set)
    size: int = 0
    load: str = ""
    cpu_ms: float = float("nan")
    clients: int = 0  # 0: all the run's clients at once

    @property
    def median(self) -> float:
        return statistics.median(self.times) * 1000 if self.times else float("nan")

    @property
    def p95(self) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))] * 1000


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url(database),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "REDIS_URL": REDIS_URL,
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(40),
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    }


def start_gunicorn(environment: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "cooperation.wsgi:application",
        "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}",
        "--timeout", "300",
        "--log-level", "warning",
        "--chdir", str(ROOT),
    ]  # fmt: skip
    server = subprocess.Popen(command, env={**os.environ, **environment}, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("gunicorn exited") from None
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def worker_pids(master: int) -> list[int]:
    try:
        text = Path(f"/proc/{master}/task/{master}/children").read_text()
    except OSError:
        return []
    return [int(pid) for pid in text.split()]


def rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class RssSampler(threading.Thread):
    """The workers' resident memory every half second: the highest seen and the last."""

    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master = master
        self.highest: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            for pid in worker_pids(self.master):
                value = rss_mib(pid)
                if value is not None:
                    self.last[pid] = value
                    self.highest[pid] = max(self.highest.get(pid, 0), value)
            self.stopping.wait(0.5)

    def stop(self):
        self.stopping.set()
        self.join()


# --- the load client ------------------------------------------------------------------------


def fetch(port: int, url: str, cookie: str, headers: dict) -> tuple[float, int, int, str]:
    """One request on a new connection (gunicorn's sync workers close it after each answer)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        connection.request("GET", url, headers={"Cookie": f"sessionid={cookie}", "Accept-Language": "en", **headers})
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        return elapsed, response.status, len(body), response.getheader("X-Bench-Queries", "")
    finally:
        connection.close()


def measure(page: Page, port: int, cookies: list[str]) -> None:
    """Each client warms up once, then makes its share of page.requests requests, all at once."""
    cookies = cookies[: page.clients] if page.clients else cookies
    clients = len(cookies)
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(number: int):
        cookie = cookies[number]
        _elapsed, status, size, queries = fetch(port, page.url, cookie, page.headers)
        with lock:
            page.status.add(status)
            page.size, page.queries = size, queries
        barrier.wait()
        for _ in range(page.requests // clients + (1 if number < page.requests % clients else 0)):
            elapsed, status, _size, _queries = fetch(port, page.url, cookie, page.headers)
            with lock:
                page.times.append(elapsed)
                page.status.add(status)

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    page.load = f"{os.getloadavg()[0]:.2f}"


# --- the data and the pages -----------------------------------------------------------------


def bench_users(clients: int) -> list[str]:
    """An International office user with admin access, and a session cookie per client."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from cooperation import roles
    from partners.models import Profile

    user = get_user_model().objects.filter(username="bench-office").first()
    if user is None:  # a database kept from an earlier run (--database) has it already
        user = get_user_model().objects.create_user("bench-office", "bench@university.example", is_staff=True)
        user.groups.add(Group.objects.get(name=roles.OFFICE))
        Profile.objects.create(user=user, language="en")
    cookies = []
    for _ in range(clients):
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    return cookies


def pages(requests: int) -> list[Page]:
    from django.db.models import Count
    from django.urls import reverse

    from agreements.models import Agreement
    from cooperation.lib.academic_years import academic_year_of
    from cooperation.visits.models import Visit
    from mobility.models import Program
    from partners.models import Institution

    today = datetime.date.today()
    busiest = Institution.objects.annotate(n=Count("agreement_parties")).order_by("-n", "pk").first()
    variant = busiest.names.filter(language="ru").first() or busiest.names.first()
    words = " ".join((variant.name if variant else busiest.name).split()[:2])
    term = busiest.city or busiest.name.split()[0]
    agreement = (
        Agreement.objects.annotate(n=Count("parties", distinct=True) + Count("quotas", distinct=True))
        .order_by("-n")
        .first()
    )
    visit = Visit.objects.annotate(n=Count("participants")).order_by("-n", "pk").first()
    program = Program.objects.annotate(n=Count("participants")).order_by("-n", "pk").first()
    # The export: the agreement kind whose list is nearest to 5,000 rows.
    kinds = Agreement.objects.values_list("kind").annotate(n=Count("pk"))
    export_kind, export_rows = min(kinds, key=lambda pair: abs(pair[1] - 5000))

    def q(**params) -> str:
        return "?" + urlencode(params)

    floor = "/bench/floor/"
    made: list[Page] = []

    def group(name, first, filtered, search, admin, admin_search):
        made.extend(
            [
                Page(name, "first page", first, requests),
                Page(name, "filtered", first + filtered, requests),
                Page(name, f"search {search!r}", first + q(q=search), requests),
                Page(name, "admin changelist", admin, requests),
                Page(name, "admin search", admin + q(q=admin_search), requests),
                Page(name, "floor", floor, requests),
            ]
        )

    group("partners", reverse("partners:institution-list"), q(country="KZ", kind="university"), term,
          "/admin/partners/institution/", term)  # fmt: skip
    # The partner search as people type: two words of a name in the other order, and a misspelling
    # that finds nothing, so the page looks for the closest partners ("Did you mean").
    reordered = " ".join(reversed(busiest.name.split()[:2]))
    misspelt = f"{term[:2]}{term[2:3] * 2}{term[3:]}"
    made += [
        Page("partners", f"search {reordered!r}", reverse("partners:institution-list") + q(q=reordered), requests),
        Page("partners", f"search {misspelt!r} (did you mean)", reverse("partners:institution-list") + q(q=misspelt),
             requests),
    ]  # fmt: skip
    group("agreements", reverse("agreements:agreement-list"), q(state="expiring"), term,
          "/admin/agreements/agreement/", term)  # fmt: skip
    group("visits", reverse("cooperation:visit-list"), q(period="upcoming"), term, "/admin/cooperation/visit/", term)
    group("programs", reverse("mobility:program-list"), q(academic_year=academic_year_of(today), kind="exchange"),
          term, "/admin/mobility/program/", term)  # fmt: skip
    made += [
        Page("detail", f"partner ({busiest.n} agreements)", busiest.get_absolute_url(), requests),
        Page("detail", f"agreement ({agreement.n} parties and quotas)", agreement.get_absolute_url(), requests),
        Page("detail", f"visit ({visit.n} participants)", visit.get_absolute_url(), requests),
        Page("detail", f"program ({program.n} participants)", program.get_absolute_url(), requests),
        Page("dashboard", "dashboard", reverse("dashboard"), requests),
        Page("dashboard", "dashboard, uncached", reverse("dashboard"), requests, {"X-Bench-No-Cache": "1"}),
        # What the first visitor after a change sees: alone, as the others then get the cached page.
        Page(
            "dashboard",
            "dashboard, uncached, 1 client",
            reverse("dashboard"),
            max(4, requests // 4),
            {"X-Bench-No-Cache": "1"},
            clients=1,
        ),
        Page("search", f"global search {words!r}", reverse("search") + q(q=words), requests),
        Page("search", f"global search {term!r}", reverse("search") + q(q=term), requests),
        Page(
            "export",
            f"agreements xlsx, {export_rows:,} rows",
            reverse("agreements:agreement-list") + q(kind=export_kind, export="xlsx"),
            max(4, requests // 5),
        ),  # fmt: skip
        Page("export", "floor", floor, requests),
    ]
    return made


def cpu_times(made: list[Page], repeat: int) -> None:
    """Each page in this process, alone, with the test client: the CPU time of a request, a
    figure that the other work on the machine disturbs far less than the times under load."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(get_user_model().objects.get(username="bench-office"))
    for page in made:
        headers = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in page.headers.items()}
        times = []
        for attempt in range(1 + (repeat if page.group != "export" else 1)):
            started = time.process_time()
            response = client.get(page.url, **headers)
            if response.streaming:
                b"".join(response.streaming_content)
            if attempt:  # the first warms up
                times.append(time.process_time() - started)
        page.cpu_ms = statistics.median(times) * 1000


def jit_effect(made: list[Page], repeat: int = 3) -> list[tuple[str, float, float]]:
    """The search pages in-process, wall time, with PostgreSQL's JIT as configured (on by
    default) and then off for the session: a search's estimated cost passes jit_above_cost."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(get_user_model().objects.get(username="bench-office"))
    rows = []
    for page in made:
        if "search" not in page.label or page.group == "partners":
            continue
        figures = []
        for setting in ("DEFAULT", "off"):
            with connection.cursor() as cursor:
                cursor.execute(f"SET jit = {setting}")
            client.get(page.url)
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(page.url)
                times.append(time.perf_counter() - started)
            figures.append(statistics.median(times) * 1000)
        rows.append((f"{page.group}, {page.label}", *figures))
    with connection.cursor() as cursor:
        cursor.execute("SET jit = DEFAULT")
    return rows


def sweep() -> tuple[float, int, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cooperation.reminders.models import Reminder
    from cooperation.reminders.sweep import reminders_sweep

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = reminders_sweep(on=timezone.localdate(), triggered_by="bench")
        seconds = time.perf_counter() - started
    return seconds, len(queries), report.due_items, Reminder.objects.count()


# --- the report -----------------------------------------------------------------------------


def table(made: list[Page], arguments, facts: dict, rss: RssSampler, sweep_figures, seed_seconds: float, jit) -> str:
    def ms(value: float) -> str:
        return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"

    admin = {page.group: page for page in made if page.label == "admin changelist"}
    admin_search = {page.group: page for page in made if page.label == "admin search"}
    lines = [
        "| group | page | median ms | p95 ms | CPU ms alone | SQL queries | vs admin | status | load |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for page in made:
        versus = ""
        # A list page against the admin changelist of the same records; a search against the
        # admin's search for the same words.
        against = admin_search if page.label.startswith("search") else admin
        if page.label in ("first page", "filtered") or page.label.startswith("search"):
            if page.group in against and against[page.group].times:
                versus = f"{page.median / against[page.group].median:.2f}×"
        status = ",".join(str(code) for code in sorted(page.status))
        lines.append(
            f"| {page.group} | {page.label} | {ms(page.median)} | {ms(page.p95)} | {ms(page.cpu_ms)} | {page.queries} "
            f"| {versus} "
            f"| {status} | {page.load} |"
        )
    highest = max(rss.highest.values(), default=0)
    last = ", ".join(f"{value:.0f}" for value in rss.last.values())
    seconds, queries, due, reminders = sweep_figures
    return "\n".join(
        [
            "## Pages (`bench/pages.py`)",
            "",
            "Written by `make bench` (`bench/pages.py --write`); everything between the markers is replaced.",
            "",
            f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {facts['nproc']} cores, "
            f"{facts['memory']}, PostgreSQL {facts['postgres']}, Python {facts['python']}; load average "
            f"{facts['load_before']} before and {facts['load_after']} after (1, 5, 15 min), the machine shared "
            "with other work. gunicorn: "
            f"{arguments.workers} sync workers on 127.0.0.1, DEBUG off, Redis cache; {arguments.clients} concurrent "
            f"clients, {arguments.requests} requests a page (after one warm-up each), so a request may wait for a "
            "free worker: the times include that queueing. *CPU ms alone*: the median CPU time of the same "
            "request made in the benchmark's own process with Django's test client, one at a time after "
            "gunicorn stopped (3 runs, 1 for exports): what the page costs, whatever else runs on the machine. "
            "*vs admin*: the page's median over the median of the admin changelist of the same records "
            "(for a search: the admin's search for the same words), same run.",
            "",
            f"Data (`seed_bulk`, {seed_seconds:.0f} s): {arguments.partners:,} partners, {arguments.agreements:,} "
            f"agreements, {arguments.visits:,} visits, {arguments.participants:,} mobility participants.",
            "",
            *lines,
            "",
            f"gunicorn workers' RSS: at most {highest:.0f} MiB (at the end: {last} MiB).",
            "",
            f"Reminder sweep over the same data, in-process: {seconds:.2f} s, {queries} SQL queries, "
            f"{due:,} records due, {reminders:,} reminders recorded.",
            "",
            "PostgreSQL's JIT on the search pages (in-process, one request at a time, median of 3, wall ms):",
            "",
            "| page | JIT as configured | JIT off |",
            "|---|---|---|",
            *(f"| {label} | {on:,.0f} | {off:,.0f} |" for label, on, off in jit),
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--agreements", type=int, default=50_000)
    parser.add_argument("--visits", type=int, default=20_000)
    parser.add_argument("--participants", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="write the table to docs/PERFORMANCE.md")
    parser.add_argument("--only", default="", help="only the page groups named (comma-separated)")
    parser.add_argument(
        "--database",
        default="",
        help="an existing database that seed_bulk filled, used as it is and kept: to try a change without "
        "seeding again (the sweep then finds little new; --write wants a fresh database)",
    )
    arguments = parser.parse_args()
    if arguments.database and arguments.write:
        parser.error("--write measures a freshly seeded database: leave out --database")

    facts = {"load_before": load_average()}
    kept = contextlib.nullcontext(arguments.database) if arguments.database else None
    with kept or throwaway_database() as database:
        environment = server_environment(database)
        os.environ.update(environment)
        setup_django(database, "bench.settings")
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        if not kept:
            call_command(
                "seed_bulk",
                partners=arguments.partners,
                agreements=arguments.agreements,
                visits=arguments.visits,
                participants=arguments.participants,
            )
        seed_seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # seed_bulk does it too; a kept database (--database) may need it
        from django.core.cache import cache

        cache.clear()  # the bench's own Redis database (BENCH_REDIS_URL): nothing from an earlier run
        cookies = bench_users(arguments.clients)
        made = pages(arguments.requests)
        if arguments.only:
            wanted = set(arguments.only.split(","))
            made = [page for page in made if page.group in wanted]
        connection.close()

        port = free_port()
        server = start_gunicorn(environment, port, arguments.workers)
        rss = RssSampler(server.pid)
        rss.start()
        try:
            # Both workers import, compile and cache what the pages need before anything is timed.
            for page in made:
                if page.label in ("first page", "admin changelist") or page.group in ("dashboard", "search"):
                    measure(Page(page.group, page.label, page.url, 2 * len(cookies), page.headers), port, cookies)
            for page in made:
                measure(page, port, cookies)
                print(
                    f"{page.group:<11} {page.label:<44} median {page.median:8.1f} ms  p95 {page.p95:8.1f} ms  "
                    f"{page.queries:>4} queries  {sorted(page.status)}  load {page.load}",
                    flush=True,
                )
        finally:
            rss.stop()
            stop_gunicorn(server)
        cpu_times(made, repeat=3)
        jit = jit_effect(made)
        sweep_figures = sweep()
        print(f"reminder sweep: {sweep_figures[0]:.2f} s, {sweep_figures[1]} queries, {sweep_figures[2]:,} due")
        print(f"gunicorn workers' RSS: at most {max(rss.highest.values(), default=0):.0f} MiB")
        facts.update(machine())
        facts["load_after"] = load_average()
        text = table(made, arguments, facts, rss, sweep_figures, seed_seconds, jit)
    if arguments.write:
        replace_section(PERFORMANCE_MD, SECTION, text)
        print(f"written to {PERFORMANCE_MD}")
    else:
        print(text)
    failed = [page for page in made if page.status - {200}]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
