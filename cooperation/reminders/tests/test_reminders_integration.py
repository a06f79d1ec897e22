"""Reminders end to end: a real Redis, a real Celery worker process and a real SMTP server.

Run with PostgreSQL (a worker process cannot see an in-memory SQLite test database):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coop_reminders \\
        .venv/bin/pytest -m integration cooperation/reminders/tests/test_reminders_integration.py

The test process plays beat: it puts the tasks on the queues. The worker sends the e-mails to
an aiosmtpd server listening on loopback, which records what it accepted.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import service_missing
from cooperation import roles
from cooperation.reminders.models import Reminder, SweepRun
from cooperation.reminders.sweep import reminders_sweep
from cooperation.tests.factories import AgreementFactory, UnitFactory, make_user
from cooperation.tests.smtp import WAIT, SmtpServer

# xdist_group: with `--dist loadgroup` (pytest.ini) every test here runs in one test process, so
# that process's worker is the only one on the queues below.
pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("reminders-redis"),
]

# A Redis database of its own, flushed by these tests and by nothing else.
REDIS_URL = os.environ.get("REMINDERS_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
MAILBOX = "international@university.example"


def wait_for(condition, timeout: float = WAIT, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


# ---------------------------------------------------------------------------------------------
# Services: PostgreSQL, Redis, the worker
# ---------------------------------------------------------------------------------------------


LOCK = "cooperation-tests:reminders-integration"


def clear(client) -> None:
    """Empty our Redis database, but for the lock that keeps it ours."""
    for key in client.scan_iter():
        if key.decode() != LOCK:
            client.delete(key)


@pytest.fixture(scope="module")
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        service_missing(f"Redis at {REDIS_URL}")
    # One test process at a time: under pytest-xdist two workers on the same queues would take
    # each other's tasks to the wrong test database.
    lock = client.lock(LOCK, timeout=600, blocking_timeout=600)
    assert lock.acquire(), "another test process kept the reminders' Redis database for ten minutes"
    clear(client)
    yield client
    clear(client)
    lock.release()


@pytest.fixture(scope="module")
def postgres(django_db_setup):
    if connection.vendor != "postgresql":
        service_missing("PostgreSQL (set DATABASE_URL=postgres://...; a worker cannot see an SQLite test database)")
    database = connection.settings_dict
    user = database["USER"] or ""
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    return f"postgres://{credentials}{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


@pytest.fixture(scope="module")
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.handler.release.set()
    server.stop()


class Worker:
    """`celery -A cooperation worker` in its own process group, configured like production
    except for short retry and timeout delays."""

    def __init__(self, *, database_url: str, smtp_port: int, log_dir: Path):
        self.env = {
            **{key: value for key, value in os.environ.items() if not key.startswith("PYTEST")},
            "DJANGO_SETTINGS_MODULE": "cooperation.settings",
            "DATABASE_URL": database_url,
            "DB_CONN_MAX_AGE": "0",
            "REDIS_URL": REDIS_URL,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "EMAIL_TIMEOUT": "5",
            "OFFICE_MAILBOX": MAILBOX,
            "SITE_URL": "https://cooperation.university.example",
            "VAR_DIR": str(log_dir / "var"),
            "REMINDER_RETRY_BASE_DELAY": "1",
            "REMINDER_RETRY_MAX_DELAY": "4",
            "REMINDER_SENDING_TIMEOUT": "3",
            "REMINDER_REQUEUE_AFTER": "2",
        }
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None
        self.log_path: Path | None = None

    def start(self):
        self.log_path = self.log_dir / f"worker-{uuid.uuid4().hex[:8]}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "cooperation", "worker",
            "-Q", "reminders,email,default", "-P", "prefork", "--concurrency", "2",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", f"reminders-test-{uuid.uuid4().hex[:8]}@%h", "--loglevel", "INFO",
        ]  # fmt: skip
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: " ready." in self.log() or self.process.poll() is not None, what="the worker to start")
        assert self.process.poll() is None, f"the worker did not start:\n{self.log()}"

    def kill(self):
        """SIGKILL: no chance to finish anything, as when a machine dies."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path else ""


@pytest.fixture(scope="module")
def worker(postgres, redis_client, smtp, tmp_path_factory):
    worker = Worker(database_url=postgres, smtp_port=smtp.port, log_dir=tmp_path_factory.mktemp("worker"))
    worker.start()
    yield worker
    worker.stop()  # before pytest-django drops the test database the worker is connected to


