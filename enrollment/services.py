"""The only code that changes enrollment state.

Every function here:
- is keyword-only and runs in ONE transaction that first locks the cohort row (`select_for_update`),
  then re-reads the enrollment and re-counts the cohort's places inside the lock, so two requests can
  never take the same last place (when two cohorts are involved they are locked lower id first);
- writes an `EnrollmentEvent` (who, when, from, to, why) for every status change;
- schedules e-mails and cache invalidation with `transaction.on_commit`, so nothing is sent for a change
  that was rolled back;
- refuses with a named `EnrollmentError` subclass (see exceptions.py) before changing anything.

Place rules: CONFIRMED, OFFERED, COMPLETED and NOT_COMPLETED hold a place (SEAT_STATUSES). A newcomer is
confirmed only when there are more free places than people waiting, so nobody jumps the waitlist; a
freed place is offered to the first wait-listed person (first come, first served by
`waitlist_joined_at`, then id), who has `cohort.offer_hours` to accept.
"""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_coordinator

from .eligibility import eligibility_check
from .exceptions import (
    AlreadyEnrolled,
    CancellationClosed,
    CohortCancelled,
    CohortFull,
    InvalidTransition,
    NotYourEnrollment,
    OfferExpired,
    RegistrationClosed,
)
from .models import (
    ACTIVE_STATUSES,
    SEAT_STATUSES,
    Cohort,
    CohortStatus,
    Enrollment,
    EnrollmentEvent,
    EnrollmentPolicy,
    EnrollmentStatus,
    Session,
    SessionStatus,
)

logger = logging.getLogger(__name__)

S = EnrollmentStatus
# Statuses a person (or a coordinator) may still cancel.
CANCELLABLE = (S.PENDING, S.CONFIRMED, S.WAITLISTED, S.OFFERED)
# Cohort statuses in which places are still handed out (offers, approvals).
LIVE_COHORT = (CohortStatus.PLANNED, CohortStatus.OPEN, CohortStatus.RUNNING)
REMINDER_BEFORE = dt.timedelta(days=2)


# --- internals -----------------------------------------------------------------------------------

def _lock_cohort(cohort_id: int) -> Cohort:
    """Lock the cohort row until the end of the transaction (the single point of serialisation)."""
    return Cohort.objects.select_for_update().get(pk=cohort_id)


def _count(cohort: Cohort) -> tuple[int, int]:
    """(places taken, people waiting), counted inside the caller's lock."""
    statuses = list(Enrollment.objects.filter(cohort_id=cohort.pk,
                                              status__in=[*SEAT_STATUSES, S.WAITLISTED])
                    .values_list("status", flat=True))
    waiting = sum(1 for s in statuses if s == S.WAITLISTED)
    return len(statuses) - waiting, waiting


def _count_with_user(cohort: Cohort, user) -> tuple[int, int, int]:
    """(places taken, people waiting, the user's active enrollments): one query, inside the caller's lock."""
    counts = Enrollment.objects.filter(cohort_id=cohort.pk, status__in=ACTIVE_STATUSES).aggregate(
        taken=Count("id", filter=Q(status__in=SEAT_STATUSES)),
        waiting=Count("id", filter=Q(status=S.WAITLISTED)),
        mine=Count("id", filter=Q(user_id=user.pk)),
    )
    return counts["taken"], counts["waiting"], counts["mine"]


def _free_places(cohort: Cohort) -> int:
    taken, _waiting = _count(cohort)
    return max(cohort.capacity - taken, 0)


def _record(enrollment: Enrollment, *, from_status: str, to_status: str, actor=None, reason: str = "") -> None:
    EnrollmentEvent.objects.create(enrollment=enrollment, actor=actor if _is_user(actor) else None,
                                   from_status=from_status or "", to_status=to_status, reason=str(reason)[:500])


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and actor.pk is not None


def _set_status(enrollment: Enrollment, to_status: str, *, actor=None, reason: str = "", **fields) -> None:
    """Change the status (and any extra fields) and append the history entry."""
    from_status = enrollment.status
    enrollment.status = to_status
    for name, value in fields.items():
        setattr(enrollment, name, value)
    enrollment.save(update_fields=["status", "updated_at", *fields.keys()])
    _record(enrollment, from_status=from_status, to_status=to_status, actor=actor, reason=reason)


