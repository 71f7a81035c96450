"""Idempotency keys (a message recorded twice is sent once) and the pruning of finished rows by `sweep`."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from outbox import services
from outbox.models import Message
from tests import factories

from .support import DATABASE_TASKS, run_at_once

State = Message.State
pytestmark = pytest.mark.django_db
BUILDER = "tests.outbox.test_idempotency_and_pruning.build_nothing"


def build_nothing(**params):
    return None


@override_settings(TASKS=DATABASE_TASKS)
def test_a_message_recorded_twice_with_one_key_is_logged_and_queued_once():
    user = factories.UserFactory()
    with transaction.atomic():
        first = services.message_enqueue(kind="test", recipient_id=user.pk, builder=BUILDER,
                                         idempotency_key="test:1")
    with transaction.atomic():
        second = services.message_enqueue(kind="test", recipient_id=user.pk, builder=BUILDER,
                                          idempotency_key="test:1")
        other = services.message_enqueue(kind="test", recipient_id=user.pk, builder=BUILDER,
                                         idempotency_key="test:2")
    assert second.pk == first.pk and other.pk != first.pk
    assert Message.objects.count() == 2
    # The message log is the queue (the workers' relay): two messages, no task rows, each delivered once.
    assert not DBTaskResult.objects.filter(task_path=services.SEND_TASK_PATH).exists()
    assert services.messages_relay() == 2
    assert services.messages_relay() == 0
    # Without a key every call is a new message (the default, as before).
    services.message_enqueue(kind="test", builder=BUILDER)
    services.message_enqueue(kind="test", builder=BUILDER)
    assert Message.objects.filter(idempotency_key__isnull=True).count() == 2


@override_settings(TASKS=DATABASE_TASKS)
def test_send_again_makes_a_new_copy_without_the_key():
    message = services.message_enqueue(kind="test", builder=BUILDER, idempotency_key="test:again")
    copy = services.message_send_again(message=message)
    assert copy.pk != message.pk and copy.idempotency_key is None and copy.resent_from == message


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_two_transactions_racing_with_one_key_leave_one_message():
    def record():
        with transaction.atomic():
            return services.message_enqueue(kind="test", builder=BUILDER, idempotency_key="test:race").pk

    results, errors = run_at_once(record)
    assert errors == []
    assert len(set(results)) == 1 and Message.objects.filter(idempotency_key="test:race").count() == 1
    assert services.messages_relay() == 1  # the relay finds one message to deliver


def _task_row(status, finished_days_ago, path="outbox.tasks.message_send_task"):
    now = timezone.now()
    finished = None if finished_days_ago is None else now - dt.timedelta(days=finished_days_ago)
    return DBTaskResult.objects.create(
        status=status, task_path=path, args_kwargs={"args": [], "kwargs": {}}, queue_name="default",
        backend_name="default", priority=0, run_after=now, enqueued_at=now - dt.timedelta(days=400),
        finished_at=finished, worker_ids=[], return_value=None, exception_class_path="", traceback="")


def _message(state, days_ago):
    message = services.message_enqueue(kind="test", builder=BUILDER, wait_for_commit=False)
    Message.objects.filter(pk=message.pk).update(state=state, created_at=timezone.now() - dt.timedelta(days=days_ago))
    return message


def test_prune_drops_old_finished_task_rows_and_old_finished_messages_only(settings):
    settings.OUTBOX_PRUNE_SUCCESSFUL_TASKS_DAYS = 30
    settings.OUTBOX_PRUNE_FAILED_TASKS_DAYS = 90
    settings.OUTBOX_PRUNE_MESSAGES_DAYS = 365
    keep = [
        _task_row("SUCCESSFUL", 29), _task_row("FAILED", 89), _task_row("READY", None), _task_row("RUNNING", None),
    ]
    drop = [_task_row("SUCCESSFUL", 31), _task_row("FAILED", 91)]
    old_sent, old_failed = _message(State.SENT, 400), _message(State.FAILED, 400)
    young_sent, old_queued, old_retrying = _message(State.SENT, 300), _message(State.QUEUED, 400), \
        _message(State.RETRYING, 400)

    pruned = services.outbox_prune()

    assert pruned == {"tasks": 2, "messages": 2}
    assert set(DBTaskResult.objects.filter(pk__in=[r.pk for r in keep + drop]).values_list("pk", flat=True)) == \
        {r.pk for r in keep}
    left = set(Message.objects.values_list("pk", flat=True))
    assert {young_sent.pk, old_queued.pk, old_retrying.pk} <= left
    assert not {old_sent.pk, old_failed.pk} & left
    assert services.outbox_prune() == {"tasks": 0, "messages": 0}  # idempotent: nothing left to drop


def test_prune_can_be_switched_off_per_kind(settings):
    settings.OUTBOX_PRUNE_SUCCESSFUL_TASKS_DAYS = 0
    settings.OUTBOX_PRUNE_FAILED_TASKS_DAYS = 0
    settings.OUTBOX_PRUNE_MESSAGES_DAYS = 0
    row = _task_row("SUCCESSFUL", 1000)
    message = _message(State.SENT, 1000)
    assert services.outbox_prune() == {"tasks": 0, "messages": 0}
    assert DBTaskResult.objects.filter(pk=row.pk).exists() and Message.objects.filter(pk=message.pk).exists()


def test_sweep_prunes_finished_rows(settings):
    settings.OUTBOX_PRUNE_SUCCESSFUL_TASKS_DAYS = 30
    old = _task_row("SUCCESSFUL", 45)
    out = io.StringIO()
    call_command("sweep", stdout=out)
    assert "pruned_rows=" in out.getvalue()
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()
    call_command("sweep", stdout=io.StringIO())  # a second run finds nothing and does not fail


def test_prune_defaults():
    from django.conf import settings

    assert settings.OUTBOX_PRUNE_SUCCESSFUL_TASKS_DAYS == 30
    assert settings.OUTBOX_PRUNE_FAILED_TASKS_DAYS == 90
    assert settings.OUTBOX_PRUNE_MESSAGES_DAYS == 365