@pytest.fixture(scope="module")
def beat(redis_client):
    """What beat does: put a task on its queue."""
    from celery import Celery

    from cooperation.celery import app as cooperation_app

    producer = Celery("reminders-test", broker=REDIS_URL)
    producer.conf.task_queues = cooperation_app.conf.task_queues
    producer.conf.task_routes = settings.CELERY_TASK_ROUTES
    producer.conf.broker_connection_retry_on_startup = True

    def send(task: str, **kwargs):
        return producer.send_task(f"cooperation.tasks.{task}", kwargs=kwargs)

    yield send
    producer.close()


@pytest.fixture
def services(worker, smtp, redis_client, beat, request):
    """A clean Redis database and SMTP log for each test; the worker's log when it fails."""
    clear(redis_client)
    smtp.reset()
    if smtp.controller is None:
        smtp.start()
    yield {"worker": worker, "smtp": smtp, "beat": beat}
    # pytest shows this only when the test failed.
    print(f"--- celery worker log (tail) ---\n{worker.log()[-6000:]}")
    smtp.handler.release.set()
    if smtp.controller is None:
        smtp.start()
    if worker.process.poll() is not None:
        worker.start()  # a test killed it


# ---------------------------------------------------------------------------------------------
# The cast
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def faculty(db):
    # The flush after each transactional test empties every table, the roles' groups included.
    for role in (roles.OFFICE, roles.COORDINATOR, roles.RECTOR):
        Group.objects.get_or_create(name=role)
    return UnitFactory(name="Faculty of Engineering")


@pytest.fixture
def people(faculty):
    return {
        "responsible": make_user("responsible", unit=faculty),
        "coordinator": make_user("coordinator", roles.COORDINATOR, unit=faculty),
    }


EVERYONE = {"responsible@university.example", "coordinator@university.example", MAILBOX}


def expiring(faculty, people, *, days: int, title: str = "Memorandum with METU"):
    return AgreementFactory(
        title=title,
        responsible_unit=faculty,
        responsible_person=people["responsible"],
        signed_on=timezone.localdate() - datetime.timedelta(days=400),
        valid_from=timezone.localdate() - datetime.timedelta(days=400),
        expires_on=timezone.localdate() + datetime.timedelta(days=days),
    )


def all_settled(count: int):
    def settled():
        states = list(Reminder.objects.exclude(state=Reminder.State.SKIPPED).values_list("state", flat=True))
        return len(states) == count and all(state == Reminder.State.SENT for state in states)

    return settled


def settle(smtp, seconds: float = 1.5):
    """Give a stray duplicate the time to arrive before counting."""
    time.sleep(seconds)
    return smtp.handler.recipients()


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------


def test_an_agreement_expiring_in_30_days_gets_exactly_one_email_per_recipient(services, faculty, people):
    smtp = services["smtp"]
    agreement = expiring(faculty, people, days=30)

    services["beat"]("reminders_sweep")

    wait_for(all_settled(3), what="three reminders sent")
    assert settle(smtp) == Counter({address: 1 for address in EVERYONE})
    subjects = {message["subject"] for message in smtp.handler.messages}
    assert subjects == {'Agreement "Memorandum with METU" expires in 30 days'}
    assert Reminder.objects.filter(item_id=agreement.pk, threshold_days=30, state="sent").count() == 3
    assert SweepRun.objects.count() == 1


def test_two_sweeps_started_at_the_same_moment_send_each_reminder_once(services, faculty, people):
    smtp = services["smtp"]
    for number in range(10):
        expiring(faculty, people, days=30, title=f"Memorandum {number}")

    # Two sweeps on the two worker processes, and a third one here, all at once.
    services["beat"]("reminders_sweep")
    services["beat"]("reminders_sweep")
    reminders_sweep(triggered_by="test")
    services["beat"]("reminders_requeue")

    wait_for(all_settled(30), what="thirty reminders sent")
    # A message delivered twice (beat firing twice, a redelivery after a lost ack) is harmless.
    for reminder_id in Reminder.objects.values_list("id", flat=True):
        services["beat"]("reminder_send", reminder_id=reminder_id)
    received = settle(smtp, seconds=3)
    assert received == Counter({address: 10 for address in EVERYONE})
    assert len({message["message_id"] for message in smtp.handler.messages}) == 30
    assert SweepRun.objects.count() == 3


