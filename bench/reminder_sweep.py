"""Benchmark (not a test): the daily reminder sweep over 100,000 agreements and 20,000 visits.

    .venv/bin/python bench/reminder_sweep.py [--agreements 100000] [--visits 20000]

Creates a throwaway PostgreSQL database (bench/common.py: on BENCH_DATABASE_SERVER, by default
postgres://postgres@127.0.0.1:5432), migrates it, fills it with bulk_create, and times the sweep
with its SQL query count: first at a hundredth of the size, then at full size (the counts must
be equal: the sweep's queries do not grow with the data), then the next morning's sweep and a
second sweep the same morning (nothing new). The database is dropped at the end.
"""

import argparse
import datetime
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import new_database_name, setup_django, throwaway_database  # noqa: E402

DATABASE = new_database_name()


def build(*, agreements: int, visits: int, today: datetime.date, seed: int) -> None:
    """Units with a coordinator each, 200 responsible people, and the records, spread over time
    the way a long-running office's are: most expire years away, some are open-ended, some
    renew themselves; visits from a year ago to a year ahead."""
    from django.contrib.auth.models import Group, User

    from agreements.models import Agreement
    from cooperation import roles
    from cooperation.visits.models import Visit
    from partners.models import Profile, Unit

    rng = random.Random(seed)
    units = Unit.objects.bulk_create(
        Unit(name=f"Bench faculty {seed}-{number}", kind=Unit.Kind.FACULTY) for number in range(20)
    )
    people = User.objects.bulk_create(
        User(username=f"bench-{seed}-{number}", email=f"bench-{seed}-{number}@university.example")
        for number in range(220)
    )
    Profile.objects.bulk_create(
        Profile(user=user, unit=units[number % 20] if number < 20 else None, language=rng.choice(["en", "ru", "kk"]))
        for number, user in enumerate(people)
    )
    coordinators = Group.objects.get(name=roles.COORDINATOR)
    coordinators.user_set.add(*people[:20])
    responsible = people[20:]

    def agreement(number: int) -> Agreement:
        signed = today - datetime.timedelta(days=rng.randint(30, 3000))
        kind = rng.random()
        auto_renews = kind < 0.10
        expires = None if 0.10 <= kind < 0.15 else today + datetime.timedelta(days=rng.randint(-60, 5 * 365))
        if auto_renews:
            expires = signed + datetime.timedelta(days=rng.randint(365, 3 * 365))
        return Agreement(
            title=f"Bench agreement {seed}-{number}",
            status=Agreement.Status.SIGNED if rng.random() < 0.9 else Agreement.Status.NEGOTIATION,
            responsible_unit=rng.choice(units),
            responsible_person=rng.choice(responsible),
            signed_on=signed,
            valid_from=signed,
            expires_on=max(expires, signed + datetime.timedelta(days=1)) if expires else None,
            auto_renews=auto_renews,
            renewal_term_months=12 if auto_renews else None,
            renewal_notice_days=rng.choice([30, 60, 90]) if auto_renews else None,
        )

    Agreement.objects.bulk_create((agreement(number) for number in range(agreements)), batch_size=5000)

    def visit(number: int) -> Visit:
        starts = today + datetime.timedelta(days=rng.randint(-365, 365))
        return Visit(
            title=f"Bench visit {seed}-{number}",
            host_unit=rng.choice(units),
            responsible_person=rng.choice(responsible),
            starts_on=starts,
            ends_on=starts + datetime.timedelta(days=rng.randint(0, 4)),
        )

    Visit.objects.bulk_create((visit(number) for number in range(visits)), batch_size=5000)


def measure(label: str, on: datetime.date) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cooperation.reminders.models import Reminder
    from cooperation.reminders.sweep import reminders_sweep

    before = Reminder.objects.count()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = reminders_sweep(on=on, triggered_by="bench")
        seconds = time.perf_counter() - started
    recorded = Reminder.objects.count() - before
    print(
        f"{label:<44} {seconds:7.2f} s  {len(queries):3d} queries  "
        f"{report.due_items:6d} records due  {len(report.planned):6d} reminders planned  {recorded:6d} new rows"
    )
    return seconds, len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=20_000)
    arguments = parser.parse_args()

    with throwaway_database(DATABASE):
        setup_django(DATABASE)
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from cooperation.reminders.models import Reminder, SweepRun

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"PostgreSQL {connection.pg_version // 10000}, database {DATABASE} (dropped at the end)")
        today = timezone.localdate()

        small = (arguments.agreements // 100, arguments.visits // 100)
        build(agreements=small[0], visits=small[1], today=today, seed=1)
        _, small_queries = measure(f"sweep, {small[0]:,} agreements + {small[1]:,} visits", today)
        Reminder.objects.all().delete()
        SweepRun.objects.all().delete()

        build(agreements=arguments.agreements - small[0], visits=arguments.visits - small[1], today=today, seed=2)
        connection.cursor().execute("ANALYZE")
        print(f"built {arguments.agreements:,} agreements and {arguments.visits:,} visits in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        _, full_queries = measure(f"first sweep, {arguments.agreements:,} + {arguments.visits:,}", today)
        measure("the same morning again (nothing new)", today)
        measure("the next morning", today + datetime.timedelta(days=1))
        print(f"queries: {small_queries} at 1/100 of the size, {full_queries} at full size")
        return 0 if small_queries == full_queries else 1


if __name__ == "__main__":
    sys.exit(main())
