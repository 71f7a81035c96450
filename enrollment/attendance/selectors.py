"""Reads for attendance pages, exports and progress; each runs a constant number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.roles import is_coordinator
from courses.pages import ProgrammePage, ProgrammePart

from ..models import Cohort, CohortStatus, Enrollment, EnrollmentStatus, Session, SessionStatus
from . import trainer_links
from .completion import CourseProgress, best_progress, course_progress, programme_progress
from .models import Attendance, AttendanceStatus, CheckInCode

# Enrollments whose attendance may be marked (and who appear on a roster).
MARKABLE_STATUSES = (EnrollmentStatus.CONFIRMED, EnrollmentStatus.COMPLETED, EnrollmentStatus.NOT_COMPLETED)


def lock_days() -> int:
    return int(getattr(settings, "ATTENDANCE_LOCK_DAYS", 7))


def checkin_opens_before() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "ATTENDANCE_CHECKIN_OPENS_MINUTES", 30)))


def session_locked(session: Session, *, now=None) -> bool:
    """Marks lock ATTENDANCE_LOCK_DAYS days after the session ends."""
    now = now or timezone.now()
    return now > session.ends_at + dt.timedelta(days=lock_days())


def checkin_window(session: Session) -> tuple[dt.datetime, dt.datetime]:
    return session.starts_at - checkin_opens_before(), session.ends_at


def may_mark(user, cohort: Cohort, *, trainer_ids=None) -> bool:
    """A coordinator, or a trainer of this cohort. `trainer_ids` avoids a query when already loaded."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_coordinator(user):
        return True
    if trainer_ids is None:
        return cohort.trainers.filter(pk=user.pk).exists()
    return user.pk in trainer_ids


# --- roster --------------------------------------------------------------------------------------

@dataclass
class RosterRow:
    enrollment: Enrollment
    attendance: Attendance | None
    is_makeup: bool = False

    @property
    def user(self):
        return self.enrollment.user

    @property
    def organisation(self) -> str:
        profile = getattr(self.enrollment.user, "profile", None)
        return profile.organisation if profile else ""

    @property
    def version(self) -> int:
        return self.attendance.version if self.attendance else 0

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else ""

    @property
    def minutes_missed(self) -> int:
        return self.attendance.minutes_missed if self.attendance else 0

    @property
    def answers(self) -> list[tuple[str, str]]:
        """The sign-up answers, for the roster of this cohort only: a make-up guest's answers were given to
        another cohort, whose trainers and coordinators alone may read them, so none are shown."""
        return [] if self.is_makeup else answer_items(self.enrollment.answers)


def session_for_roster(*, session_id: int) -> Session:
    """The session with its cohort, course and venue (1 query); raises Session.DoesNotExist."""
    return Session.objects.select_related("cohort", "cohort__course", "venue").get(pk=session_id)


def roster_rows(*, session: Session) -> list[RosterRow]:
    """Participants to mark for `session`: the cohort's confirmed participants plus make-up guests (2 queries)."""
    enrollments = list(
        Enrollment.objects.filter(cohort_id=session.cohort_id, status__in=MARKABLE_STATUSES)
        .select_related("user", "user__profile")
    )
    marks = list(
        Attendance.objects.filter(session_id=session.pk)
        .select_related("enrollment", "enrollment__user", "enrollment__user__profile", "marked_by")
    )
    by_enrollment = {mark.enrollment_id: mark for mark in marks}
    rows = [RosterRow(enrollment=e, attendance=by_enrollment.get(e.pk)) for e in enrollments]
    own = {e.pk for e in enrollments}
    rows += [RosterRow(enrollment=m.enrollment, attendance=m, is_makeup=True) for m in marks
             if m.enrollment_id not in own and m.enrollment.cohort_id != session.cohort_id
             and m.enrollment.status in MARKABLE_STATUSES]
    rows.sort(key=lambda r: ((r.user.full_name or r.user.email).lower(), r.enrollment.pk))
    return rows


def roster_counts(rows: list[RosterRow]) -> dict[str, int]:
    counts = {status: 0 for status in AttendanceStatus.values}
    counts["unmarked"] = 0
    for row in rows:
        counts[row.status or "unmarked"] += 1
    return counts


