"""The task backend: django-tasks-db's, writing each task row with one plain INSERT.

Every enrollment queues its e-mail's task inside the cohort's lock, which everybody enrolling waits for; the
ORM's create composed that INSERT in longer than the database ran it (bench/README.md). The row is the same
as the library's own (tests/outbox/test_backend.py compares them field by field).
"""

from django_tasks_db.backend import DatabaseBackend as LibraryDatabaseBackend
from django_tasks_db.compat import normalize_json

from leansql import insert


class DatabaseBackend(LibraryDatabaseBackend):
    def _task_to_db_task(self, task, args, kwargs):
        from django_tasks_db.models import DBTaskResult  # the library's models load with its app

        return insert(DBTaskResult(
            id=self._get_id(), args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority, task_path=task.module_path, queue_name=task.queue_name,
            run_after=task.run_after, backend_name=self.alias,
        ))