def test_killing_the_worker_mid_sweep_and_starting_it_again_sends_each_reminder_once(services, faculty, people):
    smtp, worker = services["smtp"], services["worker"]
    for number in range(5):
        expiring(faculty, people, days=30, title=f"Memorandum {number}")
    smtp.handler.hold_from = 4  # four e-mails go through, then the server stalls

    services["beat"]("reminders_sweep")
    wait_for(smtp.handler.holding.is_set, what="a send in progress")
    wait_for(lambda: Reminder.objects.filter(state="sent").count() == 4, what="the accepted ones recorded")
    worker.kill()
    smtp.handler.hold_from = None
    smtp.handler.release.set()

    states = Counter(Reminder.objects.values_list("state", flat=True))
    assert states["sent"] == 4
    assert states["sending"] >= 1  # claimed by the dead worker, never finished
    assert smtp.handler.count() == 4

    worker.start()

    # Beat runs the requeue every ten minutes; here it is every second until all are out.
    def everything_sent():
        services["beat"]("reminders_requeue")
        return all_settled(15)()

    wait_for(everything_sent, interval=1.0, what="all fifteen reminders sent after the restart")
    received = settle(smtp)
    assert received == Counter({address: 5 for address in EVERYONE})
    assert len({message["message_id"] for message in smtp.handler.messages}) == 15


def test_with_the_smtp_server_down_reminders_stay_failed_and_go_out_once_it_is_back(services, faculty, people):
    smtp = services["smtp"]
    expiring(faculty, people, days=30)
    smtp.stop()

    services["beat"]("reminders_sweep")

    def all_failed():
        return Reminder.objects.filter(state="failed", attempts__gte=1).count() == 3

    wait_for(all_failed, what="three failed reminders")
    failed = Reminder.objects.filter(state="failed")
    assert all("refused" in reminder.error.lower() for reminder in failed), [r.error for r in failed]
    assert not Reminder.objects.filter(state="sent").exists()

    smtp.start()

    wait_for(all_settled(3), what="the reminders sent once the server is back")
    assert settle(smtp) == Counter({address: 1 for address in EVERYONE})
    assert all(attempts >= 2 for attempts in Reminder.objects.values_list("attempts", flat=True))


def test_an_outage_of_ten_days_sends_the_most_urgent_threshold_only(services, faculty, people):
    smtp = services["smtp"]
    today = timezone.localdate()
    agreement = expiring(faculty, people, days=0)
    ten_days_ago = timezone.now() - datetime.timedelta(days=10)
    SweepRun.objects.create(
        on=today - datetime.timedelta(days=10),
        started_at=ten_days_ago,
        finished_at=ten_days_ago,
        triggered_by="beat",
    )
    # Before the outage: the 30-day reminders went out; the 7-day ones were recorded by a
    # sweep whose messages were lost with the broker.
    for days, state in ((30, "sent"), (7, "pending")):
        for user in people.values():
            Reminder.objects.create(
                kind="agreement_expiry",
                item_id=agreement.pk,
                due_on=today,
                threshold_days=days,
                recipient=user,
                recipient_key=Reminder.user_key(user.pk),
                state=state,
                created_at=ten_days_ago,
                queued_at=ten_days_ago,
            )

    services["beat"]("reminders_sweep")

    wait_for(lambda: Reminder.objects.filter(threshold_days=0, state="sent").count() == 3, what="the day-0 ones")
    assert settle(smtp) == Counter({address: 1 for address in EVERYONE})
    assert {message["subject"] for message in smtp.handler.messages} == {
        'Agreement "Memorandum with METU" expires today'
    }
    assert set(Reminder.objects.filter(threshold_days=7).values_list("state", "skip_reason")) == {
        ("skipped", "superseded")
    }


def test_the_sweep_costs_the_same_queries_for_20_and_2000_records(postgres, faculty, people):
    from agreements.models import Agreement
    from cooperation.visits.models import Visit

    today = timezone.localdate()

    def build(count: int) -> None:
        Agreement.objects.bulk_create(
            Agreement(
                title=f"Agreement {number}",
                status=Agreement.Status.SIGNED,
                responsible_unit=faculty,
                signed_on=today - datetime.timedelta(days=400),
                expires_on=today + datetime.timedelta(days=number % 200),
            )
            for number in range(count)
        )
        Visit.objects.bulk_create(
            Visit(
                title=f"Visit {number}",
                host_unit=faculty,
                starts_on=today + datetime.timedelta(days=number % 10),
                ends_on=today + datetime.timedelta(days=number % 10),
            )
            for number in range(count // 5)
        )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            reminders_sweep(triggered_by="test")
        return len(captured)

    build(20)
    few = queries()
    Reminder.objects.all().delete()
    SweepRun.objects.all().delete()
    build(2000)

    assert queries() == few
    assert Reminder.objects.count() > 2000
