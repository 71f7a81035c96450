"""Background work for enrollment, run by django-tasks (`manage.py db_worker` with the database backend).

Tasks take ids, never model instances, and re-read the database when they run, so a task that runs late
(after a worker restart) acts on the current state.
"""

from django_tasks import task


@task()
def send_enrollment_email(*, kind: str, enrollment_id: int) -> bool:
    """Render and send e-mail `kind` (see emails.KINDS) about one enrollment in the recipient's language."""
    from .emails import send_enrollment_email as send

    return send(kind=kind, enrollment_id=enrollment_id)


@task()
def expire_offer(*, enrollment_id: int) -> bool:
    """Expire one offer if it is still unanswered after its deadline (enqueued with run_after = deadline)."""
    from .models import Enrollment
    from .services import offer_expire

    enrollment = Enrollment.objects.filter(pk=enrollment_id).first()
    return bool(enrollment and offer_expire(enrollment=enrollment))


@task()
def enrollment_sweep() -> dict:
    """Expire every overdue offer and send the due reminders (the same as `manage.py enrollment_sweep`)."""
    from .services import offers_expire_due, reminders_send_due

    return {"expired": offers_expire_due(), "reminders": reminders_send_due()}
