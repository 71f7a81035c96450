"""Background work for certificates (django-tasks). Tasks take ids and re-read the database."""

from django_tasks import task


@task()
def render_certificate_pdf(*, certificate_id: int) -> bool:
    """Render and store the PDF of the certificate's current version."""
    from .models import Certificate
    from .services import certificate_render_pdf

    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return False
    certificate_render_pdf(certificate=certificate)
    return True


@task()
def send_qualification_reminders() -> int:
    """The same as `manage.py qualification_reminders`."""
    from .services import qualification_reminders_send

    return qualification_reminders_send()