def _notify(kind: str, enrollment: Enrollment) -> None:
    """Send e-mail `kind` about `enrollment` after the transaction commits (through the task queue)."""
    enrollment_id = enrollment.pk

    def send():
        from .tasks import send_enrollment_email

        try:
            send_enrollment_email.enqueue(kind=kind, enrollment_id=enrollment_id)
        except Exception:  # a mail problem must never undo or break the committed change
            logger.exception("Could not enqueue the %s e-mail for enrollment %s", kind, enrollment_id)

    transaction.on_commit(send)


def _first_session_start(cohort: Cohort):
    return (Session.objects.filter(cohort_id=cohort.pk).exclude(status=SessionStatus.CANCELLED)
            .aggregate(first=Min("starts_at"))["first"])


def _offer(cohort: Cohort, enrollment: Enrollment, *, actor=None, reason: str = "") -> None:
    expires = timezone.now() + dt.timedelta(hours=cohort.offer_hours)
    _set_status(enrollment, S.OFFERED, actor=actor, reason=reason or _("A place became free."),
                offer_expires_at=expires)
    _notify("offer", enrollment)
    _schedule_expiry(enrollment.pk, expires)


def _schedule_expiry(enrollment_id: int, expires: dt.datetime) -> None:
    """Ask the worker to expire the offer at its deadline (the periodic sweep is the safety net)."""

    def enqueue():
        from .tasks import expire_offer

        try:
            backend = expire_offer.get_backend()
            if getattr(backend, "supports_defer", False):
                expire_offer.using(run_after=expires + dt.timedelta(seconds=1)).enqueue(enrollment_id=enrollment_id)
        except Exception:
            logger.exception("Could not schedule the expiry of offer %s", enrollment_id)

    transaction.on_commit(enqueue)


def _offer_free_places(cohort: Cohort, *, actor=None) -> list[Enrollment]:
    """Offer every free place to the wait-listed people in arrival order. Caller holds the cohort lock."""
    if cohort.status not in LIVE_COHORT:
        return []
    free = _free_places(cohort)
    if free <= 0:
        return []
    waiting = list(Enrollment.objects.filter(cohort_id=cohort.pk, status=S.WAITLISTED)
                   .order_by("waitlist_joined_at", "id")[:free])
    for enrollment in waiting:
        _offer(cohort, enrollment, actor=actor)
    return waiting


def _placement(cohort: Cohort) -> str:
    """Status for someone who asks for a place now: confirmed only if nobody waiting would be overtaken."""
    taken, waiting = _count(cohort)
    return S.CONFIRMED if cohort.capacity - taken > waiting else S.WAITLISTED


def _check_open(cohort: Cohort, now) -> None:
    if cohort.status == CohortStatus.CANCELLED:
        raise CohortCancelled()
    if cohort.status in (CohortStatus.FINISHED, CohortStatus.PLANNED):
        raise RegistrationClosed(_("Registration for this cohort is not open.") if cohort.status == CohortStatus.PLANNED
                                 else _("This cohort has already finished."))
    if cohort.registration_opens and now < cohort.registration_opens:
        raise RegistrationClosed(_("Registration opens on %(date)s.") % {
            "date": timezone.localtime(cohort.registration_opens).strftime("%d.%m.%Y %H:%M")})
    if cohort.registration_closes and now >= cohort.registration_closes:
        raise RegistrationClosed()


def _reload(enrollment: Enrollment) -> Enrollment:
    """The enrollment as it is now (the caller holds its cohort's lock, so it cannot change under us)."""
    return Enrollment.objects.select_related("cohort").get(pk=enrollment.pk)


def _check_owner(enrollment: Enrollment, actor) -> None:
    if actor is None or (enrollment.user_id != actor.pk and not is_coordinator(actor)):
        raise NotYourEnrollment()


def _clean_answers(answers) -> dict:
    return {str(k): str(v).strip()[:1000] for k, v in (answers or {}).items() if v not in (None, "")}


# --- enroll --------------------------------------------------------------------------------------

