"""The task backend: django-tasks-db's, writing each task row with one plain INSERT.

Every enrollment queues its e-mail's task inside the cohort's lock, which everybody enrolling waits for. The
ORM's create composed that INSERT in longer than the database ran it, and the library's `enqueue` validated the
task a second time (a `Task` is validated when it is made, and is immutable) and built its answer twice,
importing and validating the task again each time (bench/README.md). The row and the answer are the library's
own: tests/outbox/test_backend.py compares them with the library's, field by field.
"""

from django_tasks_db.backend import DatabaseBackend as LibraryDatabaseBackend
from django_tasks_db.backend import TaskResult
from django_tasks_db.compat import TaskResultStatus, normalize_json, task_enqueued
from django_tasks_db.utils import normalize_uuid

from leansql import insert


class DatabaseBackend(LibraryDatabaseBackend):
    def __init__(self, alias, params):
        super().__init__(alias, params)
        # Tasks without a run_after validated by this backend (a few module-level tasks and their `using`
        # variants; a run_after makes every task distinct, so those are validated each time).
        self._valid = set()

    def enqueue(self, task, args, kwargs):
        if task.run_after is not None or task not in self._valid:
            self.validate_task(task)
            if task.run_after is None:
                self._valid.add(task)
        result = self._result(task, self._task_to_db_task(task, args, kwargs))
        task_enqueued.send(type(self), task_result=result)
        return result

    def _result(self, task, row):
        """The row's `task_result` as the library builds it, with the task in hand (the library's property
        imports and validates it again). tests/outbox/test_backend.py checks that the two are equal."""
        result = TaskResult(
            db_result=row, task=task, id=normalize_uuid(row.id), status=TaskResultStatus.READY,
            enqueued_at=row.enqueued_at, started_at=None, last_attempted_at=None, finished_at=None,
            args=row.args_kwargs["args"], kwargs=row.args_kwargs["kwargs"], backend=row.backend_name,
            errors=[], worker_ids=row.worker_ids,
        )
        object.__setattr__(result, "_return_value", None)  # a frozen dataclass, as in the library
        return result

    def _task_to_db_task(self, task, args, kwargs):
        from django_tasks_db.models import DBTaskResult  # the library's models load with its app

        return insert(DBTaskResult(
            id=self._get_id(), args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority, task_path=task.module_path, queue_name=task.queue_name,
            run_after=task.run_after, backend_name=self.alias,
        ))
