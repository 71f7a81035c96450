"""Benchmark: N logged-in clients enroll at the same moment into a cohort of C places (gunicorn + PostgreSQL).

    .venv/bin/python bench/enroll_burst.py                       # 1000 clients, 50 places
    CLIENTS=200 SEATS=10 WORKER_CLASS=gthread WORKERS=4 THREADS=4 .venv/bin/python bench/enroll_burst.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oskus_bench_enroll .venv/bin/python bench/enroll_burst.py

Steps: create the database (if missing) and migrate; start a private redis-server (REDIS_URL, as production
has); create N specialists (once) and a fresh logged-in session for each (bench/sessions.py: database and
cache, as a log-in writes them); create a new open cohort of C places with one session; start gunicorn
(production settings, CONN_MAX_AGE=60, 2 sync workers unless WORKER_CLASS/WORKERS/THREADS say otherwise) on
loopback; N clients, each with its own HTTP
connection and session, wait for one signal and POST the enroll form at once (CSRF cookie + header, as a
browser would). The clients are asyncio tasks of one aiohttp event loop in this process (not N threads), so
the load generator takes little of the CPU the server needs. Prints one line and fails unless exactly C are
confirmed, everybody else is wait-listed and no request failed:

    enroll_burst seats=C clients=N confirmed=… waitlisted=… errors=… p50_ms=… p99_ms=… seconds=…
        cpu_ms_per_client=app:…,db:…,client:…

`seconds` is the time from the signal until the last client had its answer; p50/p99 are per request;
`cpu_ms_per_client` is the CPU the gunicorn workers, the PostgreSQL server's processes and this client used
during the burst, divided by the clients (Linux /proc).
"""

import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import ensure_database, free_port, production_env, start_redis, stop  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/oskus_bench_enroll")
CLIENTS = int(os.environ.get("CLIENTS", "1000"))
SEATS = int(os.environ.get("SEATS", "50"))
# gunicorn as pages.py runs it and the issue measured: 2 sync workers (one per core here). gthread workers were
# slower in every configuration tried (bench/README.md): a worker accepts connections it cannot serve yet.
WORKER_CLASS = os.environ.get("WORKER_CLASS", "sync")
WORKERS = os.environ.get("WORKERS", "2")
THREADS = os.environ.get("THREADS", "1")
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


async def _burst(path: str, session_keys: list[str]) -> tuple[list[float], int, float]:
    """All clients POST at once; (latencies in ms, failed requests, seconds until the last answer)."""
    go = asyncio.Event()
    latencies: list[float] = []
    errors = 0
    base = f"http://127.0.0.1:{PORT}"
    # force_close: one connection per request, i.e. per client; no pool limit; the cookie jar is off so each
    # client sends only its own session cookie.
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout,
                                     cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def client(key: str) -> None:
            nonlocal errors
            headers = {"Cookie": f"sessionid={key}; csrftoken={CSRF_SECRET}", "X-CSRFToken": CSRF_SECRET,
                       "Content-Type": "application/x-www-form-urlencoded", "Referer": base + path}
            await go.wait()
            started = time.perf_counter()
            try:
                async with http.post(path, data="agree=on", headers=headers, allow_redirects=False) as response:
                    await response.read()
                    ok = response.status == 302 and "my-trainings" in response.headers.get("Location", "")
            except (aiohttp.ClientError, TimeoutError):
                ok = False
            latencies.append((time.perf_counter() - started) * 1000)
            if not ok:
                errors += 1

        tasks = [asyncio.create_task(client(key)) for key in session_keys]
        await asyncio.sleep(0)  # every task is now waiting for the signal
        started = time.perf_counter()
        go.set()
        await asyncio.gather(*tasks)
        seconds = time.perf_counter() - started
    return latencies, errors, seconds


def burst(path: str, session_keys: list[str]) -> tuple[list[float], int, float]:
    return asyncio.run(_burst(path, session_keys))


def cpu_seconds(pids) -> dict[int, float]:
    """User and system CPU seconds each process used so far (Linux /proc; a process that is gone is left out)."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two readings; a process that started in between counts from zero."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes: the postmaster and its backends (those that connect during the burst
    are read again after it)."""
    found = subprocess.run(["pgrep", "-f", "^postgres"], capture_output=True, text=True).stdout
    return [int(pid) for pid in found.split()]


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
    server = subprocess.Popen([GUNICORN, "oskus.wsgi:application", "-k", WORKER_CLASS, "-w", WORKERS,
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
        workers = [int(pid) for pid in subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True,
                                                                  text=True).stdout.split()]
        before = cpu_seconds(workers), cpu_seconds(postgres_pids()), cpu_seconds([os.getpid()])
        latencies, errors, seconds = burst(seeded["path"], seeded["sessions"])
        after = cpu_seconds(workers), cpu_seconds(postgres_pids()), cpu_seconds([os.getpid()])
        used = [cpu_used(earlier, later) for earlier, later in zip(before, after, strict=True)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    counts = json.loads(subprocess.run([PYTHON, __file__, "--count", str(seeded["cohort"])], cwd=ROOT, env=env,
                                       check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    confirmed, waitlisted = counts.get("confirmed", 0), counts.get("waitlisted", 0)
    print(f"enroll_burst seats={SEATS} clients={CLIENTS} confirmed={confirmed} waitlisted={waitlisted} "
          f"errors={errors} p50_ms={statistics.median(latencies) if latencies else 0:.0f} "
          f"p99_ms={percentile(latencies, 0.99):.0f} seconds={seconds:.2f} "
          f"cpu_ms_per_client=app:{used[0] / CLIENTS * 1000:.1f},db:{used[1] / CLIENTS * 1000:.1f},"
          f"client:{used[2] / CLIENTS * 1000:.1f}")
    expected_confirmed = min(SEATS, CLIENTS)
    if confirmed != expected_confirmed or waitlisted != CLIENTS - expected_confirmed or errors:
        raise SystemExit(f"expected exactly {expected_confirmed} confirmed, the rest wait-listed and no errors")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seed"]:
        seed(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1:2] == ["--count"]:
        count(int(sys.argv[2]))
    else:
        main()
