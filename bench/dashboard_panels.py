"""Benchmark (not a test): the uncached dashboard of an existing, seeded database, panel by panel.

    DATABASE_URL=postgres://…/coop_x REDIS_URL=redis://127.0.0.1:6379/N \\
        .venv/bin/python bench/dashboard_panels.py [--runs 5] [--pages 15]

For each filter of the dashboard (none, a country, a region, a kind of partner, our unit, the
previous academic year): every selector's queries are captured once and each is run again under
EXPLAIN (ANALYZE, TIMING OFF) `--runs` times; a panel's SQL time is the sum of its queries' execution times,
median over the runs (steadier than wall time on a shared machine). Then the whole page, with the
cache emptied before each request, `--pages` times through Django's test Client (median and p95).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cooperation.settings")
    os.environ["DEBUG"] = "false"
    os.environ["HTTPS"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("SECRET_KEY", "bench-dashboard-panels")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def filter_sets():
    from dataclasses import replace

    from cooperation.dashboard import selectors
    from partners.models import Unit

    base = selectors.default_filters()
    unit = Unit.objects.filter(kind=Unit.Kind.FACULTY).order_by("pk").first()
    return {
        "no filter": (base, {}),
        "country=KZ": (replace(base, country="KZ"), {"country": "KZ"}),
        "region=central_asia": (replace(base, region="central_asia"), {"region": "central_asia"}),
        "partner_kind=university": (
            replace(base, partner_kind="university"),
            {"partner_kind": "university"},
        ),
        "unit": (replace(base, unit=unit), {"unit": unit.pk}),
        "previous academic year": (
            replace(base, academic_year=selectors.previous_academic_year(base.academic_year)),
            {"academic_year": selectors.previous_academic_year(base.academic_year)},
        ),
    }


def panels():
    from cooperation.dashboard import selectors as s

    return {
        "figures: partners": s.figure_partners,
        "figures: agreements (in force, expiring, signed)": lambda filters: [
            s.figure_agreements_in_force(filters=filters),
            s.figure_agreements_expiring(filters=filters),
            s.figure_agreements_signed(filters=filters),
        ],
        "figures: visits": lambda filters: [
            s.figure_visits_received(filters=filters),
            s.figure_visits_sent(filters=filters),
        ],
        "figures: mobility": lambda filters: [
            s.figure_mobility_outgoing(filters=filters),
            s.figure_mobility_incoming(filters=filters),
        ],
        "chart: signed per year": s.chart_agreements_signed_per_year,
        "chart: mobility per year": s.chart_mobility_per_year,
        "chart: visits per quarter": s.chart_visits_per_quarter,
        "chart: partners by country": s.chart_partners_by_country,
        "map": s.map_agreements_in_force,
        "list: expiring": s.list_expiring_agreements,
        "list: overdue actions": s.list_overdue_actions,
        "list: dormant": s.list_dormant_agreements,
        "list: unused quotas": s.list_unused_quotas,
        "list: upcoming visits": s.list_upcoming_visits,
    }


def sql_ms(function, filters, runs: int) -> float:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function(filters)
    statements = [query["sql"] for query in captured.captured_queries]
    totals = []
    with connection.cursor() as cursor:
        for _run in range(runs):
            total = 0.0
            for sql in statements:
                cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = plan if isinstance(plan, list) else json.loads(plan)
                total += plan[0]["Execution Time"]
            totals.append(total)
    return statistics.median(totals)


def page_ms(params: dict, pages: int) -> tuple[float, float]:
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.test import Client

    from cooperation import roles

    user = User.objects.filter(groups__name=roles.RECTOR).first() or User.objects.filter(is_superuser=True).first()
    if user is None:  # seed_bulk makes staff and coordinators only
        user = User.objects.create_superuser("bench-dashboard", "bench@uni.example", None)
    client = Client()
    client.force_login(user)
    times = []
    for _page in range(pages + 1):
        cache.clear()
        started = time.perf_counter()
        response = client.get("/dashboard/", params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    times = sorted(times[1:])  # the first warms the process
    return statistics.median(times), times[max(0, int(round(0.95 * len(times))) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", type=int, default=15)
    parser.add_argument("--only", default="", help="Only the filter sets whose name contains this.")
    arguments = parser.parse_args()
    setup()
    from agreements.models import Agreement

    print(f"{Agreement.objects.count():,} agreements")
    for name, (filters, params) in filter_sets().items():
        if arguments.only not in name:
            continue
        print(f"\n## {name}")
        total = 0.0
        for panel, function in panels().items():
            ms = sql_ms(lambda filters, function=function: function(filters=filters), filters, arguments.runs)
            total += ms
            print(f"| {panel} | {ms:.1f} |")
        print(f"| SQL, all panels | {total:.1f} |")
        if arguments.pages:
            median, p95 = page_ms(params, arguments.pages)
            print(f"| page, uncached, median / p95 ms | {median:.0f} / {p95:.0f} |")


if __name__ == "__main__":
    main()
