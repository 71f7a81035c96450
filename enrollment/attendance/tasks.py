"""Background work for attendance (django-tasks; `manage.py db_worker` runs it)."""

from django_tasks import task


@task()
def close_finished_cohorts() -> int:
    """Close every cohort whose marks are final (the same as `manage.py attendance_close_cohorts`)."""
    from .services import cohorts_close_due

    return cohorts_close_due()
