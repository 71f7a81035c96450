"""Benchmark: N logged-in clients enroll at the same moment into a cohort of C places (gunicorn + PostgreSQL).

    .venv/bin/python bench/enroll_burst.py                       # 1000 clients, 50 places
    CLIENTS=200 SEATS=10 WORKERS=4 THREADS=4 .venv/bin/python bench/enroll_burst.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oskus_bench_enroll .venv/bin/python bench/enroll_burst.py

Steps: create the database (if missing) and migrate; start a private redis-server (REDIS_URL, as production
has); create N specialists (once) and a fresh logged-in session for each (bench/sessions.py: database and
cache, as a log-in writes them); create a new open cohort of C places with one session; start gunicorn
(production settings, CONN_MAX_AGE=60, gthread workers) on loopback; N threads, each with its own HTTP
connection, wait at a barrier and POST the enroll form at once (CSRF cookie + header, as a browser would).
Prints one line and fails unless exactly C are confirmed and everybody else is wait-listed:

    enroll_burst seats=C clients=N confirmed=… waitlisted=… errors=… p50_ms=… p99_ms=… seconds=…
"""

import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import ensure_database, free_port, production_env, start_redis, stop  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/oskus_bench_enroll")
CLIENTS = int(os.environ.get("CLIENTS", "1000"))
SEATS = int(os.environ.get("SEATS", "50"))
WORKERS = os.environ.get("WORKERS", "4")
THREADS = os.environ.get("THREADS", "4")
CSRF_SECRET = "b" * 32  # the cookie holds the secret; the header may carry it unmasked


PORT = int(os.environ.get("PORT") or free_port())


def environment() -> dict:
    return production_env(DATABASE_URL, PORT, EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                          LOG_LEVEL="WARNING")


def _django():
    import django

    django.setup()


def seed(clients: int, seats: int) -> None:
    """Inside Django (`--seed N C`): users, one fresh session each, a new cohort. Prints JSON."""
    _django()
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Profile, User
    from bench.sessions import logged_in_sessions
    from enrollment.models import Cohort, Session
    from tests import factories

    emails = [f"burst{i:05d}@example.ee" for i in range(clients)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create([User(email=e, full_name=f"Koormus Test {e[5:10]}", password="!")  # noqa: S106
                              for e in emails if e not in existing])
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    have_profile = set(Profile.objects.filter(user__in=users).values_list("user_id", flat=True))
    Profile.objects.bulk_create([Profile(user=u) for u in users if u.pk not in have_profile])

    keys = logged_in_sessions(users)

    factories.home_page()
    course = factories.CoursePageFactory(title=f"Koormustest {int(time.time())}",
                                         slug=f"koormus-{secrets.token_hex(4)}")
    now = timezone.now()
    cohort = Cohort.objects.create(course=course, code=f"burst-{secrets.token_hex(6)}", capacity=seats,
                                   registration_opens=now - dt.timedelta(days=1),
                                   registration_closes=now + dt.timedelta(days=10))
    Session.objects.create(cohort=cohort, starts_at=now + dt.timedelta(days=20),
                           ends_at=now + dt.timedelta(days=20, hours=6))
    print(json.dumps({"cohort": cohort.pk, "path": reverse("enroll", args=[cohort.pk]), "sessions": keys}))


def count(cohort_id: int) -> None:
    """Inside Django (`--count COHORT`): statuses of the cohort's enrollments as JSON."""
    _django()
    from django.db.models import Count

    from enrollment.models import Enrollment

    rows = Enrollment.objects.filter(cohort_id=cohort_id).values("status").annotate(n=Count("id")).order_by()
    print(json.dumps({row["status"]: row["n"] for row in rows}))


def burst(path: str, session_keys: list[str]) -> tuple[list[float], int]:
    barrier = threading.Barrier(len(session_keys))
    latencies, errors, lock = [], [0], threading.Lock()
    body = "agree=on"

    def client(key: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        headers = {"Cookie": f"sessionid={key}; csrftoken={CSRF_SECRET}", "X-CSRFToken": CSRF_SECRET,
                   "Content-Type": "application/x-www-form-urlencoded", "Host": "127.0.0.1",
                   "Referer": f"http://127.0.0.1:{PORT}{path}"}
        try:
            barrier.wait(timeout=120)
            started = time.perf_counter()
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            ok = response.status == 302 and "my-trainings" in (response.getheader("Location") or "")
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors[0] += 1
        except Exception:
            with lock:
                errors[0] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(key,), daemon=True) for key in session_keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    redis, redis_url = start_redis()
    try:
        _run({**environment(), "REDIS_URL": redis_url})
    finally:
        stop(redis)


def _run(env: dict) -> None:
    ensure_database(DATABASE_URL)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    seeded = json.loads(subprocess.run([PYTHON, __file__, "--seed", str(CLIENTS), str(SEATS)], cwd=ROOT, env=env,
                                       check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    server = subprocess.Popen([GUNICORN, "oskus.wsgi:application", "-k", "gthread", "-w", WORKERS,
                               "--threads", THREADS, "--backlog", "4096", "-b", f"127.0.0.1:{PORT}",
                               "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not answer")
        started = time.perf_counter()
        latencies, errors = burst(seeded["path"], seeded["sessions"])
        seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    counts = json.loads(subprocess.run([PYTHON, __file__, "--count", str(seeded["cohort"])], cwd=ROOT, env=env,
                                       check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    confirmed, waitlisted = counts.get("confirmed", 0), counts.get("waitlisted", 0)
    print(f"enroll_burst seats={SEATS} clients={CLIENTS} confirmed={confirmed} waitlisted={waitlisted} "
          f"errors={errors} p50_ms={statistics.median(latencies) if latencies else 0:.0f} "
          f"p99_ms={percentile(latencies, 0.99):.0f} seconds={seconds:.2f}")
    expected_confirmed = min(SEATS, CLIENTS)
    if confirmed != expected_confirmed or waitlisted != CLIENTS - expected_confirmed - errors:
        raise SystemExit(f"expected exactly {expected_confirmed} confirmed and the rest wait-listed")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seed"]:
        seed(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1:2] == ["--count"]:
        count(int(sys.argv[2]))
    else:
        main()
