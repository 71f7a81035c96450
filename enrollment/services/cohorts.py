"""Changes to a whole cohort that reach its participants: cancelling it, telling them about changed sessions."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..emails import enrollment_email_enqueue
from ..models import Cohort, Enrollment
from ..statuses import CANCELLABLE_STATUSES, CohortStatus, EnrollmentStatus
from . import state

S = EnrollmentStatus


def cohort_cancel(*, cohort: Cohort, actor, reason: str = "") -> int:
    """Cancel a cohort: every active enrollment is CANCELLED and told so; returns how many were."""
    with transaction.atomic():
        locked = state.cohort_lock(cohort.pk)
        locked.status = CohortStatus.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        affected = list(Enrollment.objects.filter(cohort_id=locked.pk, status__in=CANCELLABLE_STATUSES))
        for enrollment in affected:
            state.enrollment_status_set(enrollment, S.CANCELLED, actor=actor,
                                        reason=reason or _("The cohort was cancelled."), offer_expires_at=None)
            enrollment_email_enqueue("cohort_cancelled", enrollment)
    return len(affected)


def cohort_notify_changed(*, cohort: Cohort) -> int:
    """Tell everyone holding or offered a place that the cohort's dates or venue changed; returns the count."""
    with transaction.atomic():
        locked = state.cohort_lock(cohort.pk)
        affected = list(Enrollment.objects.filter(cohort_id=locked.pk, status__in=[S.CONFIRMED, S.OFFERED]))
        for enrollment in affected:
            enrollment_email_enqueue("changed", enrollment)
    return len(affected)
