"""The heartbeat of a running `db_worker`: proves the worker alive (its lease) and recovers dead workers' tasks."""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from .services import tasks_recover_abandoned, worker_heartbeat

logger = logging.getLogger(__name__)


class Heartbeat(threading.Thread):
    """Beats every `OUTBOX_HEARTBEAT_SECONDS` in its own thread and database connection, and every half lease
    puts back the tasks of workers that stopped beating. Dies with the process: that is the point."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def beat(self) -> None:
        worker_heartbeat(worker_id=self.worker_id, started_at=self.started_at)

    def run(self) -> None:
        interval = float(settings.OUTBOX_HEARTBEAT_SECONDS)
        recover_every = max(interval, settings.OUTBOX_LEASE_SECONDS / 2)
        last_recovery = 0.0
        try:
            while not self.stopping.wait(interval):
                close_old_connections()
                try:
                    self.beat()
                    if time.monotonic() - last_recovery >= recover_every:
                        last_recovery = time.monotonic()
                        tasks_recover_abandoned()
                except Exception:  # a database hiccup: beat again next time (the lease allows a few misses)
                    logger.exception("Worker heartbeat failed")
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)
