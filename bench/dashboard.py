"""Benchmark (not a test): the rector's dashboard at 10,000 partners, 50,000 agreements and
200,000 mobility participants.

    .venv/bin/python bench/dashboard.py [--partners 10000] [--agreements 50000]
                                        [--participants 200000] [--visits 20000] [--runs 20]

Creates a throwaway PostgreSQL database (on BENCH_DATABASE_SERVER, by default
postgres://postgres@127.0.0.1:5432), migrates it, fills it with bulk_create, and asks for the
dashboard through Django's test Client as a user of the rector's office (DEBUG off, so no query
log slows it): the median and 95th-percentile response time and the SQL query count of the page
without filters, with filters, and of its Excel and PDF exports. The database is dropped at the end.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DATABASE = f"coop_bench_{uuid.uuid4().hex[:8]}"
COUNTRIES = "TR CN KZ DE US KR FR UZ KG RU PL IT ES GB JP IN IR AE MY CZ".split()


def create_database() -> None:
    import psycopg2

    admin = psycopg2.connect(f"{SERVER}/postgres")
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{DATABASE}"')
    admin.close()


def drop_database() -> None:
    import psycopg2

    admin = psycopg2.connect(f"{SERVER}/postgres")
    admin.autocommit = True
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    admin.close()


def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "cooperation.settings"
    # As in production, but over plain HTTP from the test Client.
    os.environ["DEBUG"] = "false"
    os.environ["HTTPS"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-" + uuid.uuid4().hex)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    # The cache as in production (Redis); "uncached" runs empty it before every request.
    os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build(*, partners: int, agreements: int, participants: int, visits: int, today: datetime.date, seed: int = 1):
    """Twenty faculties; partners of every kind in twenty countries; agreements over fifteen
    years in every state with one or two partners each; visits two years back and one ahead;
    programs of the last six academic years with their participants; quotas for this year."""
    from django.contrib.auth.models import User

    from agreements.models import Agreement, AgreementParty, Quota
    from cooperation.lib.academic_years import academic_year_of
    from cooperation.visits.models import FollowUpAction, Visit
    from mobility.models import Participant, Program
    from partners.models import Institution, Unit

    rng = random.Random(seed)
    started = time.perf_counter()
    university = Unit.objects.create(name="Bench university", kind=Unit.Kind.UNIVERSITY)
    units = Unit.objects.bulk_create(
        Unit(name=f"Bench faculty {number}", kind=Unit.Kind.FACULTY, parent=university) for number in range(20)
    )
    kinds = [kind for kind, _label in Institution.Kind.choices]
    institutions = Institution.objects.bulk_create(
        (
            Institution(
                name=f"Bench partner {number}",
                country=rng.choice(COUNTRIES),
                kind=rng.choices(kinds, weights=[50, 8, 4, 6, 10, 5, 3, 2, 4, 4, 4])[0],
                status=rng.choices(["active", "prospective", "inactive"], weights=[80, 10, 10])[0],
                search_text=f"bench partner {number}",
            )
            for number in range(partners)
        ),
        batch_size=5000,
    )
    agreement_kinds = [kind for kind, _label in Agreement.Kind.choices]

    def agreement(number: int) -> Agreement:
        status = rng.choices(["signed", "draft", "negotiation", "renewed", "terminated"], weights=[70, 8, 7, 10, 5])[0]
        signed = today - datetime.timedelta(days=rng.randint(1, 15 * 365)) if status != "draft" else None
        if status == "negotiation":
            signed = None
        expires = (signed or today) + datetime.timedelta(days=rng.randint(365, 6 * 365)) if rng.random() < 0.9 else None
        auto_renews = expires is not None and rng.random() < 0.1
        return Agreement(
            title=f"Bench agreement {number}",
            kind=rng.choice(agreement_kinds),
            status=status,
            responsible_unit=rng.choice(units),
            signed_on=signed,
            valid_from=signed,
            expires_on=expires,
            auto_renews=auto_renews,
            renewal_term_months=12 if auto_renews else None,
            terminated_on=today if status == "terminated" else None,
            termination_reason="Bench" if status == "terminated" else "",
        )

    made = Agreement.objects.bulk_create((agreement(number) for number in range(agreements)), batch_size=5000)

    def parties():
        for item in made:
            for institution in rng.sample(institutions, rng.choice([1, 1, 1, 2])):
                yield AgreementParty(agreement=item, institution=institution)

    AgreementParty.objects.bulk_create(parties(), batch_size=10000)
    signed = [item for item in made if item.status == "signed"]
    this_year = academic_year_of(today)
    Quota.objects.bulk_create(
        (
            Quota(
                agreement=item,
                first_academic_year=this_year,
                last_academic_year=this_year,
                direction=rng.choice(["outgoing", "incoming"]),
                category="student_studies",
                places=rng.randint(1, 6),
            )
            for item in rng.sample(signed, min(len(signed), agreements // 10))
        ),
        batch_size=5000,
    )
    start_year = int(this_year[:4])
    years = [f"{year}/{year + 1}" for year in range(start_year - 5, start_year + 1)]
    programs = Program.objects.bulk_create(
        (
            Program(
                title=f"Bench program {number}",
                unit=rng.choice(units),
                agreement=rng.choice(signed),
                academic_year=rng.choice(years),
            )
            for number in range(max(participants // 40, 1))
        ),
        batch_size=5000,
    )

    def participant(number: int) -> Participant:
        program = rng.choice(programs)
        month = rng.choice([9, 10, 2, 3])  # the autumn or the spring semester
        return Participant(
            program=program,
            direction=rng.choice(["outgoing", "incoming"]),
            kind=rng.choices(["student", "staff"], weights=[80, 20])[0],
            full_name=f"Bench participant {number}",
            unit=program.unit,
            partner_institution=rng.choice(institutions),
            status=rng.choices(["accepted", "abroad", "completed", "withdrawn"], weights=[20, 20, 50, 10])[0],
            starts_on=datetime.date(int(program.academic_year[:4]) + (month < 9), month, 1),
        )

    Participant.objects.bulk_create((participant(number) for number in range(participants)), batch_size=10000)
    visit_kinds = [kind for kind, _label in Visit.Kind.choices]

    def visit(number: int) -> Visit:
        starts = today + datetime.timedelta(days=rng.randint(-730, 365))
        return Visit(
            title=f"Bench visit {number}",
            kind=rng.choice(visit_kinds),
            status="cancelled" if rng.random() < 0.05 else ("held" if starts < today else "planned"),
            starts_on=starts,
            ends_on=starts + datetime.timedelta(days=rng.randint(0, 3)),
            host_unit=rng.choice(units),
        )

    made_visits = Visit.objects.bulk_create((visit(number) for number in range(visits)), batch_size=5000)
    Visit.partners.through.objects.bulk_create(
        (Visit.partners.through(visit=item, institution=rng.choice(institutions)) for item in made_visits),
        batch_size=10000,
    )
    owner = User.objects.create(username="bench-owner")
    FollowUpAction.objects.bulk_create(
        (
            FollowUpAction(
                visit=item,
                description="Send the minutes",
                owner=owner,
                due_on=item.ends_on + datetime.timedelta(days=14),
                done_on=item.ends_on + datetime.timedelta(days=10) if rng.random() < 0.7 else None,
            )
            for item in made_visits[: visits // 2]
        ),
        batch_size=5000,
    )
    return units, time.perf_counter() - started


def measure(
    client, label: str, url: str, runs: int, slowest: int = 0, cached: bool = False
) -> tuple[float, float, int]:
    from django.core.cache import cache
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - started, sql))

    cache.clear()
    with connection.execute_wrapper(count):
        response = client.get(url)  # the first call also warms the caches of PostgreSQL
    assert response.status_code == 200, (url, response.status_code)
    if cached:
        queries.clear()
        with connection.execute_wrapper(count):
            client.get(url)
    seconds = []
    for _ in range(runs):
        if not cached:
            cache.clear()  # computed afresh from the database, as after any change to a record
        started = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds) * 1000
    p95 = statistics.quantiles(seconds, n=20, method="inclusive")[18] * 1000 if len(seconds) > 1 else median
    print(f"{label:<52} median {median:7.1f} ms   p95 {p95:7.1f} ms   {len(queries):3d} queries")
    for seconds_taken, sql in sorted(queries, reverse=True)[:slowest]:
        print(f"    {seconds_taken * 1000:7.1f} ms  {sql[:150]}")
    return median, p95, len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--agreements", type=int, default=50_000)
    parser.add_argument("--participants", type=int, default=200_000)
    parser.add_argument("--visits", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--slowest", type=int, default=0, help="print the N slowest queries of each page")
    arguments = parser.parse_args()

    create_database()
    try:
        setup_django()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.utils import timezone

        from cooperation import roles
        from cooperation.tests.factories import make_user

        call_command("migrate", verbosity=0)
        print(f"PostgreSQL {connection.pg_version // 10000}, database {DATABASE} (dropped at the end)")
        today = timezone.localdate()
        units, built = build(
            partners=arguments.partners,
            agreements=arguments.agreements,
            participants=arguments.participants,
            visits=arguments.visits,
            today=today,
        )
        connection.cursor().execute("ANALYZE")
        print(
            f"built {arguments.partners:,} partners, {arguments.agreements:,} agreements, "
            f"{arguments.participants:,} participants and {arguments.visits:,} visits in {built:.1f} s"
        )
        client = Client()
        client.force_login(make_user("bench-rector", roles.RECTOR))
        runs = arguments.runs
        measure(client, "dashboard, no filter (uncached)", "/dashboard/", runs, arguments.slowest)
        measure(client, "dashboard, no filter (cached)", "/dashboard/", runs, cached=True)
        measure(client, "dashboard, one faculty, Türkiye, universities",
                f"/dashboard/?unit={units[0].pk}&country=TR&partner_kind=university", runs)  # fmt: skip
        measure(client, "dashboard, region Central Asia", "/dashboard/?region=central_asia", runs)
        measure(client, "dashboard, the previous academic year", f"/dashboard/?academic_year={today.year - 2}/{today.year - 1}", runs)  # fmt: skip
        measure(client, "Excel workbook", "/dashboard/report.xlsx", max(runs // 4, 1))
        measure(client, "PDF report", "/dashboard/report.pdf", max(runs // 4, 1))
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        drop_database()


if __name__ == "__main__":
    sys.exit(main())