def enrollment_create(*, user, cohort: Cohort, answers: dict | None = None, actor=None,
                      language: str | None = None, check_eligibility: bool = True) -> Enrollment:
    """Enroll `user` in `cohort`.

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
            locked = _lock_cohort(cohort.pk)
            _check_open(locked, now)
            taken, waiting, mine = _count_with_user(locked, user)
            if mine:
                raise AlreadyEnrolled()
            if locked.policy == EnrollmentPolicy.APPROVAL:
                status = S.PENDING
            else:
                status = S.CONFIRMED if locked.capacity - taken > waiting else S.WAITLISTED
            # No savepoint: every enrollment of this cohort is created under its lock, after the check above;
            # the unique constraint is the last line (the IntegrityError below rolls the whole transaction back).
            enrollment = Enrollment.objects.create(
                user=user, cohort=locked, status=status, answers=_clean_answers(answers),
                language=(language or "et")[:8], waitlist_joined_at=now if status == S.WAITLISTED else None,
            )
            _record(enrollment, from_status="", to_status=status, actor=actor or user, reason=_("Enrolled."))
            _notify({S.CONFIRMED: "confirmation", S.WAITLISTED: "waitlisted", S.PENDING: "pending"}[status],
                    enrollment)
            offered = []
            if status == S.WAITLISTED and taken < locked.capacity:
                # Places were free while others waited (e.g. the capacity was raised): offer them in order now.
                offered = _offer_free_places(locked, actor=None)
    except IntegrityError:
        raise AlreadyEnrolled()
    if any(o.pk == enrollment.pk for o in offered):
        enrollment.refresh_from_db()
    return enrollment


# --- cancel --------------------------------------------------------------------------------------

def cancellation_deadline(cohort: Cohort):
    """Until when a participant may cancel a confirmed place themselves (None: no sessions yet)."""
    first = _first_session_start(cohort)
    return first - dt.timedelta(hours=cohort.cancellation_cutoff_hours) if first else None


def enrollment_cancel(*, enrollment: Enrollment, actor, reason: str = "") -> Enrollment:
    """Cancel an enrollment that is pending, confirmed, wait-listed or offered.

    The participant may cancel a confirmed place only until `cohort.cancellation_cutoff_hours` before the
    first session (CancellationClosed after that); coordinators may cancel at any time. A place that is
    freed is offered to the first wait-listed person in the same transaction.
    """
    _check_owner(enrollment, actor)
    with transaction.atomic():
        locked = _lock_cohort(enrollment.cohort_id)
        current = _reload(enrollment)
        if current.status not in CANCELLABLE:
            raise InvalidTransition(_("This enrollment is already closed."))
        self_service = actor.pk == current.user_id and not is_coordinator(actor)
        if self_service and current.status == S.CONFIRMED:
            deadline = cancellation_deadline(locked)
            if deadline is not None and timezone.now() >= deadline:
                raise CancellationClosed()
        _set_status(current, S.CANCELLED, actor=actor, reason=reason or _("Cancelled."), offer_expires_at=None)
        _notify("cancellation", current)
        _offer_free_places(locked)
    return current


# --- approval ------------------------------------------------------------------------------------

def enrollment_approve(*, enrollment: Enrollment, actor, reason: str = "") -> Enrollment:
    """Approve a pending enrollment: CONFIRMED if a place is free for it, otherwise WAITLISTED (in order)."""
    with transaction.atomic():
        locked = _lock_cohort(enrollment.cohort_id)
        current = _reload(enrollment)
        if current.status != S.PENDING:
            raise InvalidTransition(_("Only enrollments waiting for approval can be approved."))
        if locked.status == CohortStatus.CANCELLED:
            raise CohortCancelled()
        status = _placement(locked)
        extra = {"waitlist_joined_at": timezone.now()} if status == S.WAITLISTED else {}
        _set_status(current, status, actor=actor, reason=reason or _("Approved."), **extra)
        _notify("confirmation" if status == S.CONFIRMED else "waitlisted", current)
        _offer_free_places(locked)
    return current


def enrollment_reject(*, enrollment: Enrollment, actor, reason: str = "") -> Enrollment:
    """Reject a pending enrollment (no place was held, so nothing is offered)."""
    with transaction.atomic():
        _lock_cohort(enrollment.cohort_id)
        current = _reload(enrollment)
        if current.status != S.PENDING:
            raise InvalidTransition(_("Only enrollments waiting for approval can be rejected."))
        _set_status(current, S.REJECTED, actor=actor, reason=reason or _("Rejected."))
        _notify("rejection", current)
    return current


# --- waitlist and offers -------------------------------------------------------------------------

def waitlist_offer_next(*, cohort: Cohort, actor=None) -> list[Enrollment]:
    """Offer every free place to the first wait-listed people (FIFO); returns the enrollments offered.

    Use after a coordinator raised the capacity; the other services already call it when they free a place.
    """
    with transaction.atomic():
        locked = _lock_cohort(cohort.pk)
        return _offer_free_places(locked, actor=actor)


def offer_accept(*, enrollment: Enrollment, actor) -> Enrollment:
    """Accept an offered place: OFFERED -> CONFIRMED before the deadline.

    After the deadline the offer is recorded as EXPIRED, the place goes to the next person, and
    OfferExpired is raised.
    """
    if actor is None or enrollment.user_id != actor.pk:
        raise NotYourEnrollment()
    expired = False
    with transaction.atomic():
        locked = _lock_cohort(enrollment.cohort_id)
        current = _reload(enrollment)
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
            _set_status(current, S.CONFIRMED, actor=actor, reason=_("Offer accepted."), offer_expires_at=None)
            _notify("promotion", current)
    if expired:
        raise OfferExpired()
    return current


def offer_decline(*, enrollment: Enrollment, actor) -> Enrollment:
    """Decline an offered place: OFFERED -> DECLINED, and the place is offered to the next person."""
    if actor is None or enrollment.user_id != actor.pk:
        raise NotYourEnrollment()
    with transaction.atomic():
        locked = _lock_cohort(enrollment.cohort_id)
        current = _reload(enrollment)
        if current.status == S.EXPIRED:
            raise OfferExpired()
        if current.status == S.DECLINED:
            return current
        if current.status != S.OFFERED:
            raise InvalidTransition(_("There is no offered place to decline."))
        _set_status(current, S.DECLINED, actor=actor, reason=_("Offer declined."), offer_expires_at=None)
        _notify("cancellation", current)
        _offer_free_places(locked)
    return current


def _expire(cohort: Cohort, enrollment: Enrollment) -> None:
    _set_status(enrollment, S.EXPIRED, reason=_("The offer was not answered in time."), offer_expires_at=None)
    _offer_free_places(cohort)


def offer_expire(*, enrollment: Enrollment, now=None) -> bool:
    """Expire an unanswered offer whose deadline has passed; returns False when there is nothing to do."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_cohort(enrollment.cohort_id)
        current = _reload(enrollment)
        if current.status != S.OFFERED or current.offer_expires_at is None or current.offer_expires_at > now:
            return False
        _expire(locked, current)
    return True


