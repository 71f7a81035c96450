"""Shared machinery of the benchmarks: a PostgreSQL database, Redis, gunicorn with production settings, wrk.

Other benchmarks (enrollment's "my_trainings", "enroll") add `PageSpec` entries to bench/pages.py; the
helpers here start and stop everything and turn wrk's report into one line per page.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
WRK = shutil.which("wrk") or "/usr/bin/wrk"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "oskus_bench")


@dataclass
class Context:
    """What page specs may use: the base URL, the data the loader reported, and a way to log in."""

    base: str
    env: dict
    data: dict = field(default_factory=dict)

    def django(self, code: str) -> dict:
        return django_json(code, self.env)

    def login_cookie(self, email: str) -> str:
        """A session cookie for an existing user (created through Django's session engine, no form)."""
        result = self.django(
            "from django.contrib.auth import get_user_model\n"
            "from bench.sessions import logged_in_sessions\n"
            f"user = get_user_model().objects.get(email={email!r})\n"
            "result = {'cookie': 'sessionid=' + logged_in_sessions([user])[0]}\n")
        return result["cookie"]


@dataclass
class PageSpec:
    """One benchmarked page: name, URL factory, optional log-in cookie factory, method and body."""

    name: str
    url: Callable[[Context], str]
    cookie: Callable[[Context], str] | None = None
    method: str = "GET"
    body: Callable[[Context], str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # Extra Lua appended to wrk's script (e.g. a `request` function that rotates cookies); enrollment uses it.
    lua: Callable[[Context], str] | None = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(database_url: str, redis_url: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "SECURE_SSL_REDIRECT": "0",
        "REDIS_URL": redis_url,
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        # Production refuses to start without the credentials' signing key: a throw-away Ed25519 seed.
        "CREDENTIALS_SIGNING_KEY": secrets.token_urlsafe(32),
    })
    return env


def production_env(database_url: str, port: int, **extra: str) -> dict:
    """Environment for a gunicorn with the production settings on loopback (enroll_burst.py, feed.py)."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "oskus.settings.production",
        "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "CONN_MAX_AGE": "60",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "CREDENTIALS_SIGNING_KEY": env.get("CREDENTIALS_SIGNING_KEY") or "YmVuY2gtb25seS1jcmVkZW50aWFsLXNpZ25pbmctayE",
        **extra,
    })
    return env


def run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


def django_json(code: str, env: dict) -> dict:
    """Run Python inside Django; the code sets `result`, which comes back as JSON."""
    script = ("import django, json\ndjango.setup()\n" + code + "\nprint('__JSON__' + json.dumps(result))\n")
    out = run([PYTHON, "-c", script], env, capture_output=True, text=True).stdout
    return json.loads(out.split("__JSON__", 1)[1])


def fresh_database() -> str:
    admin = f"{PG}/postgres"
    subprocess.run(["psql", admin, "-q", "-c", f"DROP DATABASE IF EXISTS {DB_NAME}"], check=True)
    subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {DB_NAME}"], check=True)
    # The planner's cost of a random read on SSD storage (the default 4 assumes spinning disks).
    subprocess.run(["psql", admin, "-q", "-c", f"ALTER DATABASE {DB_NAME} SET random_page_cost = 1.1"], check=True)
    return f"{PG}/{DB_NAME}"


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of `url` unless it exists (the benchmarks that keep their data)."""
    import psycopg2

    base, name = url.rsplit("/", 1)
    connection = psycopg2.connect(base + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def existing_database() -> str:
    return f"{PG}/{DB_NAME}"


def start_redis() -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return proc, f"redis://127.0.0.1:{port}/0"


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


# The gunicorn worker settings; the minimal application is served with exactly the same ones. 2 by default (the
# earlier results' setting); BENCH_WORKERS=4 is the deployment's documented setting for two cores (docs/operations.md).
GUNICORN_WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))


def minimal_env(env: dict) -> dict:
    """Environment of the minimal Django application (bench/minimal_settings.py): no database, no Redis."""
    return {**env, "DJANGO_SETTINGS_MODULE": "bench.minimal_settings"}


def start_gunicorn(env: dict, workers: int = GUNICORN_WORKERS, app: str = "oskus.wsgi") -> tuple[subprocess.Popen, str]:
    """gunicorn (sync workers) for `app` on a free loopback port; the project's by default."""
    port = free_port()
    proc = subprocess.Popen([GUNICORN, app, "-w", str(workers), "-b", f"127.0.0.1:{port}",
                             "--access-logfile", "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
                             "--log-level", "warning"], env=env, cwd=ROOT)
    wait_for_port(port)
    return proc, f"http://127.0.0.1:{port}"


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def warm(url: str, headers: dict[str, str], times: int = 5) -> int:
    status = 0
    for _ in range(times):
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
        with urllib.request.urlopen(request) as response:  # noqa: S310 - loopback only
            status = response.status
            response.read()
    return status


def _lua(spec: PageSpec, body: str | None, headers: dict[str, str]) -> str:
    lines = [f'wrk.method = "{spec.method}"']
    if body is not None:
        lines.append(f"wrk.body = {json.dumps(body)}")
    for key, value in headers.items():
        lines.append(f'wrk.headers["{key}"] = {json.dumps(value)}')
    return "\n".join(lines) + "\n"


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(url: str, spec: PageSpec, context: Context, *, duration: int, threads: int = 2,
        connections: int = 8) -> dict:
    headers = dict(spec.headers)
    if spec.cookie:
        headers["Cookie"] = spec.cookie(context)
    body = spec.body(context) if spec.body else None
    if spec.method == "GET":
        warm(url, headers)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(spec, body, headers) + (spec.lua(context) if spec.lua else ""))
    try:
        out = subprocess.run([WRK, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-s",
                              script.name, url], check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "non_2xx": int(errors.group(1)) if errors else 0}
