"""The read behind "My trainings": a person's enrollments grouped for the page, in a constant number of queries."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from courses.translation import shown_title

from ..attendance.selectors import progress_for_enrollments, with_has_marks
from ..models import Enrollment, EnrollmentStatus, Session, SessionStatus
from ..places import cancellation_deadline
from ..statuses import CANCELLABLE_STATUSES

S = EnrollmentStatus


@dataclass
class MyTrainings:
    offered: list = field(default_factory=list)
    upcoming: list = field(default_factory=list)
    pending: list = field(default_factory=list)
    waitlisted: list = field(default_factory=list)
    past: list = field(default_factory=list)
    closed: list = field(default_factory=list)
    # The next moment the list changes by the clock alone (a session starts or ends, a deadline passes).
    valid_until: dt.datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not any((self.offered, self.upcoming, self.pending, self.waitlisted, self.past, self.closed))


# Only what "My trainings" shows or needs for the progress bars: the page is opened every week by every person.
MY_TRAININGS_FIELDS = (
    "id", "user_id", "cohort_id", "status", "created_at", "updated_at", "waitlist_joined_at", "offer_expires_at",
    "cohort__id", "cohort__title", "cohort__course_id", "cohort__cancellation_cutoff_hours",
    "cohort__course__title", "cohort__course__academic_hours", "cohort__course__completion_min_percent",
)
SESSION_LIST_FIELDS = ("id", "cohort_id", "title", "starts_at", "ends_at", "online_url", "academic_hours_override",
                       "mandatory", "status", "venue__id", "venue__name", "venue__address")


def sessions_by_cohort(cohort_ids) -> dict[int, list[Session]]:
    """Sessions (with venue) of the given cohorts in time order, grouped by cohort id (one query)."""
    grouped = {cohort_id: [] for cohort_id in cohort_ids}
    if grouped:
        for session in (Session.objects.filter(cohort_id__in=grouped).select_related("venue")
                        .only(*SESSION_LIST_FIELDS).order_by("starts_at", "id")):
            grouped[session.cohort_id].append(session)
    return grouped


def waitlist_positions(enrollments) -> dict[int, int]:
    """1-based waitlist position (by joining time, then id) of each wait-listed enrollment (one query, or none)."""
    waiting = [e for e in enrollments if e.status == S.WAITLISTED]
    if not waiting:
        return {}
    queues = {}
    for row in (Enrollment.objects.filter(cohort_id__in={e.cohort_id for e in waiting}, status=S.WAITLISTED)
                .order_by("cohort_id", "waitlist_joined_at", "id").values_list("cohort_id", "id")):
        queue = queues.setdefault(row[0], {})
        queue[row[1]] = len(queue) + 1
    return {e.pk: queues.get(e.cohort_id, {}).get(e.pk, 1) for e in waiting}


def _decorate(enrollment: Enrollment, now) -> None:
    sessions = [s for s in enrollment.cohort.session_list if s.status != SessionStatus.CANCELLED]
    enrollment.sessions = sessions
    enrollment.first_start = sessions[0].starts_at if sessions else None
    enrollment.last_end = max((s.ends_at for s in sessions), default=None)
    deadline = cancellation_deadline(first_start=enrollment.first_start,
                                     cutoff_hours=enrollment.cohort.cancellation_cutoff_hours)
    enrollment.cancel_deadline = deadline
    if enrollment.status == S.CONFIRMED:
        enrollment.can_cancel = deadline is None or now < deadline
    else:
        enrollment.can_cancel = enrollment.status in CANCELLABLE_STATUSES


def my_trainings(*, user, now=None) -> MyTrainings:
    """The user's enrollments grouped for the "My trainings" page, with sessions and hours.

    Four queries at most (enrollments, sessions, attendance marks if any, waitlist positions if any),
    whatever the number of enrollments; only the columns the page shows are read.
    """
    now = now or timezone.now()
    enrollments = list(
        with_has_marks(Enrollment.objects.filter(user=user))
        .select_related("cohort", "cohort__course")  # the course's hours and rule, for the progress bars
        .only(*MY_TRAININGS_FIELDS)
        .annotate(**shown_title("cohort__course"))
        .order_by("-created_at", "-id")
    )
    sessions = sessions_by_cohort({e.cohort_id for e in enrollments})
    positions = waitlist_positions(enrollments)
    result = MyTrainings()
    # Course titles in the active language: read with the enrollments (no query of their own).
    for enrollment in enrollments:
        enrollment.cohort.session_list = sessions[enrollment.cohort_id]
        enrollment.course_title = getattr(enrollment, "course_title_shown", None) or enrollment.cohort.course.title
        enrollment.waitlist_position = positions.get(enrollment.pk)
        _decorate(enrollment, now)
        status = enrollment.status
        if status == S.OFFERED:
            result.offered.append(enrollment)
        elif status == S.PENDING:
            result.pending.append(enrollment)
        elif status == S.WAITLISTED:
            result.waitlisted.append(enrollment)
        elif status == S.CONFIRMED and (enrollment.last_end is None or enrollment.last_end > now):
            result.upcoming.append(enrollment)
        elif status in (S.CONFIRMED, S.COMPLETED, S.NOT_COMPLETED):
            result.past.append(enrollment)
        else:
            result.closed.append(enrollment)
    attending = result.upcoming + result.past
    progress = progress_for_enrollments(attending, now=now, sessions=sessions)  # 1 query for all of them
    for enrollment in attending:
        enrollment.attendance_progress = progress.get(enrollment.pk)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    result.upcoming.sort(key=lambda e: e.first_start or far)
    result.past.sort(key=lambda e: e.last_end or e.created_at, reverse=True)
    moments = [moment for e in enrollments for moment in
               [e.cancel_deadline, e.offer_expires_at, *(t for s in e.sessions for t in (s.starts_at, s.ends_at))]
               if moment is not None and moment > now]
    result.valid_until = min(moments, default=None)
    return result
