"""What a running `db_worker` does beside its tasks, each in its own thread and database connection: the heartbeat
(proves the worker alive, recovers dead workers' tasks) and the e-mail relay (delivers the message log's due
messages)."""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from .services import messages_relay, tasks_recover_abandoned, worker_heartbeat

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


RELAY_BATCH = 100


def relay_drain() -> int:
    """Deliver every message that is due now, a batch at a time; returns how many were claimed."""
    total = 0
    while True:
        claimed = messages_relay(limit=RELAY_BATCH)
        total += claimed
        if claimed < RELAY_BATCH:
            return total


class Relay(threading.Thread):
    """Every `OUTBOX_RELAY_SECONDS` delivers the e-mails that are due (services.messages_relay): the message log is
    the outbox, so an e-mail needs no task row. Several workers' relays share the work (skip-locked claims)."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"relay-{worker_id}", daemon=True)
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                close_old_connections()
                try:
                    relay_drain()
                except Exception:  # the database is away: try again next time
                    logger.exception("E-mail relay failed")
                self.stopping.wait(float(settings.OUTBOX_RELAY_SECONDS))
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=30)
