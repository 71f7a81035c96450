"""How fast each report renders over 50,000 enrollments and 5,000 cohorts (the issue: under a second each).

    .venv/bin/python bench/reports.py [--reuse-db] [--runs 3] [--explain]

Its own PostgreSQL database (`BENCH_REPORTS_DB`, default oskus_bench_reports; dropped and recreated unless
--reuse-db), loaded by bench/reports_loader.py. Each report page is rendered in-process through Django's test
client as a coordinator (the whole admin page: filters, tables, charts' data, the map), `--runs` times after one
warm-up; the median wall time and the number of queries are printed, and the same for every download.
--explain prints PostgreSQL's plan of each report's slowest query.
"""

import argparse
import datetime as dt
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
    from django.utils import timezone

    from accounts.models import User
    from bench import reports_loader
    from enrollment.models import Cohort, Enrollment

    call_command("migrate", "--noinput", verbosity=0)  # with --reuse-db too: new indexes reach the old data
    if not args.reuse_db:
        started = time.perf_counter()
        print("# loaded", reports_loader.load(), f"in {time.perf_counter() - started:.0f} s", flush=True)
    setup_test_environment()
    print(f"# data: {Cohort.objects.count()} cohorts, {Enrollment.objects.count()} enrollments")
    coordinator, _ = User.objects.get_or_create(email="bench-coordinator@bench.ee",
                                                defaults={"is_superuser": True, "is_staff": True})
    client = Client()
    client.force_login(coordinator)
    from accounts.models import County
    from courses.pages import CoursePage
    from reports.definitions import REPORTS

    county = County.objects.get(name="Tartu maakond").pk
    course = CoursePage.objects.filter(cohorts__isnull=False).order_by("pk").values_list("pk", flat=True).first()
    year_ago = (timezone.localdate() - dt.timedelta(days=365)).isoformat()
    half_year_ago = (timezone.localdate() - dt.timedelta(days=182)).isoformat()
    pages = [(name, reverse("reports:report", args=[name])) for name in REPORTS]
    pages.append(("programme_page_20", reverse("reports:report", args=["programme"]) + "?page=20"))
    for name in REPORTS:  # the same report for one county, one course and half a year
        pages.append((f"{name}_county", reverse("reports:report", args=[name]) + f"?county={county}"))
        pages.append((f"{name}_course", reverse("reports:report", args=[name]) + f"?course={course}"))
        pages.append((f"{name}_period", reverse("reports:report", args=[name])
                      + f"?date_from={year_ago}&date_to={half_year_ago}"))
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
        if args.explain and name.split("_")[0] in REPORTS and not name.endswith(("csv", "xlsx")):
            slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + slowest["sql"])
                print("\n".join("    " + row[0] for row in cursor.fetchall()))
    # The programme's whole table, as the background download task builds it (every person, not a page).
    from django.test import override_settings

    from reports import downloads
    from reports.scope import Scope

    for fmt in ("csv", "xlsx"):
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
            export = downloads.export_request(user=coordinator, report="programme", table="programme", fmt=fmt,
                                              scope=Scope(now=timezone.now()))
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            downloads.export_build(export_id=export.pk)
        export.refresh_from_db()
        print(f"task=programme_{fmt} ms={(time.perf_counter() - started) * 1000:.0f} rows={export.rows} "
              f"queries={len(captured)} state={export.state}", flush=True)
        downloads._delete([export])
    return 0


if __name__ == "__main__":
    sys.exit(main())
