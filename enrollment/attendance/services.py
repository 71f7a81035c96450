"""The only code that writes attendance, check-in codes and completion.

Every function is keyword-only, runs in one transaction that first locks the cohort row of the session
(`select_for_update`), re-reads what it is about to change inside the lock, writes an AttendanceEvent for every
changed mark, and refuses with a named AttendanceError (exceptions.py) before writing anything.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.numbers import format_percent
from accounts.roles import is_coordinator
from outbox.services import enqueue_in_transaction

from .. import signals
from ..emails import outcome_email_enqueue
from ..models import Cohort, CohortStatus, Enrollment, EnrollmentStatus, Session, SessionStatus
from ..services.enrollments import enrollment_record_outcome
from ..services.state import actor_or_none, cohort_lock, cohorts_lock
from .exceptions import (
    AlreadyCheckedIn,
    AttendanceLocked,
    CheckInClosed,
    CheckInError,
    CheckInThrottled,
    CodeExpired,
    CohortNotClosable,
    InvalidMark,
    NotAllowed,
    NotEnrolled,
    NotMarkable,
    ReasonRequired,
    SessionNotMarkable,
    WrongCode,
)
from .models import (
    ATTENDED_STATUSES,
    PARTIAL_STATUSES,
    Attendance,
    AttendanceEvent,
    AttendanceSource,
    AttendanceStatus,
    CheckInCode,
    CompletionResult,
)
from .selectors import (
    MARKABLE_STATUSES,
    checkin_opens_before,
    checkin_window,
    cohorts_due_for_closing,
    may_mark,
    progress_for_enrollment,
    progress_for_enrollments,
    session_locked,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mark:
    """One requested mark: the enrollment, the status, minutes missed (late / left early only)."""

    enrollment_id: int
    status: str
    minutes_missed: int = 0
    makeup_for_id: int | None = None


@dataclass
class MarkResult:
    """What attendance_mark did: rows written, rows already as requested, rows refused as stale."""

    saved: list[Attendance] = field(default_factory=list)
    unchanged: list[Attendance] = field(default_factory=list)
    conflicts: list[Attendance] = field(default_factory=list)

    @property
    def conflict_names(self) -> list[str]:
        return [str(a.enrollment.user) for a in self.conflicts]


def _validate_mark(mark: Mark, session: Session) -> None:
    if mark.status not in AttendanceStatus.values:
        raise InvalidMark(_("Unknown attendance status."))
    minutes = mark.minutes_missed or 0
    if mark.status in PARTIAL_STATUSES:
        length = int((session.ends_at - session.starts_at).total_seconds() // 60)
        if minutes <= 0 or minutes >= length:
            raise InvalidMark(_("For late arrival or leaving early, give the minutes missed (1 to %(max)s).")
                              % {"max": length - 1})
    elif minutes:
        raise InvalidMark(_("Minutes missed are only given for late arrival or leaving early."))


def attendance_mark(*, session: Session, marks: list[Mark], actor, expected_versions: dict[int, int] | None = None,
                    reason: str | None = None, now: dt.datetime | None = None,
                    source: str = AttendanceSource.ROSTER) -> MarkResult:
    """Save marks for one session, all or nothing for refusals, merge-or-refuse per row for stale forms.

    Guarantees:
    - only a trainer of the session's cohort or a coordinator may mark (NotAllowed); nothing written otherwise;
    - only confirmed (or already completed / not completed) enrollments of the same course are marked; a
      cancelled or wait-listed enrollment refuses the whole save (NotMarkable); an enrollment of another cohort
      of the same course is a make-up and is allowed;
    - attended marks (present, late, left early, absent) only once the session's check-in window has opened;
      excused may be marked in advance; cancelled sessions refuse;
    - ATTENDANCE_LOCK_DAYS after the session ends the marks lock: trainers are refused (AttendanceLocked),
      coordinators must give a reason (ReasonRequired), which goes into the history;
    - `expected_versions` maps enrollment id -> the row version the form showed (0 = no mark yet). A row whose
      version moved on since (another trainer saved) is NOT overwritten unless it already holds the requested
      mark; it is returned in `result.conflicts`. Other rows are saved (merge).
    - every change bumps the row's version and appends an AttendanceEvent (who, when, from, to, reason).
    """
    now = now or timezone.now()
    expected_versions = expected_versions or {}
    reason = (reason or "").strip()
    ids = [m.enrollment_id for m in marks]
    with transaction.atomic():
        # The session's cohort and the cohorts of the people marked (a make-up's own cohort, whose completion
        # may be re-evaluated below) are locked together, lower id first, so two make-ups never deadlock.
        own_cohorts = set(Enrollment.objects.filter(pk__in=ids).values_list("cohort_id", flat=True))
        cohort = cohorts_lock(session.cohort_id, *own_cohorts)[session.cohort_id]
        session = Session.objects.select_related("cohort__course").get(pk=session.pk)
        if not may_mark(actor, cohort):
            raise NotAllowed()
        if session.status == SessionStatus.CANCELLED or cohort.status == CohortStatus.CANCELLED:
            raise SessionNotMarkable(_("This session was cancelled."))
        locked = session_locked(session, now=now)
        if locked:
            if not is_coordinator(actor):
                raise AttendanceLocked()
            if not reason:
                raise ReasonRequired()
        opens = session.starts_at - checkin_opens_before()
        if len(set(ids)) != len(ids):
            raise InvalidMark(_("A participant was marked twice in one save."))
        enrollments = {e.pk: e for e in Enrollment.objects.filter(pk__in=ids)
                       .select_related("user", "cohort")}
        for mark in marks:
            enrollment = enrollments.get(mark.enrollment_id)
            if enrollment is None:
                raise NotMarkable()
            if enrollment.status not in MARKABLE_STATUSES:
                raise NotMarkable(_("%(name)s's enrollment is %(status)s: attendance cannot be marked.")
                                  % {"name": enrollment.user, "status": enrollment.get_status_display().lower()})
            if enrollment.cohort.course_id != session.cohort.course_id:
                raise NotMarkable(_("%(name)s is not enrolled in this course.") % {"name": enrollment.user})
            _validate_mark(mark, session)
            if mark.status != AttendanceStatus.EXCUSED and now < opens:
                raise SessionNotMarkable(_("The session has not started yet; only excused absences can be marked "
                                           "in advance."))
        existing = {a.enrollment_id: a for a in Attendance.objects.select_for_update()
                    .filter(session_id=session.pk, enrollment_id__in=ids)}
        result = MarkResult()
        marker = actor_or_none(actor)
        for mark in marks:
            enrollment = enrollments[mark.enrollment_id]
            minutes = mark.minutes_missed if mark.status in PARTIAL_STATUSES else 0
            row = existing.get(mark.enrollment_id)
            makeup_for_id = mark.makeup_for_id if enrollment.cohort_id != session.cohort_id else None
            if row is not None and row.status == mark.status and row.minutes_missed == minutes:
                row.enrollment = enrollment
                result.unchanged.append(row)
                continue
            expected = expected_versions.get(mark.enrollment_id)
            current_version = row.version if row else 0
            if expected is not None and expected != current_version:
                if row is not None:
                    row.enrollment = enrollment
                    result.conflicts.append(row)
                    continue
                # The form had a row that since disappeared: nothing to overwrite, save the mark.
            from_status, from_minutes = (row.status, row.minutes_missed) if row else ("", 0)
            if row is None:
                row = Attendance(enrollment=enrollment, session=session, version=0)
            row.status = mark.status
            row.minutes_missed = minutes
            row.makeup_for_id = makeup_for_id if makeup_for_id else row.makeup_for_id
            row.source = source
            row.marked_by = marker
            row.marked_at = now
            row.version = current_version + 1
            row.save()
            AttendanceEvent.objects.create(attendance=row, actor=marker, from_status=from_status,
                                           from_minutes=from_minutes, to_status=row.status,
                                           to_minutes=row.minutes_missed, reason=reason[:500])
            result.saved.append(row)
        # A closed enrollment's outcome follows its marks (make-up or late correction), in this transaction.
        for enrollment_id in dict.fromkeys(row.enrollment_id for row in result.saved):
            completion_reevaluate(enrollment=enrollments[enrollment_id], actor=actor, now=now)
    return result


def attendance_mark_all_present(*, session: Session, actor, reason: str | None = None,
                                now: dt.datetime | None = None) -> MarkResult:
    """Mark every confirmed participant of the session's cohort who has no mark yet as present.

    Existing marks are never touched (so a second trainer's marks survive); same refusals as attendance_mark.
    """
    enrollment_ids = list(Enrollment.objects.filter(cohort_id=session.cohort_id, status=EnrollmentStatus.CONFIRMED)
                          .exclude(attendances__session=session).values_list("pk", flat=True))
    marks = [Mark(enrollment_id=pk, status=AttendanceStatus.PRESENT) for pk in enrollment_ids]
    return attendance_mark(session=session, marks=marks, actor=actor, reason=reason, now=now,
                           expected_versions={pk: 0 for pk in enrollment_ids})


def attendance_makeup_add(*, session: Session, email: str, actor, now: dt.datetime | None = None) -> Attendance:
    """Add a guest from another cohort of the same course to `session` as present (a make-up).

    The guest's enrollment stays in its own cohort. The mark names the session it makes up for: the guest's
    first own-cohort session without an attended mark, mandatory ones first (None if nothing is missing).
    Same refusals as attendance_mark; NotMarkable when the e-mail has no confirmed place in the course.
    """
    email = (email or "").strip()
    enrollment = (Enrollment.objects.filter(user__email__iexact=email, status__in=MARKABLE_STATUSES,
                                            cohort__course_id=session.cohort.course_id)
                  .exclude(cohort_id=session.cohort_id).select_related("cohort").order_by("-created_at").first())
    if not email or enrollment is None:
        raise NotMarkable(_("Nobody with this e-mail has a confirmed place in another cohort of this course."))
    attended = set(Attendance.objects.filter(enrollment=enrollment, status__in=ATTENDED_STATUSES)
                   .values_list("session_id", flat=True))
    attended |= set(Attendance.objects.filter(enrollment=enrollment, status__in=ATTENDED_STATUSES)
                    .exclude(makeup_for=None).values_list("makeup_for_id", flat=True))
    missed = [s for s in Session.objects.filter(cohort_id=enrollment.cohort_id).exclude(status=SessionStatus.CANCELLED)
              .order_by("-mandatory", "starts_at") if s.pk not in attended]
    result = attendance_mark(session=session, actor=actor, now=now, expected_versions={enrollment.pk: 0},
                             marks=[Mark(enrollment_id=enrollment.pk, status=AttendanceStatus.PRESENT,
                                         makeup_for_id=missed[0].pk if missed else None)])
    rows = result.saved or result.unchanged or result.conflicts
    return rows[0]


# --- self check-in -------------------------------------------------------------------------------

def _rotate_seconds() -> int:
    return int(getattr(settings, "ATTENDANCE_CHECKIN_ROTATE_SECONDS", 60))


def _code_ttl() -> dt.timedelta:
    # A code stays valid for two rotations, so someone typing it as it changes is not refused.
    return dt.timedelta(seconds=2 * _rotate_seconds())


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def checkin_code_current(*, session: Session, actor, now: dt.datetime | None = None) -> CheckInCode:
    """The code to show now: the newest one if younger than the rotation period, else a fresh one.

    Only a trainer of the cohort or a coordinator; only inside the check-in window (CheckInClosed).
    """
    now = now or timezone.now()
    if not may_mark(actor, session.cohort):
        raise NotAllowed()
    opens, closes = checkin_window(session)
    if session.status == SessionStatus.CANCELLED or not (opens <= now <= closes):
        raise CheckInClosed(_("Check-in is open from %(opens)s to %(closes)s.") % {
            "opens": timezone.localtime(opens).strftime("%d.%m.%Y %H:%M"),
            "closes": timezone.localtime(closes).strftime("%H:%M")})
    with transaction.atomic():
        cohort_lock(session.cohort_id)
        latest = (CheckInCode.objects.filter(session_id=session.pk).order_by("-created_at", "-id").first())
        if latest and latest.created_at > now - dt.timedelta(seconds=_rotate_seconds()) and latest.expires_at > now:
            return latest
        return CheckInCode.objects.create(session=session, code=_new_code(), created_at=now,
                                          expires_at=min(now + _code_ttl(), closes),
                                          created_by=actor_or_none(actor))


# Guessing: a wrong, expired, foreign or closed code counts as a failure for the person and for every session
# the guess could have been aimed at (the named one, else the person's sessions open for check-in now).
# Past either limit within the window every try is refused, the right code too (CheckInThrottled).

def _checkin_failure_window() -> int:
    return int(getattr(settings, "ATTENDANCE_CHECKIN_FAILURE_WINDOW_SECONDS", 600))


def _checkin_throttle_keys(*, user, session_id: int | None, now: dt.datetime) -> list[tuple[str, int]]:
    if session_id is not None:
        session_ids = [session_id]
    else:
        session_ids = list(Session.objects.filter(
            cohort__enrollments__user=user, cohort__enrollments__status=EnrollmentStatus.CONFIRMED,
            starts_at__lte=now + checkin_opens_before(), ends_at__gte=now,
        ).exclude(status=SessionStatus.CANCELLED).values_list("pk", flat=True).distinct())
    person_limit = int(getattr(settings, "ATTENDANCE_CHECKIN_MAX_FAILURES", 5))
    session_limit = int(getattr(settings, "ATTENDANCE_CHECKIN_SESSION_MAX_FAILURES", 100))
    return ([(f"checkin-failures:user:{user.pk}", person_limit)]
            + [(f"checkin-failures:session:{pk}", session_limit) for pk in session_ids])


def _checkin_throttled(keys: list[tuple[str, int]]) -> bool:
    counts = cache.get_many([key for key, _limit in keys])
    return any(counts.get(key, 0) >= limit for key, limit in keys)


def _checkin_count_failure(keys: list[tuple[str, int]]) -> None:
    for key, _limit in keys:
        cache.add(key, 0, timeout=_checkin_failure_window())
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=_checkin_failure_window())


def checkin_submit(*, user, code: str, session_id: int | None = None, now: dt.datetime | None = None) -> Attendance:
    """Mark `user` present through a code the trainer shows.

    Refuses (nothing written): a person or session past the limit of wrong codes (CheckInThrottled, even with
    the right code), a code no session has (WrongCode), an expired code (CodeExpired), outside the session
    window (CheckInClosed), a person without a confirmed place in the cohort (NotEnrolled), and a second
    check-in or a person already marked as attending (AlreadyCheckedIn). Every refusal but the last two counts
    as a failed guess. A trainer's absent/excused mark is replaced by present (the person is evidently there).
    """
    now = now or timezone.now()
    keys = _checkin_throttle_keys(user=user, session_id=session_id, now=now)
    if _checkin_throttled(keys):
        raise CheckInThrottled()
    try:
        return _checkin_submit(user=user, code=code, session_id=session_id, now=now)
    except (AlreadyCheckedIn, CheckInThrottled):
        raise
    except CheckInError:
        _checkin_count_failure(keys)
        raise


def _checkin_submit(*, user, code: str, session_id: int | None, now: dt.datetime) -> Attendance:
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    candidates = CheckInCode.objects.filter(code=code).select_related("session", "session__cohort")
    if session_id is not None:
        candidates = candidates.filter(session_id=session_id)
    candidates = list(candidates.order_by("-created_at")[:20]) if code else []
    if not candidates:
        raise WrongCode()
    enrolled = {e.cohort_id: e for e in Enrollment.objects.filter(
        user=user, status=EnrollmentStatus.CONFIRMED, cohort__in=[c.session.cohort_id for c in candidates])}
    valid = [c for c in candidates if c.expires_at > now]
    mine = [c for c in valid if c.session.cohort_id in enrolled] or [c for c in candidates
                                                                      if c.session.cohort_id in enrolled]
    chosen = mine[0] if mine else (valid[0] if valid else candidates[0])
    session = chosen.session
    opens, closes = checkin_window(session)
    if session.status == SessionStatus.CANCELLED or not (opens <= now <= closes):
        raise CheckInClosed()
    if chosen.expires_at <= now:
        raise CodeExpired()
    enrollment = enrolled.get(session.cohort_id)
    if enrollment is None:
        raise NotEnrolled()
    with transaction.atomic():
        cohort_lock(session.cohort_id)
        row = Attendance.objects.select_for_update().filter(session_id=session.pk, enrollment=enrollment).first()
        if row is not None and row.status in ATTENDED_STATUSES:
            raise AlreadyCheckedIn()
        from_status = row.status if row else ""
        if row is None:
            row = Attendance(session=session, enrollment=enrollment, version=0)
        row.status = AttendanceStatus.PRESENT
        row.minutes_missed = 0
        row.source = AttendanceSource.CHECKIN
        row.marked_by = user
        row.marked_at = now
        row.version += 1
        row.save()
        AttendanceEvent.objects.create(attendance=row, actor=user, from_status=from_status,
                                       to_status=row.status, reason=_("Self check-in"))
    return row


# --- completion ----------------------------------------------------------------------------------

CLOSED_OUTCOMES = (EnrollmentStatus.COMPLETED, EnrollmentStatus.NOT_COMPLETED)


def _outcome_reason(progress) -> str:
    """The history row's reason: the figures the rule decided on."""
    why = _("Attended %(hours)s of %(total)s academic hours (%(percent)s %%, %(required)s %% needed)") % {
        "hours": progress.attended_display, "total": progress.total_display,
        "percent": format_percent(progress.percent), "required": progress.required_percent}
    if progress.mandatory_missed:
        why += "; " + _("mandatory sessions missed: %(count)s") % {"count": len(progress.mandatory_missed)}
    return why


def _result_figures(progress) -> dict:
    return {"attended_hours": progress.attended_hours, "total_hours": progress.total_hours,
            "required_percent": progress.required_percent, "mandatory_missed": len(progress.mandatory_missed),
            "completed": progress.rule_met}


def completion_reevaluate(*, enrollment: Enrollment, actor=None, now: dt.datetime | None = None) -> bool:
    """Apply the completion rule again to an enrollment whose cohort was closed; returns whether the outcome
    changed.

    Called by attendance_mark for every enrollment whose mark changed (a make-up in another cohort's session,
    a late correction within the lock window, a coordinator's correction with a reason), in the mark's
    transaction. Guarantees:
    - only enrollments already closed by `cohort_close` (cohort FINISHED, enrollment COMPLETED or NOT_COMPLETED)
      are touched; a running cohort's enrollments are decided when it closes;
    - when the rule's answer differs from the outcome, the outcome is corrected through
      `enrollment_record_outcome` (NOT_COMPLETED <-> COMPLETED) with an EnrollmentEvent whose reason gives the
      new figures; the e-mail telling the new outcome and a `completion_announce_task` are recorded in the same
      transaction, and that task sends `enrollment_completed` or `enrollment_completion_withdrawn` (certificates
      issues, restores or revokes the certificate);
    - the CompletionResult always holds the current figures (created if missing);
    - idempotent: when neither the outcome nor the figures changed nothing is written and nothing is sent.
    """
    now = now or timezone.now()
    with transaction.atomic():
        cohort = cohort_lock(enrollment.cohort_id)
        enrollment = Enrollment.objects.select_related("cohort", "cohort__course", "user").get(pk=enrollment.pk)
        if cohort.status != CohortStatus.FINISHED or enrollment.status not in CLOSED_OUTCOMES:
            return False
        progress = progress_for_enrollment(enrollment=enrollment)
        figures = _result_figures(progress)
        result = CompletionResult.objects.filter(enrollment=enrollment).first()
        if result is None or any(getattr(result, name) != value for name, value in figures.items()):
            CompletionResult.objects.update_or_create(enrollment=enrollment, defaults={
                **figures, "computed_at": now, "computed_by": actor_or_none(actor)})
        was_completed = enrollment.status == EnrollmentStatus.COMPLETED
        if progress.rule_met == was_completed:
            return False
        reason = _("Attendance changed after the cohort was closed: %(figures)s") % {
            "figures": _outcome_reason(progress)}
        enrollment_record_outcome(enrollment=enrollment, completed=progress.rule_met, actor=actor, reason=reason)
        outcome_email_enqueue(enrollment)
        # The certificate follows as a task recorded in this transaction (never lost between COMMIT and an
        # on-commit callback).
        enqueue_in_transaction(completion_announce_task, enrollment_id=enrollment.pk, completed=progress.rule_met,
                               reason=reason)
    return True


def cohort_close(*, cohort: Cohort, actor=None, now: dt.datetime | None = None, force: bool = False) -> dict:
    """Compute completion for everyone in the cohort and finish it.

    Every CONFIRMED enrollment becomes COMPLETED or NOT_COMPLETED (with an EnrollmentEvent through the
    enrollment services' own helper) and gets a CompletionResult; the cohort becomes FINISHED. In the same
    transaction (outbox): each person's outcome e-mail (once per outcome: idempotency key), a
    `completion_announce_task` per completed enrollment (it sends `enrollment_completed`: certificates issues
    the certificate, whose PDF task is written in the issuing transaction) and one
    `cohort_finished_announce_task` (`cohort_finished`). A process that dies right after COMMIT loses none of it.
    Refuses (CohortNotClosable): a cohort already finished or cancelled, or one with sessions still to come
    (unless `force`); only coordinators or the system (actor None) may close (NotAllowed).
    Returns {"completed": n, "not_completed": m}.
    """
    now = now or timezone.now()
    if actor is not None and not is_coordinator(actor):
        raise NotAllowed(_("Only coordinators may close a cohort."))
    with transaction.atomic():
        locked = cohort_lock(cohort.pk)
        if locked.status == CohortStatus.FINISHED:
            raise CohortNotClosable(_("This cohort is already closed."))
        if locked.status == CohortStatus.CANCELLED:
            raise CohortNotClosable(_("A cancelled cohort cannot be closed."))
        last_end = max((s.ends_at for s in locked.sessions.exclude(status=SessionStatus.CANCELLED)), default=None)
        if not force and last_end is not None and last_end > now:
            raise CohortNotClosable(_("The cohort still has sessions to come."))
        enrollments = list(Enrollment.objects.filter(cohort_id=locked.pk, status=EnrollmentStatus.CONFIRMED)
                           .select_related("cohort", "cohort__course", "user"))
        progress = progress_for_enrollments(enrollments, now=now)
        counts = {"completed": 0, "not_completed": 0}
        for enrollment in enrollments:
            p = progress[enrollment.pk]
            enrollment_record_outcome(enrollment=enrollment, completed=p.rule_met, actor=actor,
                                      reason=_outcome_reason(p))
            CompletionResult.objects.update_or_create(enrollment=enrollment, defaults={
                **_result_figures(p), "computed_at": now, "computed_by": actor_or_none(actor)})
            outcome_email_enqueue(enrollment)
            if p.rule_met:
                enqueue_in_transaction(completion_announce_task, enrollment_id=enrollment.pk, completed=True)
                counts["completed"] += 1
            else:
                counts["not_completed"] += 1
        locked.status = CohortStatus.FINISHED
        locked.save(update_fields=["status", "updated_at"])
        enqueue_in_transaction(cohort_finished_announce_task, cohort_id=locked.pk)
    cohort.status = CohortStatus.FINISHED
    return counts


def cohorts_close_due(*, now: dt.datetime | None = None) -> int:
    """Close every cohort whose last session ended ATTENDANCE_LOCK_DAYS ago (for the worker); returns the count."""
    closed = 0
    for cohort in cohorts_due_for_closing(now=now):
        try:
            cohort_close(cohort=cohort, actor=None, now=now)
        except CohortNotClosable:
            continue  # closed meanwhile by a coordinator
        closed += 1
    return closed


# --- the follow-up of an outcome: tasks recorded in the closing transaction ---------------------------------
# Run at least once by the task worker (a re-run after a crash included), so each only announces what is still
# true when it runs, and every receiver is idempotent (certificates: one certificate per enrollment, one PDF per
# version, one "certificate ready" e-mail per version).

@task()
def completion_announce_task(*, enrollment_id: int, completed: bool, reason: str = "") -> str:
    """Send `enrollment_completed` (completed) or `enrollment_completion_withdrawn` (not) for the enrollment if
    its outcome is still that one; "stale" when it changed since (the task of the newer outcome announces it)."""
    enrollment = Enrollment.objects.select_related("cohort", "user").filter(pk=enrollment_id).first()
    if enrollment is None:
        return "missing"
    target = EnrollmentStatus.COMPLETED if completed else EnrollmentStatus.NOT_COMPLETED
    if enrollment.status != target:
        return "stale"
    if completed:
        signals.enrollment_completed.send(sender=Enrollment, enrollment=enrollment)
    else:
        signals.enrollment_completion_withdrawn.send(sender=Enrollment, enrollment=enrollment, reason=reason)
    return "announced"


@task()
def cohort_finished_announce_task(*, cohort_id: int) -> str:
    """Send `cohort_finished` for a closed cohort (certificates renews its trainers' qualifications, once)."""
    cohort = Cohort.objects.filter(pk=cohort_id, status=CohortStatus.FINISHED).first()
    if cohort is None:
        return "missing"
    signals.cohort_finished.send(sender=Cohort, cohort=cohort)
    return "announced"
