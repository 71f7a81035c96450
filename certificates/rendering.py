"""The stored PDF of a certificate: rendered by a task recorded in the issuing transaction (outbox), or on the
first download if the worker has not run yet. Files live in STORAGES["private"] under random names and are
served only by certificates.views.download_pdf. The task lives beside the code it runs. Storing the PDF of a
version records the "certificate ready" e-mail in the same transaction (certificates.emails)."""

import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django_tasks import task

from outbox.services import enqueue_in_transaction

from .emails import certificate_ready_enqueue
from .models import Certificate
from .pdf import render_certificate_pdf


def _store_new_file(storage, content: bytes) -> str:
    """Write the bytes under a fresh random name (256 bits, hex: no leading dash to trip shell tools) and return
    the name; never overwrites a file."""
    return storage.save(f"certificates/{secrets.token_hex(32)}.pdf", ContentFile(content))


def _is_current(certificate: Certificate) -> bool:
    return bool(certificate.pdf) and certificate.pdf_version == certificate.version and \
        certificate.pdf.storage.exists(certificate.pdf.name)


def certificate_render_pdf(*, certificate: Certificate) -> Certificate:
    """Render the PDF of the certificate's current version and store it in the private storage.

    Guarantees: the file gets a new random name (nothing derived from the number or the version); the name is
    recorded in the transaction that locks the certificate row and checks that the version rendered is still
    the current one and that nobody stored it meanwhile, so two racing renders leave exactly one file per
    version and a render overtaken by a re-issue is thrown away (and rendered again for the new version). The
    previous version's file is deleted once the new name is committed. The holder's "certificate ready" e-mail
    is recorded in that transaction, once per version (a render run twice keeps one file and one e-mail).
    Returns the certificate as stored.
    """
    storage = Certificate._meta.get_field("pdf").storage  # STORAGES["private"] (models.private_storage)
    for _attempt in range(3):  # a re-issue landing during the render is the only reason to go round again
        certificate = Certificate.objects.select_related("user", "enrollment").get(pk=certificate.pk)
        language = certificate.enrollment.language if certificate.enrollment_id else settings.LANGUAGE_CODE
        content = render_certificate_pdf(certificate, language=language)
        new_name = _store_new_file(storage, content)
        with transaction.atomic():
            current = Certificate.objects.select_for_update().get(pk=certificate.pk)
            if current.version == certificate.version and not _is_current(current):
                old_name = current.pdf.name if current.pdf else ""
                Certificate.objects.filter(pk=current.pk).update(pdf=new_name, pdf_version=current.version)
                if old_name:
                    # Only once the new name is committed (an outer transaction may still roll back).
                    transaction.on_commit(lambda name=old_name: storage.delete(name), robust=True)
                certificate_ready_enqueue(certificate=current)
                kept = True
            else:
                kept = False
        if not kept:
            storage.delete(new_name)  # never recorded anywhere
        if kept or current.version == certificate.version:
            return Certificate.objects.select_related("user", "enrollment").get(pk=certificate.pk)
    return Certificate.objects.select_related("user", "enrollment").get(pk=certificate.pk)


def certificate_pdf_ensure(*, certificate: Certificate) -> Certificate:
    """The certificate with a stored PDF of its current version, rendered now if the task has not run yet."""
    certificate = Certificate.objects.select_related("user", "enrollment").get(pk=certificate.pk)
    if _is_current(certificate):
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
    """Record the PDF rendering in the current transaction (outbox.enqueue_in_transaction): with the database
    task backend the task row commits or rolls back with the certificate, so a process that dies right after
    the issuing COMMIT still leaves the PDF to render. Other backends get it after the commit; a failure to
    enqueue there is logged, and the first download renders the PDF."""
    enqueue_in_transaction(certificate_pdf_render_task, certificate_id=certificate_id)
