"""How fast each report renders over 50,000 enrollments and 5,000 cohorts (the issue: under a second each).

    .venv/bin/python bench/reports.py [--reuse-db] [--runs 3] [--explain]

Its own PostgreSQL database (`BENCH_REPORTS_DB`, default oskus_bench_reports; dropped and recreated unless
--reuse-db), loaded by bench/reports_loader.py. Each report page is rendered in-process through Django's test
client as a coordinator (the whole admin page: filters, tables, charts' data, the map), `--runs` times after one
warm-up; the median wall time and the number of queries are printed, and the same for every download.
--explain prints PostgreSQL's plan of each report's slowest query.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_REPORTS_DB", "oskus_bench_reports")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse-db", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if not args.reuse_db:
        for sql in (f"DROP DATABASE IF EXISTS {DB}", f"CREATE DATABASE {DB}",
                    f"ALTER DATABASE {DB} SET random_page_cost = 1.1"):
            subprocess.run(["psql", f"{PG}/postgres", "-q", "-c", sql], check=True)
    os.environ["DATABASE_URL"] = f"{PG}/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oskus.settings.test")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from accounts.models import User
    from bench import reports_loader
    from enrollment.models import Cohort, Enrollment

    if not args.reuse_db:
        call_command("migrate", "--noinput", verbosity=0)
        started = time.perf_counter()
        print("# loaded", reports_loader.load(), f"in {time.perf_counter() - started:.0f} s", flush=True)
    setup_test_environment()
    print(f"# data: {Cohort.objects.count()} cohorts, {Enrollment.objects.count()} enrollments")
    coordinator, _ = User.objects.get_or_create(email="bench-coordinator@bench.ee",
                                                defaults={"is_superuser": True, "is_staff": True})
    client = Client()
    client.force_login(coordinator)
    from reports.views import REPORTS

    pages = [(name, reverse("reports:report", args=[name])) for name in REPORTS]
    pages.append(("desk", reverse("wagtailadmin_home")))
    pages.append(("participants_csv", reverse("reports:download", args=["participants", "municipality", "csv"])))
    pages.append(("delivery_xlsx", reverse("reports:download", args=["delivery", "delivery", "xlsx"])))
    pages.append(("trends_filtered", reverse("reports:report", args=["trends"]) + "?funding=x&date_from=2025-01-01"))
    for name, url in pages:
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        times, queries = [], 0
        for _run in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                b"".join(response.streaming_content) if response.streaming else response.content
                times.append((time.perf_counter() - started) * 1000)
            queries = len(captured)
        print(f"page={name} median_ms={statistics.median(times):.0f} max_ms={max(times):.0f} queries={queries}",
              flush=True)
        if args.explain and name in REPORTS:
            slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + slowest["sql"])
                print("\n".join("    " + row[0] for row in cursor.fetchall()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
