"""E-mails about an enrollment, rendered in the recipient's language (plain text + HTML).

Services never send mail themselves: they call `enrollment_email_enqueue`, which records the message in the
outbox's message log and queues its delivery in the same transaction as the change (see outbox.services).
The worker rebuilds the message with `build_enrollment_email` at each attempt; `build_message(kind,
enrollment)` returns the message without sending it.

Attachments (e.g. the calendar invitation): another module appends a callable to `ATTACHMENT_BUILDERS`:

    from enrollment.emails import ATTACHMENT_BUILDERS

    def attach_ics(kind: str, enrollment, message) -> None:
        if kind in ("confirmation", "promotion", "changed", "cohort_cancelled"):
            message.attach("invitation.ics", ics_bytes, "text/calendar; method=REQUEST")

    ATTACHMENT_BUILDERS.append(attach_ics)

Each builder runs inside the recipient's language (`translation.override`), after the text and HTML
bodies are set; an exception in a builder is logged and the e-mail goes out without that attachment.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from courses.translation import page_in_language
from outbox.models import Message
from outbox.services import message_enqueue, message_new

from .models import CompletionResult, Enrollment, EnrollmentEvent, EnrollmentStatus, SessionStatus
from .tokens import offer_path

logger = logging.getLogger(__name__)

KINDS = ("confirmation", "waitlisted", "pending", "offer", "promotion", "rejection", "cancellation", "changed",
         "cohort_cancelled", "reminder", "completed", "not_completed")
OUTCOME_KINDS = ("completed", "not_completed")

BUILDER = "enrollment.emails.build_enrollment_email"

ATTACHMENT_BUILDERS: list[Callable[[str, Enrollment, EmailMultiAlternatives], None]] = []


def _subject(kind: str, course: str) -> str:
    subjects = {
        "confirmation": _("Your place is confirmed: %(course)s"),
        "waitlisted": _("You are on the waitlist: %(course)s"),
        "pending": _("Your enrollment is waiting for approval: %(course)s"),
        "offer": _("A place is free for you: %(course)s"),
        "promotion": _("You have a place: %(course)s"),
        "rejection": _("Your enrollment was not approved: %(course)s"),
        "cancellation": _("Your enrollment is cancelled: %(course)s"),
        "changed": _("Your training has changed: %(course)s"),
        "cohort_cancelled": _("Training cancelled: %(course)s"),
        "reminder": _("Reminder: %(course)s starts soon"),
        "completed": _("You have completed the training: %(course)s"),
        "not_completed": _("Training not completed: %(course)s"),
    }
    return subjects[kind] % {"course": course}


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def recipient_language(enrollment: Enrollment) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return enrollment.language if enrollment.language in codes else settings.LANGUAGE_CODE


def build_message(kind: str, enrollment: Enrollment) -> EmailMultiAlternatives:
    """The e-mail `kind` about `enrollment`, in the recipient's language, with attachments from the hooks."""
    if kind not in KINDS:
        raise ValueError(f"unknown e-mail kind {kind!r}")
    language = recipient_language(enrollment)
    with translation.override(language):
        cohort = enrollment.cohort
        course = page_in_language(cohort.course, language)  # its translation in the recipient's language, if live
        sessions = [s for s in cohort.sessions.all() if s.status != SessionStatus.CANCELLED]
        context = {
            "kind": kind,
            "enrollment": enrollment,
            "user": enrollment.user,
            "cohort": cohort,
            "course": course,
            "sessions": sessions,
            "course_url": _absolute(course.get_url() or "/"),
            "my_trainings_url": _absolute(reverse("my_trainings")),
            "site_url": settings.SITE_URL,
            "language": language,
        }
        if kind in OUTCOME_KINDS:
            context["result"] = CompletionResult.objects.filter(enrollment=enrollment).first()
        if kind == "offer":
            context["accept_url"] = _absolute(offer_path(enrollment_id=enrollment.pk, action="accept"))
            context["decline_url"] = _absolute(offer_path(enrollment_id=enrollment.pk, action="decline"))
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _subject(kind, course.title)
        text = render_to_string("enrollment/email/message.txt", context)
        html = render_to_string("enrollment/email/message.html", context)
        message = EmailMultiAlternatives(subject=subject, body=text, to=[enrollment.user.email],
                                         headers={"Content-Language": language})
        message.attach_alternative(html, "text/html")
        for builder in ATTACHMENT_BUILDERS:
            try:
                builder(kind, enrollment, message)
            except Exception:
                logger.exception("Attachment builder %r failed for a %s e-mail", builder, kind)
    return message


