"""The project's task backend (outbox.backend) writes the row django-tasks-db would, with one plain INSERT, and
answers `enqueue` as the library does: the same result, the `task_enqueued` signal once, invalid tasks refused."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.exceptions import InvalidTaskError
from django_tasks.signals import task_enqueued
from django_tasks_db.models import DBTaskResult

from outbox.tasks import message_send_task

BOTH = {"default": {"BACKEND": "outbox.backend.DatabaseBackend"},
        "library": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
COMPARED = [field.attname for field in DBTaskResult._meta.concrete_fields
            if field.attname not in ("id", "enqueued_at", "backend_name")]


def _row(result) -> dict:
    row = DBTaskResult.objects.filter(pk=result.id).values(*COMPARED, "enqueued_at").get()
    return row


@pytest.mark.django_db
@override_settings(TASKS=BOTH)
@pytest.mark.parametrize("variant", [
    {}, {"priority": 7}, {"queue_name": "default"},
    {"run_after": dt.datetime(2031, 5, 4, 9, 30, tzinfo=dt.UTC)},
])
def test_the_row_is_the_one_the_library_writes(variant):
    before = timezone.now()
    ours = message_send_task.using(**variant).enqueue(message_pk=41)
    library = message_send_task.using(backend="library", **variant).enqueue(message_pk=41)
    mine, theirs = _row(ours), _row(library)
    assert mine["enqueued_at"] >= before and theirs["enqueued_at"] >= before
    assert {k: mine[k] for k in COMPARED} == {k: theirs[k] for k in COMPARED}
    assert DBTaskResult.objects.get(pk=ours.id).backend_name == "default"


@pytest.mark.django_db
@override_settings(TASKS=BOTH)
def test_enqueue_answers_as_the_library_and_signals_once():
    seen = []

    def receiver(sender, task_result, **kwargs):
        seen.append(task_result)

    task_enqueued.connect(receiver)
    try:
        result = message_send_task.enqueue(message_pk=42)
    finally:
        task_enqueued.disconnect(receiver)
    assert [r.id for r in seen] == [result.id]
    assert result.status == TaskResultStatus.READY
    assert result.kwargs == {"message_pk": 42} and result.args == []
    assert result.task.module_path == message_send_task.module_path
    assert result == DBTaskResult.objects.get(pk=result.id).task_result  # the library's answer for the row
    stored = message_send_task.get_result(result.id)  # read back through the library
    assert (stored.id, stored.kwargs, stored.status) == (result.id, result.kwargs, result.status)


@pytest.mark.django_db
@override_settings(TASKS=BOTH)
def test_a_deferred_tasks_answer_is_the_librarys_too():
    result = message_send_task.using(run_after=dt.datetime(2031, 5, 4, 9, 30, tzinfo=dt.UTC)).enqueue(message_pk=43)
    assert result == DBTaskResult.objects.get(pk=result.id).task_result
    assert result.task.run_after == dt.datetime(2031, 5, 4, 9, 30, tzinfo=dt.UTC)


@pytest.mark.django_db
@override_settings(TASKS=BOTH)
def test_an_invalid_task_is_refused_even_after_a_valid_one_of_the_same_function():
    message_send_task.enqueue(message_pk=1)  # validated and remembered
    count = DBTaskResult.objects.count()
    with pytest.raises(InvalidTaskError):
        message_send_task.using(priority=1000).enqueue(message_pk=2)
    with pytest.raises(InvalidTaskError):
        message_send_task.using(run_after=dt.datetime(2031, 5, 4, 9, 30)).enqueue(message_pk=3)  # naive
    with pytest.raises(InvalidTaskError):
        message_send_task.using(queue_name="nowhere").enqueue(message_pk=4)
    assert DBTaskResult.objects.count() == count
