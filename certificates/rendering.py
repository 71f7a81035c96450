"""The stored PDF of a certificate: rendered in the background after the issuing transaction commits, or on
the first download if the worker has not run yet. The task lives beside the code it runs."""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django_tasks import task

from .models import Certificate
from .pdf import render_certificate_pdf

logger = logging.getLogger(__name__)


def certificate_render_pdf(*, certificate: Certificate) -> Certificate:
    """Render the certificate's PDF and store it (replacing an older file of a previous version)."""
    certificate = Certificate.objects.select_related("user", "enrollment").get(pk=certificate.pk)
    language = certificate.enrollment.language if certificate.enrollment_id else settings.LANGUAGE_CODE
    content = render_certificate_pdf(certificate, language=language)
    old_name = certificate.pdf.name if certificate.pdf else ""
    certificate.pdf.save(f"{certificate.number}-v{certificate.version}.pdf", ContentFile(content), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    if old_name and old_name != certificate.pdf.name:
        certificate.pdf.storage.delete(old_name)
    return certificate


def certificate_pdf_ensure(*, certificate: Certificate) -> Certificate:
    """The stored PDF of the current version, rendered now if the background task has not run yet."""
    expected = f"{certificate.number}-v{certificate.version}.pdf"
    if certificate.pdf and certificate.pdf.name.endswith(expected) and certificate.pdf.storage.exists(
            certificate.pdf.name):
        return certificate
    return certificate_render_pdf(certificate=certificate)


@task()
def certificate_pdf_render_task(*, certificate_id: int) -> bool:
    """Background task (django-tasks): render and store the PDF of the certificate's current version.

    Takes an id and re-reads the database; a certificate that no longer exists is skipped (False).
    """
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return False
    certificate_render_pdf(certificate=certificate)
    return True


def certificate_pdf_schedule(*, certificate_id: int) -> None:
    """Enqueue the PDF rendering once the current transaction commits (never for a rolled-back issue).

    A failure to enqueue is logged and otherwise ignored: the first download renders the PDF.
    """
    def enqueue():
        try:
            certificate_pdf_render_task.enqueue(certificate_id=certificate_id)
        except Exception:  # noqa: BLE001 - the PDF is also rendered on first download
            logger.exception("Could not enqueue the PDF of certificate %s", certificate_id)

    transaction.on_commit(enqueue)
