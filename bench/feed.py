"""Benchmark: the personal calendar feed of a person with 200 sessions, gunicorn + PostgreSQL on loopback.

    .venv/bin/python bench/feed.py                  # needs PostgreSQL at 127.0.0.1:5432 and `wrk`
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oskus_bench_feed PORT=8765 .venv/bin/python bench/feed.py

Steps: create the database (if missing) and migrate; create a specialist who attends 100 sessions and
teaches 100 (idempotent); start gunicorn (2 workers, production settings, CONN_MAX_AGE=60); run `wrk`
against the feed with and without `If-None-Match`; print one line per scenario:

    page=healthz rps=... p50_ms=... p99_ms=...              reference: a bare view on the same machine
    page=personal_feed rps=... p50_ms=... p99_ms=...        full body (built once, then from the cache)
    page=personal_feed_304 rps=... p50_ms=... p99_ms=...    a calendar app re-polling an unchanged feed
    page=personal_feed_build ms_per_request=...             in-process, cache cleared before every request
"""

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import ensure_database, free_port, production_env  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/oskus_bench_feed")
PORT = int(os.environ.get("PORT") or free_port())  # a free port: other benchmarks may run beside this one
DURATION = os.environ.get("BENCH_DURATION", "10s")
USER_EMAIL = "bench-feed@example.ee"


def environment() -> dict:
    return production_env(DATABASE_URL, PORT)


def seed() -> None:
    """Runs inside Django (`feed.py --seed`): the person, 10 cohorts, 200 sessions. Prints the feed path."""
    import datetime as dt

    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User
    from enrollment.models import EnrollmentEvent, EnrollmentStatus, Session
    from tests import factories

    user = User.objects.filter(email=USER_EMAIL).first()
    if user is None:
        user = factories.UserFactory(email=USER_EMAIL, full_name="Mari Mägi")
        venue = factories.VenueFactory(name="Tartu Loomemajanduskeskus", address="Kalevi 17, Tartu")
        start = timezone.now() + dt.timedelta(days=1)
        for c in range(10):
            teaching = c >= 5
            cohort = factories.CohortFactory(trainers=[user] if teaching else None)
            if not teaching:
                enrollment = factories.EnrollmentFactory(user=user, cohort=cohort, status=EnrollmentStatus.CONFIRMED)
                EnrollmentEvent.objects.create(enrollment=enrollment, from_status="", to_status="confirmed")
            for s in range(20):
                begins = start + dt.timedelta(days=c * 20 + s)
                Session.objects.create(cohort=cohort, starts_at=begins, ends_at=begins + dt.timedelta(hours=3),
                                       venue=venue if s % 2 else None,
                                       online_url="" if s % 2 else "https://meet.example.ee/oskus")
    print(reverse("personal_feed", kwargs={"token": user.profile.calendar_token}))


def build_time(path: str) -> None:
    """Runs inside Django (`feed.py --build PATH`): ms per request with the body cache cleared each time."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.cache import cache
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.get(path)
    rounds = 20
    started = time.perf_counter()
    for _ in range(rounds):
        cache.clear()
        assert client.get(path).status_code == 200
    print(f"{(time.perf_counter() - started) * 1000 / rounds:.1f}")


def wrk(url: str, *headers: str) -> tuple[float, float, float]:
    args = ["wrk", "-t2", "-c8", f"-d{DURATION}", "--latency", url]
    for header in headers:
        args += ["-H", header]
    output = subprocess.run(args, capture_output=True, text=True, check=True).stdout

    def ms(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise SystemExit(f"wrk saw {non_2xx.group(1)} error responses for {url}")
    return rps, ms("50"), ms("99")


def main() -> None:
    env = environment()
    ensure_database(DATABASE_URL)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    path = subprocess.run([PYTHON, __file__, "--seed"], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True).stdout.strip().splitlines()[-1]
    server = subprocess.Popen([GUNICORN, "oskus.wsgi:application", "-w", "2", "-b", f"127.0.0.1:{PORT}",
                               "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        url = f"http://127.0.0.1:{PORT}{path}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    etag = response.headers["ETag"]
                    body = response.read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer")
        print(f"# feed of {body.count(b'BEGIN:VEVENT')} events, {len(body)} bytes, wrk -t2 -c8 -d{DURATION}")
        rps, p50, p99 = wrk(f"http://127.0.0.1:{PORT}/healthz")
        print(f"page=healthz rps={rps:.0f} p50_ms={p50:.2f} p99_ms={p99:.2f}  (reference: a bare view, same machine)")
        rps, p50, p99 = wrk(url)
        print(f"page=personal_feed rps={rps:.0f} p50_ms={p50:.2f} p99_ms={p99:.2f}")
        rps, p50, p99 = wrk(url, f"If-None-Match: {etag}")
        print(f"page=personal_feed_304 rps={rps:.0f} p50_ms={p50:.2f} p99_ms={p99:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    build = subprocess.run([PYTHON, __file__, "--build", path], cwd=ROOT, env=env, check=True,
                           capture_output=True, text=True).stdout.strip().splitlines()[-1]
    print(f"page=personal_feed_build ms_per_request={build}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seed"]:
        seed()
    elif sys.argv[1:2] == ["--build"]:
        build_time(sys.argv[2])
    else:
        main()
