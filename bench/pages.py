"""Benchmark (not a test): the portal's pages under gunicorn, at a tenth of the data and at all of it.

    .venv/bin/python bench/pages.py [--partners 10000] [--agreements 50000] [--visits 20000]
                                    [--participants 200000] [--requests 20] [--clients 4]
                                    [--only GROUPS] [--database NAME] [--write]

Seeds two throwaway PostgreSQL databases with `manage.py seed_bulk` (bench/common.py): one at the
sizes given and one at a tenth of them, each in a process of its own, and serves each with its
own gunicorn (2 sync workers on 127.0.0.1, DEBUG off, its own Redis cache database,
bench/settings.py). Every page is then timed on the tenth and on the full data one after the
other (so that whatever else the machine does weighs on both alike), first with one client and
then with --clients concurrent clients, each logged in with its own session: the median and 95th
percentile of --requests requests, and from the server's own headers (bench/middleware.py) the
SQL queries, the time spent waiting for SQL and the worker's CPU time of each request. Beside each
list, the Django admin changelist of the same records and its search for the same words; and the
floor (a logged-in page with one query). The growth column is the full data's median over the
tenth's, one client. The gunicorn workers' RSS is sampled through the run; the reminder sweep
runs over the full data at the end. With --write, the table replaces the "pages" section of
docs/PERFORMANCE.md (between its markers). The databases are dropped at the end.

--database NAME measures one existing database that seed_bulk filled (kept; no tenth, no growth);
with --tenth-database NAME too, a kept tenth beside it (growth, without seeding: to try a change).
"""

import argparse
import contextlib
import datetime
import http.client
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, database_url, free_port, load_average, replace_section, throwaway_database  # noqa: E402

REDIS_SERVER = os.environ.get("BENCH_REDIS_SERVER", "redis://127.0.0.1:6379")
REDIS_DATABASES = {"tenth": 13, "full": 14}  # one cache per server: the two datasets never share keys
PERFORMANCE_MD = ROOT / "docs" / "PERFORMANCE.md"
SECTION = "bench-pages"
BROAD_WORDS = ("univ", "университет", "a")


@dataclass
class Run:
    """One page at one number of concurrent clients."""

    times: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    status: set = field(default_factory=set)
    queries: str = ""
    load: str = ""

    @staticmethod
    def _median(values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")

    @property
    def median(self) -> float:
        return self._median(self.times) * 1000

    @property
    def p95(self) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))] * 1000

    @property
    def sql(self) -> float:
        return self._median(self.sql_ms)

    @property
    def cpu(self) -> float:
        return self._median(self.cpu_ms)


@dataclass
class Page:
    group: str
    label: str
    url: str
    requests: int
    headers: dict = field(default_factory=dict)
    versus: str = ""  # the label of the admin page it is compared with
    runs: dict[int, Run] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return self.group, self.label


# --- the server -----------------------------------------------------------------------------


def server_environment(database: str, scale: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url(database),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "REDIS_URL": f"{REDIS_SERVER}/{REDIS_DATABASES[scale]}",
        "DEBUG": "0",
        "HTTPS": "0",
        # One key for the run: the sessions the preparing process signs are read by the servers.
        "SECRET_KEY": os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_urlsafe(40)),
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # Where the servers write a streamed response's figures for fetch() (bench/middleware.py).
        "BENCH_FIGURES_DIR": figures_dir(),
    }


def figures_dir() -> str:
    """The run's folder for streamed responses' figures, made once (the children inherit it)."""
    if "BENCH_FIGURES_DIR" not in os.environ:
        os.environ["BENCH_FIGURES_DIR"] = tempfile.mkdtemp(prefix="coop-bench-figures-")
    return os.environ["BENCH_FIGURES_DIR"]


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