def offers_expire_due(*, now=None) -> int:
    """Expire every overdue offer (periodic sweep); safe to run any number of times in parallel."""
    now = now or timezone.now()
    due = list(Enrollment.objects.filter(status=S.OFFERED, offer_expires_at__lte=now).order_by("offer_expires_at"))
    return sum(1 for enrollment in due if offer_expire(enrollment=enrollment, now=now))


# --- moving and coordinator actions --------------------------------------------------------------

def enrollment_move(*, enrollment: Enrollment, to_cohort: Cohort, actor, reason: str = "") -> Enrollment:
    """Move a person to another cohort (a coordinator's action); returns the new enrollment.

    Both cohorts are locked, lower id first. A person holding a place gets a confirmed place in the target
    or CohortFull is raised; a wait-listed or pending person is placed by the target's rules. The old
    enrollment is CANCELLED with the reason, and its freed place is offered to the next person.
    """
    if enrollment.cohort_id == to_cohort.pk:
        raise InvalidTransition(_("The person is already in this cohort."))
    with transaction.atomic():
        first, second = sorted([enrollment.cohort_id, to_cohort.pk])
        locked = {first: _lock_cohort(first), second: _lock_cohort(second)}
        source, target = locked[enrollment.cohort_id], locked[to_cohort.pk]
        current = _reload(enrollment)
        if current.status not in CANCELLABLE:
            raise InvalidTransition(_("Only active enrollments can be moved."))
        if target.status == CohortStatus.CANCELLED:
            raise CohortCancelled()
        if target.status == CohortStatus.FINISHED:
            raise RegistrationClosed(_("This cohort has already finished."))
        if Enrollment.objects.filter(user_id=current.user_id, cohort_id=target.pk,
                                     status__in=ACTIVE_STATUSES).exists():
            raise AlreadyEnrolled(_("The person is already enrolled in that cohort."))
        if current.status in SEAT_STATUSES:
            status = _placement(target)
            if status != S.CONFIRMED:
                raise CohortFull()
        elif current.status == S.PENDING and target.policy == EnrollmentPolicy.APPROVAL:
            status = S.PENDING
        else:
            status = _placement(target)
        why = reason or _("Moved by a coordinator.")
        _set_status(current, S.CANCELLED, actor=actor,
                    reason=_("Moved to %(cohort)s. %(why)s") % {"cohort": target.code, "why": why},
                    offer_expires_at=None)
        moved = Enrollment.objects.create(
            user_id=current.user_id, cohort=target, status=status, answers=current.answers,
            language=current.language, waitlist_joined_at=timezone.now() if status == S.WAITLISTED else None)
        _record(moved, from_status="", to_status=status, actor=actor,
                reason=_("Moved from %(cohort)s. %(why)s") % {"cohort": source.code, "why": why})
        _notify("changed", moved)
        _offer_free_places(source)
        _offer_free_places(target)
    return moved