def build_enrollment_email(*, kind: str, enrollment_id: int) -> EmailMultiAlternatives | None:
    """The outbox's builder: the e-mail rendered from the enrollment as it is now; None when it is gone."""
    enrollment = (Enrollment.objects.select_related("user", "cohort", "cohort__course")
                  .prefetch_related("cohort__sessions__venue").filter(pk=enrollment_id).first())
    if enrollment is None:
        return None
    return build_message(kind, enrollment)


@task()
def enrollment_email_task(*, kind: str, enrollment_id: int) -> str:
    """Tasks queued before the message log existed: log the message and queue its delivery."""
    enrollment = Enrollment.objects.filter(pk=enrollment_id).first()
    if enrollment is None:
        return "missing"
    with transaction.atomic():
        return enrollment_email_enqueue(kind, enrollment).state


def enrollment_email_enqueue(kind: str, enrollment: Enrollment, *, idempotency_key: str | None = None) -> Message:
    """Record e-mail `kind` about `enrollment` in the message log and queue it, in the current transaction.

    With the database task backend the message and its task commit or roll back with the caller's change
    (outbox): a committed change always has its e-mail queued, a rolled-back one never sends. Delivery is
    at least once, retried on transient SMTP failures for 24 hours, and skipped if the message was already
    sent (see outbox.services). `idempotency_key`: the message is recorded at most once per key (an existing
    message with the key is returned). Returns the logged `Message`.
    """
    return message_enqueue(**_message_fields(kind, enrollment), idempotency_key=idempotency_key)


def enrollment_email_new(kind: str, enrollment: Enrollment) -> Message:
    """The message log's new, unsaved row for e-mail `kind` about `enrollment` (which has its key already), for
    a caller that inserts it beside its own rows in one statement and then calls `message_queue` (outbox)."""
    return message_new(**_message_fields(kind, enrollment))


def _message_fields(kind: str, enrollment: Enrollment) -> dict:
    if kind not in KINDS:
        raise ValueError(f"unknown e-mail kind {kind!r}")
    if enrollment.pk is None:
        raise ValueError("the enrollment needs its key before its e-mail is recorded")
    return {"kind": kind, "recipient_id": enrollment.user_id, "builder": BUILDER, "cohort_id": enrollment.cohort_id,
            "params": {"kind": kind, "enrollment_id": enrollment.pk}, "enrollment_id": enrollment.pk}


def outcome_email_enqueue(enrollment: Enrollment) -> Message | None:
    """Record the e-mail that tells the person the outcome their enrollment has now ("completed" with the
    hours, "not_completed" with the reason), in the current transaction; None when it has no outcome.

    Once per outcome reached: the key counts how many times the enrollment has entered this outcome (its
    history), so recording it again for the same change (a job run twice) returns the logged message, while a
    later correction to the other outcome, and back, is told each time.
    """
    status = Enrollment.objects.filter(pk=enrollment.pk).values_list("status", flat=True).first()
    kinds = {EnrollmentStatus.COMPLETED: "completed", EnrollmentStatus.NOT_COMPLETED: "not_completed"}
    if status not in kinds:
        return None
    times = EnrollmentEvent.objects.filter(enrollment_id=enrollment.pk, to_status=status).count()
    return enrollment_email_enqueue(kinds[status], enrollment,
                                    idempotency_key=f"enrollment-outcome:{enrollment.pk}:{kinds[status]}:{times}")
