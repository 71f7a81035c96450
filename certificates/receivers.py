"""Reactions to enrollment's signals (enrollment never imports certificates; certificates listens).

Imported by CertificatesConfig.ready(), when every model is loaded.
"""

import logging

from django.core.exceptions import ValidationError
from django.utils import timezone

from .exceptions import AlreadyIssued, CertificateError, TrainerNotQualified
from .models import TrainerQualification
from .services import (
    certificate_issue,
    certificate_restore,
    certificate_withdraw,
    programme_certificate_issue_automatic,
    programme_certificate_withdraw,
    programmes_of_course,
    qualification_check_trainers,
    qualification_renew_by_teaching,
)

logger = logging.getLogger(__name__)


def on_enrollment_completed(sender, enrollment, **kwargs):
    """Issue the certificate (and any trainer qualification) of a completed enrollment, or restore the one the
    system revoked when its completion was withdrawn; then issue the certificate of every programme the person
    has now completed. Idempotent."""
    try:
        certificate_issue(enrollment=enrollment, actor=kwargs.get("actor"))
    except AlreadyIssued:
        if certificate_restore(enrollment=enrollment) is None:
            logger.info("Certificate for enrollment %s already issued", enrollment.pk)
    except CertificateError:
        logger.warning("No certificate for enrollment %s", enrollment.pk, exc_info=True)
    for programme in programmes_of_course(enrollment.cohort.course_id):
        programme_certificate_issue_automatic(user=enrollment.user, programme=programme)


def on_enrollment_completion_withdrawn(sender, enrollment, reason="", **kwargs):
    """Attendance corrected after closing withdrew a completion: revoke the enrollment's certificate and the
    automatic certificate of any programme the person no longer completes."""
    certificate_withdraw(enrollment=enrollment, reason=reason)
    for programme in programmes_of_course(enrollment.cohort.course_id):
        programme_certificate_withdraw(user=enrollment.user, programme=programme, reason=reason)


def on_cohort_finished(sender, cohort, **kwargs):
    """Delivering a cohort renews its trainers' qualifications."""
    qualification_renew_by_teaching(cohort=cohort)


def on_cohort_trainers_validate(sender, course=None, trainers=(), cohort=None, days=(), **kwargs):
    """Refuse trainers being added without a qualification for the course that is valid on the cohort's
    last teaching day (today when it has no sessions yet), as a form error on "trainers"."""
    course = course if course is not None else getattr(cohort, "course", None)
    # Validity runs up to a date, so a qualification valid on the last day is valid on every earlier one.
    on = max(days) if days else None
    try:
        qualification_check_trainers(course=course, trainers=trainers, on=on)
    except TrainerNotQualified as error:
        raise ValidationError({"trainers": [error.message]}) from error


def on_trainer_candidates_collect(sender, **kwargs):
    """Everyone holding a valid (not expired, not suspended) trainer qualification may be chosen as a trainer,
    whether or not they are in the Trainers group yet."""
    return (TrainerQualification.objects.filter(suspended_at__isnull=True, valid_until__gte=timezone.localdate())
            .values("user_id"))
