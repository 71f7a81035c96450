"""The lease: a RUNNING task is re-queued when its worker's heartbeat is older than the lease, not for its age."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from outbox.models import WorkerHeartbeat
from outbox.services import WORKER_LOST, tasks_recover_abandoned

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def running(worker_ids, *, started_minutes_ago=1):
    return DBTaskResult.objects.create(
        status="RUNNING", args_kwargs={"args": [], "kwargs": {"message_pk": 1}}, priority=0,
        task_path="outbox.tasks.message_send_task", queue_name="default", backend_name="default",
        run_after=get_date_max(), worker_ids=worker_ids, started_at=NOW - dt.timedelta(minutes=started_minutes_ago))


def beat(worker_id, seconds_ago):
    WorkerHeartbeat.objects.create(worker_id=worker_id, started_at=NOW - dt.timedelta(hours=1),
                                   last_seen=NOW - dt.timedelta(seconds=seconds_ago))


def test_only_tasks_of_workers_whose_lease_ran_out_are_requeued(settings):
    settings.OUTBOX_LEASE_SECONDS = 60
    beat("alive", 5)
    beat("dead", 120)
    long_task = running(["alive"], started_minutes_ago=600)  # old, but its worker is alive: left alone
    orphan = running(["dead"], started_minutes_ago=2)
    assert tasks_recover_abandoned(now=NOW) == 1
    long_task.refresh_from_db()
    orphan.refresh_from_db()
    assert long_task.status == "RUNNING"
    assert orphan.status == "READY"
    assert DBTaskResult.objects.ready().filter(pk=orphan.pk).exists()  # a worker will claim it again


def test_a_task_that_keeps_killing_its_worker_fails_after_max_claims(settings):
    settings.OUTBOX_LEASE_SECONDS = 60
    settings.OUTBOX_MAX_CLAIMS = 3
    beat("w3", 300)
    poison = running(["w1", "w2", "w3"])
    assert tasks_recover_abandoned(now=NOW) == 1
    poison.refresh_from_db()
    assert poison.status == "FAILED" and poison.exception_class_path == WORKER_LOST


def test_a_worker_without_heartbeat_gets_one_lease_from_the_task_start(settings):
    settings.OUTBOX_LEASE_SECONDS = 60
    fresh = running(["unknown"], started_minutes_ago=0)
    stale = running(["unknown-too"], started_minutes_ago=5)
    assert tasks_recover_abandoned(now=NOW) == 1
    fresh.refresh_from_db()
    stale.refresh_from_db()
    assert (fresh.status, stale.status) == ("RUNNING", "READY")


def test_sweep_recovers_abandoned_tasks_and_requeues_overdue_messages(settings):
    settings.OUTBOX_LEASE_SECONDS = 60
    beat("dead", 3600)
    WorkerHeartbeat.objects.filter(worker_id="dead").update(last_seen=timezone.now() - dt.timedelta(hours=1))
    orphan = running(["dead"])
    out = io.StringIO()
    call_command("sweep", stdout=out)
    orphan.refresh_from_db()
    assert orphan.status == "READY"
    assert "abandoned_tasks=1" in out.getvalue() and "overdue_messages=0" in out.getvalue()


def test_a_failing_sweep_job_does_not_stop_the_others_and_the_command_still_fails(monkeypatch):
    from django.core.management.base import CommandError

    from oskus.management.commands import sweep

    def broken():
        raise ConnectionRefusedError(111, "Connection refused")

    jobs = [(name, broken if name == "session_reminders" else job) for name, job in sweep.JOBS]
    monkeypatch.setattr(sweep, "JOBS", tuple(jobs))
    out = io.StringIO()
    with pytest.raises(CommandError, match="session_reminders"):
        call_command("sweep", stdout=out)
    assert "session_reminders=error" in out.getvalue() and "abandoned_tasks=0" in out.getvalue()
