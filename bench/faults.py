"""Fault run (not a test): the portal under load while Redis, then PostgreSQL, go away and come back.

    .venv/bin/python bench/faults.py [--clients 4] [--phase-seconds 8] [--port 8597]

It stops and starts the machine's own Redis and PostgreSQL, so run it alone (CI runs the tests,
not this). What it does:

1. creates a throwaway PostgreSQL database, migrates it, loads the demo data;
2. serves the portal under gunicorn (2 workers) on 127.0.0.1 with REDIS_URL set;
3. runs CLIENTS logged-in clients on loopback, each in a loop reading the list pages and the
   dashboard and entering a new partner (a write) with a name of its own;
4. phases: normal, Redis stopped, Redis back, PostgreSQL restarted (stopped, then started), after;
5. reports per phase the requests served, the errors (by status), /healthz's answers, and at the
   end the data lost: every partner whose save was answered with a redirect must be in the
   database, whole (with its name variant); a failed save must have left nothing behind.

Every loop is bounded in time; the database is dropped and both services are left running.
"""

import argparse
import collections
import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
DATABASE = f"coop_faults_{uuid.uuid4().hex[:8]}"
PYTHON = sys.executable
READS = ["/", "/partners/", "/agreements/", "/visits/", "/mobility/", "/dashboard/"]
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
]


def postgres_cluster() -> list[str]:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def run(command: list[str], **kwargs) -> None:
    subprocess.run(command, check=True, cwd=ROOT, **kwargs)


def admin_sql(sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    connection.cursor().execute(sql)
    connection.close()


def wait_until(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def postgres_up() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0


def redis_up() -> bool:
    return subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True).returncode == 0


class Client:
    """A logged-in browser, as far as the portal can tell: a session cookie and CSRF tokens."""

    def __init__(self, base: str, username: str, password: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect())
        page = self.get("/accounts/login/")[1]
        self.post("/accounts/login/", {"username": username, "password": password}, page)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            return 0, str(error)

    def post(self, path: str, data: dict, form_page: str) -> int:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token.group(1) if token else ""}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 after a save is the answer we count

    def http_error_302(self, request, response, code, message, headers):
        return response


def partner_form(name: str) -> dict:
    return {
        "name": name,
        "kind": "university",
        "country": "TR",
        "city": "Ankara",
        "status": "prospective",
        "confirm_not_duplicate": "on",
        "names-TOTAL_FORMS": "1",
        "names-INITIAL_FORMS": "0",
        "names-0-name": f"{name} (ru)",
        "names-0-language": "ru",
        "names-0-kind": "translation",
    }


class Load:
    def __init__(self, base: str, clients: int):
        self.base = base
        self.clients = clients
        self.phase = "start"
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.saved: list[str] = []  # answered with a redirect: must be in the database
        self.refused: list[str] = []  # answered otherwise: must not be there half-written

    def record(self, what: str) -> None:
        with self.lock:
            self.counts[self.phase][what] += 1

    def client_loop(self, number: int) -> None:
        client = None
        sequence = 0
        while not self.stop.is_set():
            if client is None:
                try:
                    client = Client(self.base, "staff", "demo")
                except Exception:  # the server may be restarting its database connection
                    self.record("login failed")
                    time.sleep(0.2)
                    continue
            for path in READS:
                status, _ = client.get(path)
                self.record(f"GET {status}")
            status, page = client.get("/partners/new/")
            if status != 200:
                self.record(f"GET {status}")
                continue
            sequence += 1
            name = f"Fault run partner {number}-{sequence} {uuid.uuid4().hex[:6]}"
            status = client.post("/partners/new/", partner_form(name), page)
            self.record(f"POST {status}")
            with self.lock:
                (self.saved if status == 302 else self.refused).append(name)

    def health_loop(self) -> None:
        probe = urllib.request.build_opener()
        while not self.stop.is_set():
            try:
                with probe.open(self.base + "/healthz", timeout=5) as response:
                    self.record(f"healthz {response.status}")
            except urllib.error.HTTPError as error:
                self.record(f"healthz {error.code}")
            except Exception:
                self.record("healthz no answer")
            time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--phase-seconds", type=float, default=8)
    parser.add_argument("--port", type=int, default=8597)
    args = parser.parse_args()

    environment = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "cooperation.settings",
        # As in production (the error pages are the ones users see), over plain HTTP on loopback.
        "DEBUG": "false",
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
    }
    admin_sql(f'CREATE DATABASE "{DATABASE}"')
    server = None
    try:
        run([PYTHON, "manage.py", "migrate", "-v0"], env=environment)
        run([PYTHON, "manage.py", "load_demo"], env=environment, stdout=subprocess.DEVNULL)
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "cooperation.wsgi",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{args.port}",
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env=environment,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{args.port}"
        if not wait_until(lambda: Client(base, "staff", "demo").get("/")[0] == 200, 30):
            print("the portal did not come up")
            return 1
        load = Load(base, args.clients)
        threads = [threading.Thread(target=load.client_loop, args=(n,)) for n in range(args.clients)]
        threads.append(threading.Thread(target=load.health_loop))
        for thread in threads:
            thread.start()

        def phase(name: str, action=None) -> None:
            load.phase = name
            if action:
                action()
            time.sleep(args.phase_seconds)

        phase("1 normal")
        phase("2 Redis stopped", lambda: subprocess.run(["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"]))
        phase("3 Redis back", lambda: (run(REDIS_START, stdout=subprocess.DEVNULL), wait_until(redis_up, 10)))
        phase("4 PostgreSQL stopped", lambda: run([*postgres_cluster(), "stop", "-m", "fast"]))
        phase("5 PostgreSQL back", lambda: (run([*postgres_cluster(), "start"]), wait_until(postgres_up, 30)))
        phase("6 after")
        load.stop.set()
        for thread in threads:
            thread.join(timeout=30)

        report(load, environment)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        if not redis_up():
            run(REDIS_START, stdout=subprocess.DEVNULL)
        if not postgres_up():
            run([*postgres_cluster(), "start"])
            wait_until(postgres_up, 30)
        admin_sql(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    return 0


def report(load: Load, environment: dict) -> None:
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from partners.models import Institution

    stored = dict(Institution.objects.filter(name__startswith="Fault run partner").values_list("name", "names__name"))
    lost = [name for name in load.saved if name not in stored]
    half_written = [name for name, variant in stored.items() if variant != f"{name} (ru)"]
    stray = [name for name in load.refused if name in stored]

    print(f"\nFault run: {load.clients} clients, gunicorn 2 workers, phases of equal length\n")
    print("| phase | GET 200 | POST 302 (saved) | errors | /healthz |")
    print("|---|---|---|---|---|")
    for name, counts in load.counts.items():
        errors = {k: v for k, v in counts.items() if not k.startswith("healthz") and k not in ("GET 200", "POST 302")}
        health = ", ".join(f"{k.split(' ', 1)[1]}: {v}" for k, v in sorted(counts.items()) if k.startswith("healthz"))
        error_text = ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) or "none"
        print(f"| {name} | {counts['GET 200']} | {counts['POST 302']} | {error_text} | {health} |")
    print(
        f"\nSaves answered as done: {len(load.saved)}; in the database: {len(load.saved) - len(lost)}; "
        f"lost: {len(lost)}; half-written: {len(half_written)}; refused saves found stored anyway: {len(stray)}"
    )


if __name__ == "__main__":
    sys.exit(main())
