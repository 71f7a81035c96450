"""What the outbox tests share: a child process on the test database, a real SMTP server on a loopback port."""

import os
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller
from django.db import close_old_connections, connection

ROOT = Path(__file__).resolve().parent.parent.parent
DATABASE_TASKS = {"default": {"BACKEND": "outbox.backend.DatabaseBackend"}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(**extra) -> dict:
    """Environment of a child process that works on this test's (committed) database, with real tasks and SMTP."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    url = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "oskus.settings.dev", "DEBUG": "0", "DATABASE_URL": url, "CONN_MAX_AGE": "0",
        "TASKS_BACKEND": "outbox.backend.DatabaseBackend", "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
        "EMAIL_TIMEOUT": "5", "OUTBOX_RELAY_SECONDS": "0.2",
    })
    env.update({key: str(value) for key, value in extra.items()})
    return env


def python(code: str, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with Django set up from `env`."""
    prelude = "import django, os\ndjango.setup()\n"
    return subprocess.run([sys.executable, "-c", prelude + code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def start_worker(env: dict, worker_id: str) -> subprocess.Popen:
    """A real `manage.py db_worker` (the project's, with its heartbeat) as a child process."""
    return subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2",
                             "--no-startup-delay", "--worker-id", worker_id, "-v", "0"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def run_at_once(target, *, count: int = 2, timeout: float = 60) -> tuple[list, list]:
    """Call `target()` in `count` threads released together, each on its own database connection; returns the
    results and the errors raised."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - the caller asserts on them
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, errors


def wait_for(predicate, *, timeout: float, what: str, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Recorder:
    """aiosmtpd handler keeping every accepted message (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.messages]


class SMTPServer:
    """A real SMTP server on a fixed loopback port that a test can stop (outage) and start again."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.recorder = Recorder()
        self.controller = None

    def start(self):
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