def fetch(port: int, page: Page, cookie: str) -> tuple[float, int, dict]:
    """One request on a new connection (gunicorn's sync workers close it after each answer)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        headers = {"Cookie": f"sessionid={cookie}", "Accept-Language": "en", **page.headers}
        connection.request("GET", page.url, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        headers = {name.lower(): value for name, value in response.getheaders()}
        return elapsed, response.status, {**headers, **streamed_figures(headers)}
    finally:
        connection.close()


def streamed_figures(headers: dict) -> dict:
    """A streamed response's figures, taken by the server when its body ended (bench/middleware.py),
    as the headers a response that is not streamed carries."""
    name = headers.get("x-bench-figures", "")
    if not name.isalnum():
        return {}
    path = Path(os.environ["BENCH_FIGURES_DIR"]) / f"{name}.json"
    figures = json.loads(path.read_text())
    path.unlink()
    return {
        "x-bench-queries": str(figures["queries"]),
        "x-bench-sql-ms": str(figures["sql_ms"]),
        "x-bench-cpu-ms": str(figures["cpu_ms"]),
    }


def measure(page: Page, port: int, cookies: list[str]) -> Run:
    """Each client warms up once, then makes its share of page.requests requests, all at once."""
    run = Run()
    clients = len(cookies)
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(number: int):
        _elapsed, status, headers = fetch(port, page, cookies[number])
        with lock:
            run.status.add(status)
            run.queries = headers.get("x-bench-queries", "")
        barrier.wait()
        for _ in range(page.requests // clients + (1 if number < page.requests % clients else 0)):
            elapsed, status, headers = fetch(port, page, cookies[number])
            with lock:
                run.times.append(elapsed)
                run.status.add(status)
                with contextlib.suppress(KeyError, ValueError):
                    run.sql_ms.append(float(headers["x-bench-sql-ms"]))
                    run.cpu_ms.append(float(headers["x-bench-cpu-ms"]))

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.load = f"{os.getloadavg()[0]:.2f}"
    return run


# --- a dataset: seeded, its users and its pages, in a process of its own ---------------------


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
    """The pages, labelled alike at every scale (the records they open are the dataset's own)."""
    from django.db.models import Count
    from django.urls import reverse

    from agreements.models import Agreement
    from cooperation.lib.academic_years import academic_year_of, previous_academic_year
    from cooperation.visits.models import Visit
    from mobility.models import Program
    from partners.models import Institution, Unit

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
    unit = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    # The export: the agreement kind whose list is nearest to a twentieth of the agreements
    # (5,000 rows at the full data).
    kinds = Agreement.objects.values_list("kind").annotate(n=Count("pk"))
    target = Agreement.objects.count() / 10
    export_kind, _rows = min(kinds, key=lambda pair: abs(pair[1] - target))
    year = academic_year_of(today)

    def q(**params) -> str:
        return "?" + urlencode(params)

    admin_requests = max(4, requests // 2)
    made: list[Page] = []

    def group(name, first, *, filtered, sort, admin):
        made.extend(
            [
                Page(name, "first page", first, requests, versus="admin changelist"),
                Page(name, "filtered", first + filtered, requests, versus="admin changelist"),
                Page(name, f"sorted ({sort})", first + q(sort=sort), requests, versus="admin changelist"),
                Page(name, "search, narrow (a city)", first + q(q=term), requests, versus="admin search, narrow"),
                *(
                    Page(name, f"search {word!r}", first + q(q=word), requests, versus=f"admin search {word!r}")
                    for word in BROAD_WORDS
                ),
                Page(name, "admin changelist", admin, requests),
                Page(name, "admin search, narrow", admin + q(q=term), admin_requests),
                *(Page(name, f"admin search {word!r}", admin + q(q=word), admin_requests) for word in BROAD_WORDS),
            ]
        )

    partners = reverse("partners:institution-list")
    group("partners", partners, filtered=q(country="KZ", kind="university"), sort="country",
          admin="/admin/partners/institution/")  # fmt: skip
    # The partner search as people type: two words of a name in the other order, and a misspelling
    # that finds nothing, so the page looks for the closest partners ("Did you mean").
    reordered = " ".join(reversed(busiest.name.split()[:2]))
    misspelt = f"{term[:2]}{term[2:3] * 2}{term[3:]}"
    made += [
        Page("partners", "search, two words reordered", partners + q(q=reordered), requests),
        Page("partners", "search, misspelt (did you mean)", partners + q(q=misspelt), requests),
    ]
    group("agreements", reverse("agreements:agreement-list"), filtered=q(state="expiring"), sort="-expires_on",
          admin="/admin/agreements/agreement/")  # fmt: skip
    group("visits", reverse("cooperation:visit-list"), filtered=q(period="upcoming"), sort="title",
          admin="/admin/cooperation/visit/")  # fmt: skip
    group("programs", reverse("mobility:program-list"), filtered=q(academic_year=year, kind="exchange"),
          sort="title", admin="/admin/mobility/program/")  # fmt: skip
    group("participants", reverse("dashboard-participants"), filtered=q(academic_year=year, direction="outgoing"),
          sort="full_name", admin="/admin/mobility/participant/")  # fmt: skip
    dashboard = reverse("dashboard")
    uncached = {"X-Bench-No-Cache": "1"}
    dashboard_filters = {
        "": "",
        "previous year": q(academic_year=previous_academic_year(year)),
        "country KZ": q(country="KZ"),
        "region East Asia": q(region="east_asia"),
        "partner kind university": q(partner_kind="university"),
        "our top unit": q(unit=unit.pk) if unit else "",
    }
    made += [
        Page("detail", "partner (the one with most agreements)", busiest.get_absolute_url(), requests),
        Page("detail", "agreement (most parties and conditions)", agreement.get_absolute_url(), requests),
        Page("detail", "visit (most participants)", visit.get_absolute_url(), requests),
        Page("detail", "program (most participants)", program.get_absolute_url(), requests),
        Page("dashboard", "cached", dashboard, requests),
        *(
            Page("dashboard", f"uncached{', ' + name if name else ''}", dashboard + params, requests, uncached)
            for name, params in dashboard_filters.items()
            if name == "" or params
        ),
        Page("search", "global search, a name's two words", reverse("search") + q(q=words), requests),
        Page("search", "global search, narrow (a city)", reverse("search") + q(q=term), requests),
        *(Page("search", f"global search {word!r}", reverse("search") + q(q=word), requests) for word in BROAD_WORDS),
        Page(
            "export",
            "agreements .xlsx (a tenth of them)",
            reverse("agreements:agreement-list") + q(kind=export_kind, export="xlsx"),
            max(4, requests // 4),
        ),  # fmt: skip
        Page(
            "export",
            "agreements .csv (a tenth of them)",
            reverse("agreements:agreement-list") + q(kind=export_kind, export="csv"),
            max(4, requests // 4),
        ),  # fmt: skip
        Page("floor", "a logged-in page with one query", "/bench/floor/", requests),
    ]
    return made


def prepare(arguments) -> dict:
    """In its own process (Django set up on the one database): migrate, seed, the users and the
    pages, as JSON for the parent."""
    from bench.common import machine, migrate_and_seed, setup_django

    setup_django(arguments.prepare, "bench.settings")
    from django.core.cache import cache
    from django.db import connection

    seconds = migrate_and_seed(arguments, seed=arguments.seed)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # seed_bulk does it too; a kept database may need it
    cache.clear()  # this scale's own Redis database: nothing from an earlier run
    cookies = bench_users(arguments.clients)
    made = [
        {
            "group": page.group,
            "label": page.label,
            "url": page.url,
            "requests": page.requests,
            "headers": page.headers,
            "versus": page.versus,
        }  # fmt: skip
        for page in pages(arguments.requests)
    ]
    return {"seconds": seconds, "cookies": cookies, "pages": made, "machine": machine()}


def sweep(arguments) -> dict:
    from bench.common import setup_django

    setup_django(arguments.sweep, "bench.settings")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cooperation.reminders.models import Reminder
    from cooperation.reminders.sweep import reminders_sweep

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = reminders_sweep(on=timezone.localdate(), triggered_by="bench")
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "queries": len(queries), "due": report.due_items, "reminders": Reminder.objects.count()}


def child(arguments, scale: str, flag: str, database: str, *, seed: bool = False) -> dict:
    """This script again, in a process of its own on one database (--prepare or --sweep); its
    JSON answer, the last line it prints."""
    command = [
        sys.executable, __file__, flag, database,
        "--partners", str(arguments.partners), "--agreements", str(arguments.agreements),
        "--visits", str(arguments.visits), "--participants", str(arguments.participants),
        "--requests", str(arguments.requests), "--clients", str(arguments.clients),
        *(["--seed"] if seed else []),
    ]  # fmt: skip
    environment = {**os.environ, **server_environment(database, scale)}
    done = subprocess.run(command, env=environment, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise RuntimeError(f"{flag} {database} failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the report -----------------------------------------------------------------------------


def ms(value: float) -> str:
    if value != value:  # NaN: not measured
        return ""
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def ratio(numerator: float, denominator: float) -> str:
    if numerator != numerator or denominator != denominator or not denominator:
        return ""
    return f"{numerator / denominator:.2f}×"


def table(results: dict[str, list[Page]], arguments, facts: dict, rss: dict, sweep_figures: dict, seeding) -> str:
    full = results["full"]
    tenth = {page.key: page for page in results.get("tenth", [])}
    by_label = {page.key: page for page in full}
    many = arguments.clients
    lines = [
        f"| group | page | 1 client median / p95 ms | {many} clients median / p95 ms | SQL ms | CPU ms | queries "
        "| vs admin | growth ×10 data (wall / SQL) | tenth: median ms | status |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for page in full:
        one, several = page.runs.get(1, Run()), page.runs.get(many, Run())
        admin = by_label.get((page.group, page.versus))
        versus = ratio(one.median, admin.runs[1].median) if admin and 1 in admin.runs else ""
        small = tenth.get(page.key)
        small_run = small.runs.get(1, Run()) if small else Run()
        growth = ""
        if small:
            growth = f"{ratio(one.median, small_run.median)} / {ratio(one.sql, small_run.sql)}"
        status = ",".join(str(code) for code in sorted(one.status | several.status))
        lines.append(
            f"| {page.group} | {page.label} | {ms(one.median)} / {ms(one.p95)} | {ms(several.median)} / "
            f"{ms(several.p95)} | {ms(one.sql)} | {ms(one.cpu)} | {one.queries} | {versus} | {growth} "
            f"| {ms(small_run.median)} | {status} |"
        )
    data = (
        f"{arguments.partners:,} partners, {arguments.agreements:,} agreements, {arguments.visits:,} visits, "
        f"{arguments.participants:,} mobility participants"
    )
    seeded = ", ".join(f"{scale} {seconds:.0f} s" for scale, seconds in seeding.items())
    memory = "; ".join(f"{scale}: at most {max(values.values(), default=0):.0f} MiB" for scale, values in rss.items())
    return "\n".join(
        [
            "## Pages (`bench/pages.py`)",
            "",
            "Written by `make bench` (`bench/pages.py --write`); everything between the markers is replaced.",
            "",
            f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on {facts['nproc']} cores, "
            f"{facts['memory']}, PostgreSQL {facts['postgres']}, Python {facts['python']}; load average "
            f"{facts['load_before']} before and {facts['load_after']} after (1, 5, 15 min). Each dataset served by "
            f"gunicorn, {arguments.workers} sync workers on 127.0.0.1, DEBUG off, Redis cache; "
            f"{arguments.requests} requests a page after one warm-up per client (admin searches half as many, "
            f"exports a quarter), first from one client, then from {many} at once (a request may then wait for a "
            "free worker: the times include that queueing).",
            "",
            f"Data (`seed_bulk`; {seeded}): {data}, and a tenth of each.",
            "",
            "*SQL ms* and *CPU ms*: medians, one client, from the server's own headers (bench/middleware.py): the "
            "time the request waited for PostgreSQL, and the worker's own CPU time (for the CSV export, streamed, "
            "until its last row was sent). *vs admin*: the page's median "
            "over the Django admin's for the same records (for a search, the admin's search for the same words). "
            "*growth*: the full data's median over the tenth's (one client), wall time and SQL time.",
            "",
            *lines,
            "",
            f"gunicorn workers' RSS: {memory}.",
            "",
            f"Reminder sweep over the full data, in-process: {sweep_figures['seconds']:.2f} s, "
            f"{sweep_figures['queries']} SQL queries, {sweep_figures['due']:,} records due, "
            f"{sweep_figures['reminders']:,} reminders recorded.",
        ]
    )


# --- the run --------------------------------------------------------------------------------


def arguments_parser() -> argparse.ArgumentParser:
    from bench.common import add_data_arguments

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_arguments(parser)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page and client count")
    parser.add_argument("--clients", type=int, default=4, help="the concurrent clients of the second run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write", action="store_true", help="write the table to docs/PERFORMANCE.md")
    parser.add_argument("--only", default="", help="only the page groups named (comma-separated)")
    parser.add_argument(
        "--tenth-database", default="", help="with --database: a kept database seeded with a tenth of the data"
    )
    parser.add_argument("--prepare", default="", help=argparse.SUPPRESS)
    parser.add_argument("--sweep", default="", help=argparse.SUPPRESS)
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    return parser


def main() -> int:
    parser = arguments_parser()
    arguments = parser.parse_args()
    if arguments.prepare:
        print(json.dumps(prepare(arguments)))
        return 0
    if arguments.sweep:
        print(json.dumps(sweep(arguments)))
        return 0
    if (arguments.database or arguments.tenth_database) and arguments.write:
        parser.error("--write measures freshly seeded databases: leave out --database")

    facts = {"load_before": load_average()}
    kept = {"full": arguments.database, "tenth": arguments.tenth_database}
    scales = ["full"] if arguments.database and not arguments.tenth_database else ["tenth", "full"]
    wanted = set(arguments.only.split(",")) if arguments.only else None
    with contextlib.ExitStack() as stack:
        databases = {scale: kept[scale] or stack.enter_context(throwaway_database()) for scale in scales}
        prepared = {
            scale: child(sized(arguments, scale), scale, "--prepare", databases[scale], seed=not kept[scale])
            for scale in scales
        }
        results = {
            scale: [Page(**spec) for spec in prepared[scale]["pages"] if wanted is None or spec["group"] in wanted]
            for scale in scales
        }
        by_key = {scale: {page.key: page for page in results[scale]} for scale in scales}
        servers, ports, samplers = {}, {}, {}
        try:
            for scale in scales:
                ports[scale] = free_port()
                servers[scale] = start_gunicorn(server_environment(databases[scale], scale), ports[scale],
                                                arguments.workers)  # fmt: skip
                samplers[scale] = RssSampler(servers[scale].pid)
                samplers[scale].start()
            cookies = {scale: prepared[scale]["cookies"] for scale in scales}
            # Every worker imports, compiles and caches what the pages need before anything is timed.
            for scale in scales:
                for page in results[scale]:
                    warm = Page(page.group, page.label, page.url, 2 * arguments.workers, page.headers)
                    measure(warm, ports[scale], cookies[scale][: arguments.workers])
            for page in results["full"]:
                for clients in (1, arguments.clients):
                    for scale in scales:
                        same = by_key[scale].get(page.key)
                        if same is not None:
                            same.runs[clients] = measure(same, ports[scale], cookies[scale][:clients])
                one, several = page.runs[1], page.runs[arguments.clients]
                print(
                    f"{page.group:<12} {page.label:<42} 1: {one.median:7.1f} / {one.p95:7.1f} ms  "
                    f"{arguments.clients}: {several.median:7.1f} / {several.p95:7.1f} ms  SQL {one.sql:6.1f}  "
                    f"CPU {one.cpu:6.1f}  {one.queries:>3} q  {sorted(one.status | several.status)}  load {one.load}",
                    flush=True,
                )
        finally:
            for scale in samplers:
                samplers[scale].stop()
            for scale in servers:
                stop_gunicorn(servers[scale])
            shutil.rmtree(figures_dir(), ignore_errors=True)
        sweep_figures = child(arguments, "full", "--sweep", databases["full"])
        print(f"reminder sweep: {sweep_figures['seconds']:.2f} s, {sweep_figures['queries']} queries")
        facts.update(prepared["full"]["machine"])
        facts["load_after"] = load_average()
        rss = {scale: samplers[scale].highest for scale in scales}
        seeding = {scale: prepared[scale]["seconds"] for scale in scales}
        text = table(results, arguments, facts, rss, sweep_figures, seeding)
    if arguments.write:
        replace_section(PERFORMANCE_MD, SECTION, text)
        print(f"written to {PERFORMANCE_MD}")
    else:
        print(text)
    failed = [
        page for scale in scales for page in results[scale] if any(run.status - {200} for run in page.runs.values())
    ]
    for page in failed:
        print(f"not 200: {page.group}, {page.label}: {page.url}", file=sys.stderr)
    return 1 if failed else 0


def sized(arguments, scale: str) -> argparse.Namespace:
    """The arguments with the data sizes of the scale (a tenth of each, or as given)."""
    divisor = 10 if scale == "tenth" else 1
    sizes = {name: getattr(arguments, name) // divisor for name in ("partners", "agreements", "visits", "participants")}
    return argparse.Namespace(**{**vars(arguments), **sizes})


if __name__ == "__main__":
    sys.exit(main())
