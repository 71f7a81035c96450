"""`/health/`: database, cache and whether the task queue is being worked; 503 when it is not."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from outbox import services
from outbox.models import Message, WorkerHeartbeat

from .support import DATABASE_TASKS

pytestmark = pytest.mark.django_db


def queued(minutes_ago):
    task = DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, priority=0,
                                       task_path="outbox.tasks.message_send_task", queue_name="default",
                                       backend_name="default", run_after=get_date_max())
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - dt.timedelta(minutes=minutes_ago))


def beat(seconds_ago):
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id=f"w{seconds_ago}", started_at=now - dt.timedelta(hours=1),
                                   last_seen=now - dt.timedelta(seconds=seconds_ago))


@override_settings(TASKS=DATABASE_TASKS, OUTBOX_LEASE_SECONDS=60, OUTBOX_HEALTH_MAX_QUEUE_AGE_SECONDS=300)
def test_healthy_when_a_worker_beats_and_nothing_waits_long(client):
    beat(5)
    queued(1)
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"]["ok"] and body["cache"]["ok"]
    assert 55 < body["tasks"]["oldest_queued_age"] < 70 and body["tasks"]["last_heartbeat_age"] < 10
    assert response["Cache-Control"].startswith("max-age=0")


@override_settings(TASKS=DATABASE_TASKS, OUTBOX_LEASE_SECONDS=60)
def test_unhealthy_without_a_live_worker(client):
    beat(600)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["tasks"]["ok"] is False and response.json()["status"] == "unhealthy"


@override_settings(TASKS=DATABASE_TASKS, OUTBOX_LEASE_SECONDS=60, OUTBOX_HEALTH_MAX_QUEUE_AGE_SECONDS=300)
def test_unhealthy_when_a_due_task_waits_too_long_although_a_worker_beats(client):
    beat(5)
    queued(30)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["tasks"]["oldest_queued_age"] > 1700


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_unhealthy_when_the_cache_loses_what_it_is_given(client):
    response = client.get("/health/")
    assert response.status_code == 503 and response.json()["cache"]["ok"] is False
    assert response.json()["tasks"] == {"ok": True, "backend": "ImmediateBackend"}


def test_health_refuses_other_methods(client):
    assert client.post("/health/").status_code == 405


@override_settings(TASKS=DATABASE_TASKS, OUTBOX_LEASE_SECONDS=60, OUTBOX_HEALTH_MAX_QUEUE_AGE_SECONDS=300)
def test_unhealthy_when_an_email_due_waits_too_long_in_the_message_log(client):
    beat(5)
    message = services.message_enqueue(kind="test", builder="tests.outbox.test_smtp_outage.build_test_message",
                                       params={"n": 1})
    assert client.get("/health/").status_code == 200  # due just now: the relay's next pass sends it
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - dt.timedelta(minutes=30))
    response = client.get("/health/")
    assert response.status_code == 503 and response.json()["tasks"]["oldest_queued_age"] > 1700
