"""Waitlist and offers: a freed place goes to the first wait-listed person (first come, first served by
`waitlist_joined_at`, then id), who has `cohort.offer_hours` to accept; an unanswered offer expires and
the place moves on. Every function runs under the cohort lock (see state.py)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from outbox.services import enqueue_in_transaction

from ..emails import enrollment_email_enqueue
from ..exceptions import CohortFull, InvalidTransition, NotYourEnrollment, OfferExpired
from ..models import Cohort, Enrollment
from ..statuses import LIVE_COHORT_STATUSES, EnrollmentStatus
from . import state

logger = logging.getLogger(__name__)
S = EnrollmentStatus


def placement(cohort: Cohort) -> str:
    """Status for someone who asks for a place now: confirmed only if nobody waiting would be overtaken."""
    return S.CONFIRMED if state.place_counts(cohort).free > 0 else S.WAITLISTED


def waitlist_offer_free_places(cohort: Cohort, *, actor=None) -> list[Enrollment]:
    """Offer every unheld place to the wait-listed people in arrival order. Caller holds the cohort lock."""
    if cohort.status not in LIVE_COHORT_STATUSES:
        return []
    unheld = state.place_counts(cohort).unheld
    if unheld <= 0:
        return []
    waiting = list(Enrollment.objects.filter(cohort_id=cohort.pk, status=S.WAITLISTED)
                   .order_by("waitlist_joined_at", "id")[:unheld])
    for enrollment in waiting:
        _offer(cohort, enrollment, actor=actor)
    return waiting


def _offer(cohort: Cohort, enrollment: Enrollment, *, actor=None, reason: str = "") -> None:
    expires = timezone.now() + dt.timedelta(hours=cohort.offer_hours)
    state.enrollment_status_set(enrollment, S.OFFERED, actor=actor, reason=reason or _("A place became free."),
                                offer_expires_at=expires)
    enrollment_email_enqueue("offer", enrollment)
    _schedule_expiry(enrollment.pk, expires)


def _schedule_expiry(enrollment_id: int, expires: dt.datetime) -> None:
    """Ask the worker to expire the offer at its deadline; with the database task backend the task is written in
    the offer's transaction (the periodic sweep is the safety net for the other backends)."""
    if getattr(offer_expire_task.get_backend(), "supports_defer", False):
        enqueue_in_transaction(offer_expire_task, run_after=expires + dt.timedelta(seconds=1),
                               enrollment_id=enrollment_id)


def waitlist_offer_next(*, cohort: Cohort, actor=None) -> list[Enrollment]:
    """Offer every free place to the first wait-listed people (FIFO); returns the enrollments offered.

    Use after a coordinator raised the capacity; the other services already call it when they free a place.
    """
    with transaction.atomic():
        locked = state.cohort_lock(cohort.pk)
        return waitlist_offer_free_places(locked, actor=actor)


def waitlist_offer_person(*, enrollment: Enrollment, actor) -> Enrollment:
    """Offer a place now to this wait-listed person (a coordinator's choice, e.g. out of the usual order).

    Guaranteed, under the cohort lock: the person is still WAITLISTED, the cohort is planned, open or
    running, and a place is unheld (capacity minus the places confirmed, offered or completed); otherwise a
    translated EnrollmentError is raised and nothing changes. The offer is the usual one: `cohort.offer_hours`
    to accept, the offer e-mail, the expiry scheduled, a history row naming the actor. Nobody else's place
    or turn is taken: only an unheld place is ever offered.
    """
    with transaction.atomic():
        locked = state.cohort_lock(enrollment.cohort_id)
        current = state.enrollment_reload(enrollment)
        if current.status != S.WAITLISTED:
            raise InvalidTransition(_("Only a wait-listed person can be offered a place."))
        if locked.status not in LIVE_COHORT_STATUSES:
            raise InvalidTransition(_("This cohort is closed: no place can be offered."))
        if state.place_counts(locked).unheld <= 0:
            raise CohortFull(_("No place is free to offer: every place is taken or already offered. Raise the "
                               "capacity or free a place first."))
        _offer(locked, current, actor=actor, reason=_("Offered by a coordinator."))
    return current


def offer_accept(*, enrollment: Enrollment, actor) -> Enrollment:
    """Accept an offered place: OFFERED -> CONFIRMED before the deadline.

    After the deadline the offer is recorded as EXPIRED, the place goes to the next person, and
    OfferExpired is raised.
    """
    if actor is None or enrollment.user_id != actor.pk:
        raise NotYourEnrollment()
    expired = False
    with transaction.atomic():
        locked = state.cohort_lock(enrollment.cohort_id)
        current = state.enrollment_reload(enrollment)
        if current.status == S.EXPIRED:
            raise OfferExpired()
        if current.status == S.CONFIRMED:
            return current  # a double click: already accepted
        if current.status != S.OFFERED:
            raise InvalidTransition(_("There is no offered place to accept."))
        if current.offer_expires_at and current.offer_expires_at <= timezone.now():
            _expire(locked, current)
            expired = True
        else:
            state.enrollment_status_set(current, S.CONFIRMED, actor=actor, reason=_("Offer accepted."),
                                        offer_expires_at=None)
            enrollment_email_enqueue("promotion", current)
    if expired:
        raise OfferExpired()
    return current


def offer_decline(*, enrollment: Enrollment, actor) -> Enrollment:
    """Decline an offered place: OFFERED -> DECLINED, and the place is offered to the next person."""
    if actor is None or enrollment.user_id != actor.pk:
        raise NotYourEnrollment()
    with transaction.atomic():
        locked = state.cohort_lock(enrollment.cohort_id)
        current = state.enrollment_reload(enrollment)
        if current.status == S.EXPIRED:
            raise OfferExpired()
        if current.status == S.DECLINED:
            return current
        if current.status != S.OFFERED:
            raise InvalidTransition(_("There is no offered place to decline."))
        state.enrollment_status_set(current, S.DECLINED, actor=actor, reason=_("Offer declined."),
                                    offer_expires_at=None)
        enrollment_email_enqueue("cancellation", current)
        waitlist_offer_free_places(locked)
    return current


def _expire(cohort: Cohort, enrollment: Enrollment) -> None:
    state.enrollment_status_set(enrollment, S.EXPIRED, reason=_("The offer was not answered in time."),
                                offer_expires_at=None)
    waitlist_offer_free_places(cohort)


def offer_expire(*, enrollment: Enrollment, now=None) -> bool:
    """Expire an unanswered offer whose deadline has passed; returns False when there is nothing to do."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = state.cohort_lock(enrollment.cohort_id)
        current = state.enrollment_reload(enrollment)
        if current.status != S.OFFERED or current.offer_expires_at is None or current.offer_expires_at > now:
            return False
        _expire(locked, current)
    return True


@task()
def offer_expire_task(*, enrollment_id: int) -> bool:
    """Expire one offer if it is still unanswered after its deadline (enqueued with run_after = deadline)."""
    enrollment = Enrollment.objects.filter(pk=enrollment_id).first()
    return bool(enrollment and offer_expire(enrollment=enrollment))


def offers_expire_due(*, now=None) -> int:
    """Expire every overdue offer (periodic sweep); safe to run any number of times in parallel."""
    now = now or timezone.now()
    due = list(Enrollment.objects.filter(status=S.OFFERED, offer_expires_at__lte=now).order_by("offer_expires_at"))
    return sum(1 for enrollment in due if offer_expire(enrollment=enrollment, now=now))