def _with_marking_counts(sessions):
    """Annotate sessions with `participant_count` (the cohort's markable enrollments), `marked_count` (those
    of them marked for the session; make-up guests do not count) and `unmarked_count`: correlated subqueries,
    so the row count never multiplies and the query count never grows with the rows."""
    participants = (Enrollment.objects.filter(cohort_id=OuterRef("cohort_id"), status__in=MARKABLE_STATUSES)
                    .order_by().values("cohort_id").annotate(n=Count("pk")).values("n"))
    marked = (Attendance.objects.filter(session_id=OuterRef("pk"), enrollment__cohort_id=OuterRef("cohort_id"),
                                        enrollment__status__in=MARKABLE_STATUSES)
              .order_by().values("session_id").annotate(n=Count("pk")).values("n"))
    return sessions.annotate(
        participant_count=Coalesce(Subquery(participants, output_field=IntegerField()), Value(0)),
        marked_count=Coalesce(Subquery(marked, output_field=IntegerField()), Value(0)),
    ).annotate(unmarked_count=Greatest(F("participant_count") - F("marked_count"), Value(0)))


def trainer_sessions(*, user, start: dt.datetime, end: dt.datetime) -> list[Session]:
    """Sessions between start and end of the cohorts `user` teaches (every cohort for a coordinator), 1 query,
    with the marking counts of `_with_marking_counts`."""
    sessions = (Session.objects.filter(starts_at__lt=end, ends_at__gt=start)
                .exclude(cohort__status=CohortStatus.CANCELLED)
                .select_related("cohort", "cohort__course", "venue")
                .order_by("starts_at"))
    if not is_coordinator(user):
        sessions = sessions.filter(cohort__trainers=user)
    return list(_with_marking_counts(sessions))


def trainer_cohorts(*, user) -> list[Cohort]:
    """Cohorts `user` teaches that are not cancelled, with their course (1 query)."""
    cohorts = (Cohort.objects.filter(trainers=user)
               .exclude(status__in=[CohortStatus.CANCELLED])
               .select_related("course").order_by("status", "code"))
    return list(cohorts)


def trainer_dashboard(*, user, now=None) -> dict:
    """What the trainer's dashboard shows (3 queries whatever the number of cohorts and sessions).

    - `recent_sessions`: sessions that ended before today whose marks can still be changed (they ended
      less than ATTENDANCE_LOCK_DAYS ago, see session_locked), those with someone unmarked first, newest first;
    - `today_sessions`: sessions that overlap today (one running past midnight included);
    - `week_sessions`: those starting in the next seven days;
    - `cohorts`: the cohorts `user` teaches, each with `closing` (a ClosingState: what is left before it can
      be closed) and `links` (other apps' links for that cohort, see trainer_links.py);
    - `links`: other apps' links for the whole page (each registered provider may add its own query).
    Cancelled sessions are not listed among the recent ones (nothing to mark).
    """
    now = now or timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = today + dt.timedelta(days=1)
    editable_since = now - dt.timedelta(days=lock_days())
    sessions = trainer_sessions(user=user, start=min(editable_since, today), end=today + dt.timedelta(days=7))
    recent = [s for s in sessions if s.ends_at <= today and s.ends_at >= editable_since
              and s.status != SessionStatus.CANCELLED]
    recent.sort(key=lambda s: s.starts_at, reverse=True)
    recent.sort(key=lambda s: s.unmarked_count == 0)  # stable: unmarked first, each group newest first
    cohorts = trainer_cohorts(user=user)
    states = closing_states(cohorts=cohorts, now=now)
    page_links, cohort_links = trainer_links.links_for(user=user, cohorts=cohorts)
    for cohort in cohorts:
        cohort.closing = states[cohort.pk]
        cohort.links = cohort_links.get(cohort.pk, [])
    return {
        "links": page_links,
        "recent_sessions": recent,
        "today_sessions": [s for s in sessions if s.starts_at < tomorrow and s.ends_at > today],
        "week_sessions": [s for s in sessions if s.starts_at >= tomorrow],
        "cohorts": cohorts,
        "now": timezone.localtime(now),
    }


# --- closing a cohort: what is left ----------------------------------------------------------------

@dataclass(frozen=True)
class ClosingState:
    """What is left before a cohort can be closed (and its certificates issued)."""

    status: str
    sessions_total: int
    sessions_to_come: int
    unmarked_sessions: tuple  # sessions that have ended with at least one participant not marked
    last_end: dt.datetime | None

    @property
    def closed(self) -> bool:
        return self.status in (CohortStatus.FINISHED, CohortStatus.CANCELLED)

    @property
    def ready(self) -> bool:
        """Ready to close: not closed, has sessions, the last one has ended, and every one of them is marked."""
        return (not self.closed and self.sessions_total > 0 and self.sessions_to_come == 0
                and not self.unmarked_sessions)


