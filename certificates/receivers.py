"""Reactions to enrollment's signals (enrollment never imports certificates; certificates listens)."""

import logging

from django.core.exceptions import ValidationError

from .exceptions import AlreadyIssued, CertificateError, TrainerNotQualified

logger = logging.getLogger(__name__)


def on_enrollment_completed(sender, enrollment, **kwargs):
    """Issue the certificate (and any trainer qualification) of a completed enrollment; idempotent."""
    from .services import certificate_issue

    try:
        certificate_issue(enrollment=enrollment, actor=kwargs.get("actor"))
    except AlreadyIssued:
        logger.info("Certificate for enrollment %s already issued", enrollment.pk)
    except CertificateError:
        logger.warning("No certificate for enrollment %s", enrollment.pk, exc_info=True)


def on_cohort_finished(sender, cohort, **kwargs):
    """Delivering a cohort renews its trainers' qualifications."""
    from .services import qualification_renew_by_teaching

    qualification_renew_by_teaching(cohort=cohort)


def on_cohort_trainers_validate(sender, course=None, trainers=(), cohort=None, **kwargs):
    """Refuse trainers without a valid qualification for a course that requires one (as a form error)."""
    from .services import qualification_check_trainers

    course = course if course is not None else getattr(cohort, "course", None)
    try:
        qualification_check_trainers(course=course, trainers=trainers)
    except TrainerNotQualified as error:
        raise ValidationError({"trainers": [error.message]}) from error