def cohort_cancel(*, cohort: Cohort, actor, reason: str = "") -> int:
    """Cancel a cohort: every active enrollment is CANCELLED and told so; returns how many were."""
    with transaction.atomic():
        locked = _lock_cohort(cohort.pk)
        locked.status = CohortStatus.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        affected = list(Enrollment.objects.filter(cohort_id=locked.pk, status__in=CANCELLABLE))
        for enrollment in affected:
            _set_status(enrollment, S.CANCELLED, actor=actor, reason=reason or _("The cohort was cancelled."),
                        offer_expires_at=None)
            _notify("cohort_cancelled", enrollment)
    return len(affected)


def cohort_notify_changed(*, cohort: Cohort) -> int:
    """Tell everyone holding or offered a place that the cohort's dates or venue changed; returns the count."""
    with transaction.atomic():
        locked = _lock_cohort(cohort.pk)
        affected = list(Enrollment.objects.filter(cohort_id=locked.pk, status__in=[S.CONFIRMED, S.OFFERED]))
        for enrollment in affected:
            _notify("changed", enrollment)
    return len(affected)


def enrollment_record_outcome(*, enrollment: Enrollment, completed: bool, actor=None, reason: str = "") -> Enrollment:
    """Close a confirmed enrollment as COMPLETED or NOT_COMPLETED (for the completion service)."""
    with transaction.atomic():
        _lock_cohort(enrollment.cohort_id)
        current = _reload(enrollment)
        target = S.COMPLETED if completed else S.NOT_COMPLETED
        if current.status == target:
            return current
        if current.status not in (S.CONFIRMED, S.COMPLETED, S.NOT_COMPLETED):
            raise InvalidTransition(_("Only confirmed participants can complete a course."))
        _set_status(current, target, actor=actor, reason=reason)
    return current


# --- reminders -----------------------------------------------------------------------------------

def reminders_send_due(*, now=None) -> int:
    """Send the reminder e-mail to every confirmed participant whose first session starts within two days.

    Each enrollment is marked (`reminder_sent_at`) in the same transaction that hands the e-mail to the
    task queue; with the database task backend both commit together, so a restart neither loses nor
    repeats a reminder.
    """
    from .tasks import send_enrollment_email

    now = now or timezone.now()
    candidates = (Enrollment.objects.filter(status=S.CONFIRMED, reminder_sent_at__isnull=True,
                                            cohort__status__in=LIVE_COHORT)
                  .annotate(first_start=Min("cohort__sessions__starts_at"))
                  .filter(first_start__gt=now, first_start__lte=now + REMINDER_BEFORE)
                  .values_list("pk", flat=True))
    sent = 0
    for pk in list(candidates):
        with transaction.atomic():
            row = (Enrollment.objects.select_for_update(skip_locked=True)
                   .filter(pk=pk, status=S.CONFIRMED, reminder_sent_at__isnull=True).first())
            if row is None:
                continue
            row.reminder_sent_at = now
            row.save(update_fields=["reminder_sent_at"])
            send_enrollment_email.enqueue(kind="reminder", enrollment_id=row.pk)
            sent += 1
    return sent