def closing_states(*, cohorts, now=None) -> dict[int, ClosingState]:
    """ClosingState per cohort id (1 query whatever the number of cohorts and sessions; 0 without cohorts).

    Cancelled sessions are ignored; a session counts as "to come" until it has ended.
    """
    now = now or timezone.now()
    cohorts = list(cohorts)
    by_cohort = defaultdict(list)
    if cohorts:
        sessions = (Session.objects.filter(cohort_id__in=[c.pk for c in cohorts])
                    .exclude(status=SessionStatus.CANCELLED).order_by("starts_at"))
        for session in _with_marking_counts(sessions):
            by_cohort[session.cohort_id].append(session)
    states = {}
    for cohort in cohorts:
        sessions = by_cohort[cohort.pk]
        states[cohort.pk] = ClosingState(
            status=cohort.status,
            sessions_total=len(sessions),
            sessions_to_come=sum(1 for s in sessions if s.ends_at > now),
            unmarked_sessions=tuple(s for s in sessions if s.ends_at <= now and s.unmarked_count > 0),
            last_end=max((s.ends_at for s in sessions), default=None),
        )
    return states


def closing_state(*, cohort: Cohort, now=None) -> ClosingState:
    return closing_states(cohorts=[cohort], now=now)[cohort.pk]


# --- sign-up answers -------------------------------------------------------------------------------

# The questions a course may ask at sign-up (enrollment.forms.EnrollForm), as staff read them.
ANSWER_LABELS = {
    "dietary_needs": gettext_lazy("Dietary needs"),
    "accessibility_needs": gettext_lazy("Accessibility needs"),
    "supervisor_name": gettext_lazy("Supervisor"),
    "supervisor_email": gettext_lazy("Supervisor's e-mail"),
}


def answer_items(answers: dict | None) -> list[tuple[str, str]]:
    """(label, answer) pairs of an enrollment's sign-up answers, the known questions first, empty ones left out.

    Who may see them is the caller's rule: only the cohort's coordinators and trainers (see `may_mark` and
    `RosterRow.answers`); never other trainers or other participants.
    """
    answers = answers or {}
    items = [(str(label), str(answers[key])) for key, label in ANSWER_LABELS.items() if answers.get(key)]
    items += [(str(key), str(value)) for key, value in answers.items() if key not in ANSWER_LABELS and value]
    return items


def checkins_for_session(*, session: Session) -> list[Attendance]:
    """Self check-ins of the session, newest first (1 query)."""
    return list(Attendance.objects.filter(session_id=session.pk, source="checkin")
                .select_related("enrollment__user").order_by("-marked_at"))


def current_code(*, session: Session, now=None) -> CheckInCode | None:
    now = now or timezone.now()
    return CheckInCode.objects.filter(session_id=session.pk, expires_at__gt=now).order_by("-created_at").first()


# --- progress ------------------------------------------------------------------------------------

def with_has_marks(queryset):
    """Annotate enrollments with `has_marks`, so that progress_for_enrollments skips the marks query for
    enrollments nobody has marked yet (every upcoming training)."""
    return queryset.annotate(has_marks=Exists(Attendance.objects.filter(enrollment_id=OuterRef("pk"))))


def progress_for_enrollments(enrollments: list[Enrollment], *, now=None,
                             sessions: dict[int, list[Session]] | None = None) -> dict[int, CourseProgress]:
    """CourseProgress per enrollment id (2 queries whatever the number of enrollments; 1 given `sessions`).

    The enrollments must have `cohort__course` loaded (select_related). `sessions` (cohort id -> its
    sessions) saves the sessions query when the caller has read them already.
    """
    now = now or timezone.now()
    if not enrollments:
        return {}
    sessions_by_cohort = defaultdict(list)
    if sessions is not None:
        sessions_by_cohort.update(sessions)
    else:
        for session in Session.objects.filter(cohort_id__in={e.cohort_id for e in enrollments}):
            sessions_by_cohort[session.cohort_id].append(session)
    marks_by_enrollment = defaultdict(list)
    marked = [e.pk for e in enrollments if getattr(e, "has_marks", True)]  # see with_has_marks()
    if marked:
        for mark in Attendance.objects.filter(enrollment__in=marked).select_related("session"):
            marks_by_enrollment[mark.enrollment_id].append(mark)
    return {
        e.pk: course_progress(enrollment=e, course=e.cohort.course, own_sessions=sessions_by_cohort[e.cohort_id],
                              attendances=marks_by_enrollment[e.pk], now=now)
        for e in enrollments
    }


