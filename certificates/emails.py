"""The holder's "certificate ready" e-mail: recorded (outbox) in the transaction that stores the PDF of a
certificate's version, so it goes out once the certificate can really be downloaded, and once per version.

Why a mail of its own and not one "completed" mail after the rendering: closing a cohort tells everyone their
outcome at once (enrollment.emails, in the closing transaction), whether or not a certificate follows; the
certificate (number, PDF) exists only after the issuing and rendering tasks, which may wait for a worker, and
certificates also arrive without a closing (a coordinator's exception, a programme, a restored or re-issued
one). A person expects to hear "you completed" when the training is closed, and "here is your certificate"
when there is one to download.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from outbox.models import Message
from outbox.services import message_enqueue

from .models import Certificate

KIND = "certificate_ready"
BUILDER = "certificates.emails.certificate_ready_build"


def _language(certificate: Certificate) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = certificate.enrollment.language if certificate.enrollment_id else ""
    return language if language in codes else settings.LANGUAGE_CODE


def certificate_ready_enqueue(*, certificate: Certificate) -> Message | None:
    """Record the e-mail telling the holder that version `certificate.version` can be downloaded, in the current
    transaction; at most once per certificate and version (idempotency key). None for a revoked certificate or
    a holder without an e-mail address."""
    if certificate.revoked_at is not None:
        return None
    holder = certificate.user
    if holder is None or not holder.email:
        return None
    return message_enqueue(kind=KIND, recipient_id=holder.pk, builder=BUILDER,
                           params={"certificate_id": certificate.pk, "version": certificate.version},
                           enrollment_id=certificate.enrollment_id,
                           cohort_id=certificate.enrollment.cohort_id if certificate.enrollment_id else None,
                           idempotency_key=f"certificate-ready:{certificate.pk}:{certificate.version}")


def certificate_ready_build(*, certificate_id: int, version: int) -> EmailMessage | None:
    """The outbox's builder, at each attempt: None (nothing to send) when the certificate is gone or revoked."""
    certificate = (Certificate.objects.select_related("user", "enrollment").filter(pk=certificate_id).first())
    if certificate is None or certificate.revoked_at is not None or not certificate.user.email:
        return None
    language = _language(certificate)
    with translation.override(language):
        url = settings.SITE_URL.rstrip("/") + reverse("my_certificates")
        context = {"certificate": certificate, "my_certificates_url": url, "site_url": settings.SITE_URL,
                   "name": certificate.user.get_full_name()}
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("Your certificate is ready: %(title)s") % {
            "title": certificate.title}
        body = render_to_string("certificates/email/certificate_ready.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [certificate.user.email],
                        headers={"Content-Language": language})
