"""Erasure of an account: what may go goes at once; what a funder's audit needs is kept, restricted, until its
retention date (then the retention sweep anonymises it, see retention.py).

After an erasure the account row stays (enrollments, certificates and statistics point to it) but holds no
name, no e-mail address and no password; profession and municipality stay on its profile, so statistics by
county, profession and course do not change. The name survives only in `RetainedIdentity` (administrators
only) while participation in a funded training must be kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import User
from certificates.models import Certificate
from enrollment.models import Enrollment, EnrollmentStatus, Session, SessionStatus
from enrollment.statuses import CANCELLABLE_STATUSES

from .. import registry
from ..models import ErasureRequest, RetainedIdentity
from ..policy import policy


@dataclass(frozen=True)
class Erasure:
    user_id: int
    full_name: str
    email: str
    retain_until: dt.date | None

    @property
    def needles(self) -> list[str]:
        """Texts that identify the person, to scrub from free texts written by others."""
        return [n for n in (self.full_name.strip(), self.email.strip()) if len(n) >= 3]


def is_funded(training) -> bool:
    return bool(getattr(training, "funding", ""))


def funded_retain_until(user) -> dt.date | None:
    """The funder's date for the person's participation in funded trainings (None: nothing funded).

    The last day of the year in which the last funded training ended, plus PRIVACY_RETENTION's
    `funded_participation_years` (ESF+: 10 years from the end of the year)."""
    funded = Enrollment.objects.filter(user=user).exclude(cohort__course__funding="")
    last_end = (Session.objects.filter(cohort__enrollments__in=funded).exclude(status=SessionStatus.CANCELLED)
                .aggregate(last=Max("ends_at"))["last"])
    certificates = Certificate.objects.filter(user=user).filter(
        Q(course__isnull=False) & ~Q(course__funding="") | Q(programme__isnull=False) & ~Q(programme__funding=""))
    last_certificate = certificates.aggregate(last=Max("completed_on"))["last"]
    if last_end is None and not funded.exists() and last_certificate is None:
        return None
    years = [d.year for d in (timezone.localtime(last_end).date() if last_end else None, last_certificate) if d]
    year = max(years) if years else timezone.localdate().year
    return dt.date(year + int(policy("funded_participation_years")), 12, 31)


def explain(user) -> dict:
    """What an erasure would mean for this person (shown before they confirm)."""
    certificates = list(Certificate.objects.filter(user=user).order_by("-issued_at"))
    return {
        "retain_until": funded_retain_until(user),
        "certificates": certificates,
        "active_enrollments": Enrollment.objects.filter(user=user, status__in=CANCELLABLE_STATUSES).count(),
    }


def _cancel_active(user, now) -> None:
    """Places the person holds or waits for in cohorts that have not started are given up (the next person on
    the waiting list gets the offer); participation that has begun stays."""
    from enrollment.services import cohort_lock, enrollment_status_set, waitlist_offer_next

    for enrollment in Enrollment.objects.filter(user=user, status__in=CANCELLABLE_STATUSES).select_related("cohort"):
        started = Session.objects.filter(cohort_id=enrollment.cohort_id, starts_at__lte=now).exclude(
            status=SessionStatus.CANCELLED).exists()
        if started and enrollment.status == EnrollmentStatus.CONFIRMED:
            continue
        cohort = cohort_lock(enrollment.cohort_id)
        current = Enrollment.objects.get(pk=enrollment.pk)
        enrollment_status_set(current, EnrollmentStatus.CANCELLED, actor=None, reason="account erased",
                              offer_expires_at=None)
        waitlist_offer_next(cohort=cohort)


def account_erase(*, user: User, reason: str = ErasureRequest.Reason.REQUEST, now=None) -> ErasureRequest:
    """Erase `user` now (see the module docstring); returns the request record coordinators see."""
    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _cancel_active(user, now)
        retain_until = funded_retain_until(user)
        erasure = Erasure(user_id=user.pk, full_name=user.full_name, email=user.email, retain_until=retain_until)
        if retain_until is not None:
            RetainedIdentity.objects.update_or_create(
                user=user, defaults={"full_name": user.full_name, "email": user.email, "retain_until": retain_until})
        for entry in registry.installed():
            entry.erase(user, erasure)
        request = ErasureRequest.objects.create(user=user, reason=reason, erased_at=now, retain_until=retain_until)
    return request


def retained_anonymise_due(*, today: dt.date | None = None, dry_run: bool = False) -> int:
    """The funder's date has passed: the last trace of the name goes (the participation stays, nameless)."""
    today = today or timezone.localdate()
    due = RetainedIdentity.objects.filter(retain_until__lt=today)
    count = due.count()
    if dry_run or not count:
        return count
    with transaction.atomic():
        user_ids = list(due.values_list("user_id", flat=True))
        due.delete()
        ErasureRequest.objects.filter(user_id__in=user_ids, retained_anonymised_at=None).update(
            retained_anonymised_at=timezone.now())
    return count


def is_erased(user) -> bool:
    return ErasureRequest.objects.filter(user=user, erased_at__isnull=False).exists()