def progress_for_enrollment(*, enrollment: Enrollment) -> CourseProgress:
    return progress_for_enrollments([enrollment])[enrollment.pk]


def user_enrollments(*, user) -> list[Enrollment]:
    return list(Enrollment.objects.filter(user=user, status__in=MARKABLE_STATUSES)
                .select_related("cohort", "cohort__course").order_by("-created_at"))


def hours_ledger(*, user) -> dict:
    """The person's hours per course and per programme (5 queries whatever the numbers).

    Returns {"courses": [CourseProgress...], "programmes": [ProgrammeProgress...], "total_attended": hours over
    every training}.
    """
    enrollments = user_enrollments(user=user)
    progress = progress_for_enrollments(enrollments)
    by_course = defaultdict(list)
    for e in enrollments:
        by_course[e.cohort.course_id].append(progress[e.pk])
    best_by_course = {course_id: best_progress(items) for course_id, items in by_course.items()}
    programmes = []
    if best_by_course:
        programme_ids = set(ProgrammePart.objects.filter(course_id__in=best_by_course.keys())
                            .values_list("page_id", flat=True))
        pages = ProgrammePage.objects.live().filter(pk__in=programme_ids,
                                                    locale__language_code=settings.LANGUAGE_CODE).order_by("title")
        parts_by_page = defaultdict(list)
        for part in (ProgrammePart.objects.filter(page_id__in=programme_ids)
                     .select_related("course").order_by("page_id", "sort_order")):
            parts_by_page[part.page_id].append(part)
        programmes = [programme_progress(programme=page, parts=parts_by_page[page.pk],
                                         progress_by_course=best_by_course) for page in pages]
    courses = [progress[e.pk] for e in enrollments]
    total = sum((p.attended_hours for p in courses), Decimal("0"))
    return {"courses": courses, "programmes": programmes, "total_attended": total}


def programme_progress_for_user(*, user, programme: ProgrammePage):
    """The programme rule for one person (used by tests and by the certificates app if it wants it)."""
    enrollments = list(Enrollment.objects.filter(user=user, status__in=MARKABLE_STATUSES,
                                                 cohort__course__programme_parts__page=programme)
                       .select_related("cohort", "cohort__course").distinct())
    progress = progress_for_enrollments(enrollments)
    by_course = defaultdict(list)
    for e in enrollments:
        by_course[e.cohort.course_id].append(progress[e.pk])
    best = {course_id: best_progress(items) for course_id, items in by_course.items()}
    parts = list(programme.parts.select_related("course").order_by("sort_order"))
    return programme_progress(programme=programme, parts=parts, progress_by_course=best)


# --- exports -------------------------------------------------------------------------------------

def cohort_matrix(*, cohort: Cohort) -> dict:
    """Sessions x participants with marks and progress, for the CSV/XLSX export (4 queries)."""
    sessions = [s for s in Session.objects.filter(cohort_id=cohort.pk).order_by("starts_at")
                if s.status != SessionStatus.CANCELLED]
    enrollments = list(Enrollment.objects.filter(cohort_id=cohort.pk, status__in=MARKABLE_STATUSES)
                       .select_related("user", "user__profile", "cohort", "cohort__course"))
    enrollments.sort(key=lambda e: (e.user.full_name or e.user.email).lower())
    progress = progress_for_enrollments(enrollments)
    marks = {(m.enrollment_id, m.session_id): m
             for m in Attendance.objects.filter(session__cohort_id=cohort.pk)}
    rows = []
    for e in enrollments:
        rows.append({"enrollment": e, "progress": progress[e.pk],
                     "marks": [marks.get((e.pk, s.pk)) for s in sessions]})
    return {"sessions": sessions, "rows": rows}


def cohorts_due_for_closing(*, now=None) -> list[Cohort]:
    """Cohorts not yet finished whose last session ended more than ATTENDANCE_LOCK_DAYS ago (marks are final)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=lock_days())
    candidates = (Cohort.objects.filter(status__in=[CohortStatus.PLANNED, CohortStatus.OPEN, CohortStatus.RUNNING])
                  .filter(sessions__isnull=False).distinct())
    due = []
    ends = dict(Session.objects.filter(cohort__in=candidates).exclude(status=SessionStatus.CANCELLED)
                .values("cohort_id").annotate(last=Max("ends_at")).values_list("cohort_id", "last"))
    for cohort in candidates:
        last = ends.get(cohort.pk)
        if last is not None and last <= cutoff:
            due.append(cohort)
    return due

