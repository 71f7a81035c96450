"""Reads for pages, the admin and feeds; each runs a constant number of queries whatever the row count."""

import datetime as dt

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from .eligibility import short_county_name, with_rule_flags
from .models import (
    ACTIVE_STATUSES,
    SEAT_STATUSES,
    Cohort,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
    Session,
    SessionStatus,
)

S = EnrollmentStatus
CLOSED_STATUSES = (S.CANCELLED, S.DECLINED, S.EXPIRED, S.REJECTED)


def _sessions_prefetch(prefix: str = "") -> Prefetch:
    return Prefetch(f"{prefix}sessions", queryset=Session.objects.select_related("venue").order_by("starts_at"),
                    to_attr="session_list")


def with_counts(queryset):
    """Annotate cohorts with `seats_taken`, `waiting` and `pending` (one query, no per-row counting)."""
    return queryset.annotate(
        seats_taken=Count("enrollments", filter=Q(enrollments__status__in=SEAT_STATUSES), distinct=True),
        waiting=Count("enrollments", filter=Q(enrollments__status=S.WAITLISTED), distinct=True),
        pending=Count("enrollments", filter=Q(enrollments__status=S.PENDING), distinct=True),
    )


def user_enrollment(*, user, pk: int) -> Enrollment:
    """The user's own enrollment or Http404 (somebody else's enrollment is indistinguishable from none)."""
    return get_object_or_404(Enrollment.objects.select_related("cohort", "cohort__course", "user"), pk=pk, user=user)


def course_cohorts(*, course, user=None, now=None) -> list[Cohort]:
    """A course's cohorts still to come or running, with sessions, free places and the user's enrollment.

    Each cohort gets `session_list`, `seats_taken`, `waiting`, `free_places`, `my_enrollment` (or None),
    `registration_is_open`. Four queries at most, whatever the number of cohorts and sessions.
    """
    now = now or timezone.now()
    cohorts = list(
        with_counts(Cohort.objects.filter(course_id=course.pk)
                    .exclude(status__in=[CohortStatus.FINISHED, CohortStatus.CANCELLED]))
        .prefetch_related(_sessions_prefetch(), "eligible_counties")
        .order_by("registration_closes", "code")
    )
    course_counties = None
    mine = {}
    if user is not None and user.is_authenticated and cohorts:
        for enrollment in Enrollment.objects.filter(user=user, cohort__in=[c.pk for c in cohorts],
                                                    status__in=ACTIVE_STATUSES):
            mine[enrollment.cohort_id] = enrollment
    visible = []
    for cohort in cohorts:
        sessions = [s for s in cohort.session_list if s.status != SessionStatus.CANCELLED]
        cohort.sessions_shown = sessions
        last_end = max((s.ends_at for s in sessions), default=None)
        if last_end is not None and last_end < now:
            continue
        cohort.free_places = max(cohort.capacity - cohort.seats_taken - cohort.waiting, 0)
        counties = list(cohort.eligible_counties.all())
        if not counties:
            if course_counties is None:
                course_counties = list(course.eligible_counties.all())
            counties = course_counties
        cohort.county_names = get_text_list(sorted(short_county_name(c.name) for c in counties), _("and"))
        cohort.county_count = len(counties)
        cohort.my_enrollment = mine.get(cohort.pk)
        cohort.registration_is_open = (
            cohort.status in (CohortStatus.OPEN, CohortStatus.RUNNING)
            and (cohort.registration_opens is None or cohort.registration_opens <= now)
            and (cohort.registration_closes is None or now < cohort.registration_closes)
        )
        visible.append(cohort)
    visible.sort(key=lambda c: (c.sessions_shown[0].starts_at if c.sessions_shown else dt.datetime.max.replace(
        tzinfo=dt.UTC), c.code))
    return visible


# What enrolling reads before the services lock the cohort: the sign-up questions and the eligibility rules.
SIGNUP_FIELDS = ("id", "course_id", "code", "title", "policy", "eligible_professions", "course__title",
                 "course__ask_dietary_needs", "course__ask_accessibility_needs", "course__ask_supervisor")


def cohort_get(*, pk: int) -> Cohort:
    """A cohort with its course's title and sign-up questions and its eligibility rule flags (one query),
    or Http404. Other fields load on access; the services re-read the cohort under its lock anyway."""
    return get_object_or_404(with_rule_flags(Cohort.objects.select_related("course").only(*SIGNUP_FIELDS)), pk=pk)


def cohort_for_enrollment(*, pk: int) -> Cohort:
    """A cohort a specialist may look at (not cancelled or finished) with sessions and counts, or Http404."""
    return get_object_or_404(
        with_counts(Cohort.objects.select_related("course")).prefetch_related(_sessions_prefetch()), pk=pk)


def cohort_counts(*, cohort: Cohort) -> dict[str, int]:
    """Number of enrollments in each status, plus `free` places (one query)."""
    counts = {status.value: 0 for status in S}
    for row in Enrollment.objects.filter(cohort_id=cohort.pk).values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    taken = sum(counts[s] for s in SEAT_STATUSES)
    counts["free"] = max(cohort.capacity - taken, 0)
    return counts


def cohort_waitlist(*, cohort: Cohort):
    """The waitlist in the order places are offered (first come, first served), with the people."""
    return (Enrollment.objects.filter(cohort_id=cohort.pk, status=S.WAITLISTED)
            .select_related("user", "user__profile").order_by("waitlist_joined_at", "id"))


def enrollment_history(*, enrollment: Enrollment):
    return enrollment.events.select_related("actor").order_by("at", "id")

