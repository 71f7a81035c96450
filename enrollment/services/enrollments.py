"""A person's enrollment from the first click to its outcome: enroll, cancel, approve, reject, move, and the
completion outcome recorded by attendance. Each runs in one transaction under the cohort lock."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_coordinator
from leansql import insert, insert_all
from outbox.services import message_queue

from .. import places
from ..eligibility import eligibility_check
from ..emails import enrollment_email_enqueue, enrollment_email_new
from ..exceptions import (
    AlreadyEnrolled,
    AlreadyEnrolledInCourse,
    CancellationClosed,
    CohortCancelled,
    CohortFull,
    InvalidTransition,
    NotYourEnrollment,
    RegistrationClosed,
)
from ..models import Cohort, Enrollment
from ..places import RegistrationState
from ..signup import SignupChanged
from ..statuses import (
    ACTIVE_STATUSES,
    CANCELLABLE_STATUSES,
    SEAT_STATUSES,
    CohortStatus,
    EnrollmentPolicy,
    EnrollmentStatus,
)
from . import state
from .waitlist import placement, waitlist_offer_free_places

S = EnrollmentStatus
INITIAL_EMAIL = {S.CONFIRMED: "confirmation", S.WAITLISTED: "waitlisted", S.PENDING: "pending"}


def registration_check(cohort: Cohort, *, now) -> None:
    """Raise the matching EnrollmentError unless a person can enroll in `cohort` now (places.registration_state)."""
    # The first session matters only when no closing time is set (then registration closes when it starts).
    first_start = state.first_session_start(cohort) if cohort.registration_closes is None else None
    verdict = cohort.registration_state(now=now, first_start=first_start)
    if verdict == RegistrationState.OPEN:
        return
    if verdict == RegistrationState.CANCELLED:
        raise CohortCancelled()
    if verdict == RegistrationState.FINISHED:
        raise RegistrationClosed(_("This cohort has already finished."))
    if verdict == RegistrationState.NOT_PUBLISHED:
        raise RegistrationClosed(_("Registration for this cohort is not open."))
    if verdict == RegistrationState.NOT_YET_OPEN:
        raise RegistrationClosed(_("Registration opens on %(date)s.") % {
            "date": timezone.localtime(cohort.registration_opens).strftime("%d.%m.%Y %H:%M")})
    raise RegistrationClosed()


def _check_owner(enrollment: Enrollment, actor) -> None:
    if actor is None or (enrollment.user_id != actor.pk and not is_coordinator(actor)):
        raise NotYourEnrollment()


def _clean_answers(answers) -> dict:
    return {str(k): str(v).strip()[:1000] for k, v in (answers or {}).items() if v not in (None, "")}


def _insert_with_history_and_email(enrollment: Enrollment, *, actor, kind: str, locks: state.EnrollmentLocks) -> None:
    """Insert a new enrollment, its first history row and its e-mail. With their keys allocated with the locks
    (PostgreSQL) that is one statement, deferred to the COMMIT: the cohort's lock, which everybody enrolling
    waits for, is then released one round trip sooner. Elsewhere the enrollment first, whose key the others
    name."""
    if enrollment.pk is None:
        insert(enrollment)
    event = state.history_entry(enrollment, from_status="", to_status=enrollment.status, actor=actor,
                                reason=_("Enrolled."))
    event.pk = locks.new_event_id
    message = enrollment_email_new(kind, enrollment)
    message.pk = locks.new_message_id
    insert_all(*([enrollment] if enrollment._state.adding else []), event, message, defer=True)
    message_queue(message)


def enrollment_create(*, user, cohort: Cohort, answers: dict | None = None, actor=None,
                      language: str | None = None, check_eligibility: bool = True) -> Enrollment:
    """Enroll `user` in `cohort`.

    When `cohort` carries a remembered sign-up row (`selectors.cohort_get(remembered=True)`) that changed since,
    SignupChanged is raised and nothing is saved: the caller reads the cohort again and decides again.

    Guarantees: the cohort is open and inside its registration window; the user is eligible (unless a
    coordinator imports with `check_eligibility=False`); at most one active enrollment per user and cohort;
    with the open policy the person is CONFIRMED when a place is free and nobody is waiting, otherwise
    WAITLISTED (first come, first served); with the approval policy the enrollment is PENDING. Never more
    confirmed than places, whatever the concurrency.
    """
    if check_eligibility:
        eligibility_check(user=user, cohort=cohort)
    now = timezone.now()
    try:
        with transaction.atomic():
            # With the course's one-cohort-at-a-time rule (a course setting, not contended: read before the locks)
            # the person is locked first, then the cohort: the cohort's lock, which everybody enrolling waits
            # for, stays short. Locks, counts and the new enrollment's key come back in one round trip.
            locks = state.enrollment_locks(cohort.pk, user=user, person_first=cohort.course.one_cohort_at_a_time)
            if getattr(cohort, "signup_remembered", False) and locks.signup_digest != cohort.signup_digest:
                raise SignupChanged()  # prepared with a remembered sign-up row that is not current (signup.py)
            if locks.elsewhere:
                raise AlreadyEnrolledInCourse()
            locked, counts = locks.cohort, locks.counts
            registration_check(locked, now=now)
            if counts.mine:
                raise AlreadyEnrolled()
            if locked.policy == EnrollmentPolicy.APPROVAL:
                status = S.PENDING
            else:
                status = S.CONFIRMED if counts.free > 0 else S.WAITLISTED
            # No savepoint: every enrollment of this cohort is created under its lock, after the check above;
            # the unique constraint is the last line (the IntegrityError below rolls the whole transaction back).
            enrollment = Enrollment(
                pk=locks.new_id, user=user, cohort=locked, status=status, answers=_clean_answers(answers),
                language=(language or "et")[:8], waitlist_joined_at=now if status == S.WAITLISTED else None,
            )
            _insert_with_history_and_email(enrollment, actor=actor or user, kind=INITIAL_EMAIL[status], locks=locks)
            offered = []
            if status == S.WAITLISTED and counts.unheld > 0:
                # Places were free while others waited (e.g. the capacity was raised): offer them in order now.
                offered = waitlist_offer_free_places(locked, actor=None)
    except IntegrityError:
        raise AlreadyEnrolled()
    if any(o.pk == enrollment.pk for o in offered):
        enrollment.refresh_from_db()
    return enrollment


def cancellation_deadline(cohort: Cohort):
    """Until when a participant may cancel a confirmed place themselves (None: no sessions yet)."""
    return places.cancellation_deadline(first_start=state.first_session_start(cohort),
                                        cutoff_hours=cohort.cancellation_cutoff_hours)


def enrollment_cancel(*, enrollment: Enrollment, actor, reason: str = "") -> Enrollment:
    """Cancel an enrollment that is pending, confirmed, wait-listed or offered.

    The participant may cancel a confirmed place only until `cohort.cancellation_cutoff_hours` before the
    first session (CancellationClosed after that); coordinators may cancel at any time. A place that is
    freed is offered to the first wait-listed person in the same transaction.
    """
    _check_owner(enrollment, actor)
    with transaction.atomic():
        locked = state.cohort_lock(enrollment.cohort_id)
        current = state.enrollment_reload(enrollment)
        if current.status not in CANCELLABLE_STATUSES:
            raise InvalidTransition(_("This enrollment is already closed."))
        self_service = actor.pk == current.user_id and not is_coordinator(actor)
        if self_service and current.status == S.CONFIRMED:
            deadline = cancellation_deadline(locked)
            if deadline is not None and timezone.now() >= deadline:
                raise CancellationClosed()
        state.enrollment_status_set(current, S.CANCELLED, actor=actor, reason=reason or _("Cancelled."),
                                    offer_expires_at=None)
        enrollment_email_enqueue("cancellation", current)
        waitlist_offer_free_places(locked)
    return current


def enrollment_approve(*, enrollment: Enrollment, actor, reason: str = "") -> Enrollment:
    """Approve a pending enrollment: CONFIRMED if a place is free for it, otherwise WAITLISTED (in order)."""
    with transaction.atomic():
        locked = state.cohort_lock(enrollment.cohort_id)
        current = state.enrollment_reload(enrollment)
        if current.status != S.PENDING:
            raise InvalidTransition(_("Only enrollments waiting for approval can be approved."))
        if locked.status == CohortStatus.CANCELLED:
            raise CohortCancelled()
        status = placement(locked)
        extra = {"waitlist_joined_at": timezone.now()} if status == S.WAITLISTED else {}
        state.enrollment_status_set(current, status, actor=actor, reason=reason or _("Approved."), **extra)
        enrollment_email_enqueue("confirmation" if status == S.CONFIRMED else "waitlisted", current)
        waitlist_offer_free_places(locked)
    return current


def enrollment_reject(*, enrollment: Enrollment, actor, reason: str = "") -> Enrollment:
    """Reject a pending enrollment (no place was held, so nothing is offered)."""
    with transaction.atomic():
        state.cohort_lock(enrollment.cohort_id)
        current = state.enrollment_reload(enrollment)
        if current.status != S.PENDING:
            raise InvalidTransition(_("Only enrollments waiting for approval can be rejected."))
        state.enrollment_status_set(current, S.REJECTED, actor=actor, reason=reason or _("Rejected."))
        enrollment_email_enqueue("rejection", current)
    return current


def enrollment_move(*, enrollment: Enrollment, to_cohort: Cohort, actor, reason: str = "") -> Enrollment:
    """Move a person to another cohort (a coordinator's action); returns the new enrollment.

    Both cohorts are locked, lower id first. A person holding a place gets a confirmed place in the target
    or CohortFull is raised; a wait-listed or pending person is placed by the target's rules. The old
    enrollment is CANCELLED with the reason, the new one records it in `moved_from`, and the freed place is
    offered to the next person.
    """
    if enrollment.cohort_id == to_cohort.pk:
        raise InvalidTransition(_("The person is already in this cohort."))
    with transaction.atomic():
        locked = state.cohorts_lock(enrollment.cohort_id, to_cohort.pk)
        source, target = locked[enrollment.cohort_id], locked[to_cohort.pk]
        current = state.enrollment_reload(enrollment)
        if current.status not in CANCELLABLE_STATUSES:
            raise InvalidTransition(_("Only active enrollments can be moved."))
        if target.status == CohortStatus.CANCELLED:
            raise CohortCancelled()
        if target.status == CohortStatus.FINISHED:
            raise RegistrationClosed(_("This cohort has already finished."))
        if Enrollment.objects.filter(user_id=current.user_id, cohort_id=target.pk,
                                     status__in=ACTIVE_STATUSES).exists():
            raise AlreadyEnrolled(_("The person is already enrolled in that cohort."))
        if current.status in SEAT_STATUSES:
            status = placement(target)
            if status != S.CONFIRMED:
                raise CohortFull()
        elif current.status == S.PENDING and target.policy == EnrollmentPolicy.APPROVAL:
            status = S.PENDING
        else:
            status = placement(target)
        why = reason or _("Moved by a coordinator.")
        state.enrollment_status_set(current, S.CANCELLED, actor=actor,
                                    reason=_("Moved to %(cohort)s. %(why)s") % {"cohort": target.code, "why": why},
                                    offer_expires_at=None)
        moved = Enrollment.objects.create(
            user_id=current.user_id, cohort=target, status=status, answers=current.answers, moved_from=current,
            language=current.language, waitlist_joined_at=timezone.now() if status == S.WAITLISTED else None)
        state.history_record(moved, from_status="", to_status=status, actor=actor,
                             reason=_("Moved from %(cohort)s. %(why)s") % {"cohort": source.code, "why": why})
        enrollment_email_enqueue("changed", moved)
        waitlist_offer_free_places(source)
        waitlist_offer_free_places(target)
    return moved


def enrollment_record_outcome(*, enrollment: Enrollment, completed: bool, actor=None, reason: str = "") -> Enrollment:
    """Close a confirmed enrollment as COMPLETED or NOT_COMPLETED, or correct an earlier outcome (attendance's
    completion service calls it); a repeated call with the same outcome changes nothing."""
    with transaction.atomic():
        state.cohort_lock(enrollment.cohort_id)
        current = state.enrollment_reload(enrollment)
        target = S.COMPLETED if completed else S.NOT_COMPLETED
        if current.status == target:
            return current
        if current.status not in (S.CONFIRMED, S.COMPLETED, S.NOT_COMPLETED):
            raise InvalidTransition(_("Only confirmed participants can complete a course."))
        state.enrollment_status_set(current, target, actor=actor, reason=reason)
    return current
