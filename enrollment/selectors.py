"""Reads for pages, the admin and feeds; each runs a constant number of queries whatever the row count."""

import datetime as dt

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from leansql import Statement

from .eligibility import RULE_FLAGS, short_county_name
from .models import (
    ACTIVE_STATUSES,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Session,
    SessionStatus,
)
from .places import RegistrationState, cancellation_deadline
from .signup import SIGNUP_COHORT, SIGNUP_COURSE, signup_sql

S = EnrollmentStatus


def _sessions_prefetch(prefix: str = "") -> Prefetch:
    return Prefetch(f"{prefix}sessions", queryset=Session.objects.select_related("venue").order_by("starts_at"),
                    to_attr="session_list")




def user_enrollment(*, user, pk: int) -> Enrollment:
    """The user's own enrollment or Http404 (somebody else's enrollment is indistinguishable from none)."""
    return get_object_or_404(Enrollment.objects.select_related("cohort", "cohort__course", "user"), pk=pk, user=user)


def course_cohorts(*, course, user=None, now=None) -> list[Cohort]:
    """A course's cohorts still to come or running, with sessions, places and the user's enrollment.

    Each cohort gets `session_list`, `sessions_shown`, the place counts of `with_place_counts()`,
    `registration_is_open` (places.registration_state), `my_enrollment` (or None), `county_names`.
    Four queries at most, whatever the number of cohorts and sessions.
    """
    now = now or timezone.now()
    cohorts = list(
        Cohort.objects.filter(course_id=course.pk).with_place_counts().with_dates().upcoming(now=now)
        .prefetch_related(_sessions_prefetch(), "eligible_counties")
    )
    course_counties = None
    mine = {}
    if user is not None and user.is_authenticated and cohorts:
        for enrollment in Enrollment.objects.filter(user=user, cohort__in=[c.pk for c in cohorts],
                                                    status__in=ACTIVE_STATUSES):
            mine[enrollment.cohort_id] = enrollment
    for cohort in cohorts:
        cohort.sessions_shown = [s for s in cohort.session_list if s.status != SessionStatus.CANCELLED]
        counties = list(cohort.eligible_counties.all())
        if not counties:
            if course_counties is None:
                course_counties = list(course.eligible_counties.all())
            counties = course_counties
        cohort.county_names = get_text_list(sorted(short_county_name(c.name) for c in counties), _("and"))
        cohort.county_count = len(counties)
        cohort.my_enrollment = mine.get(cohort.pk)
        cohort.registration_is_open = cohort.registration_state(
            now=now, first_start=cohort.first_start) == RegistrationState.OPEN
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    cohorts.sort(key=lambda c: (c.first_start or far, c.code))
    return cohorts


# Every enroll POST needs the sign-up row first (enrollment/signup.py): one plain statement, prepared once per
# connection on PostgreSQL (leansql), where composing the ORM's join and subqueries and then planning them took
# longer than running them; and on PostgreSQL remembered per cohort by each process, checked in the lock.
_SIGNUP = Statement("enrollment_signup", signup_sql)
_REMEMBERED: dict[int, tuple] = {}  # cohort key -> its sign-up row as this process read it last
_REMEMBER_AT_MOST = 4096


def cohort_get(*, pk: int, remembered: bool = False) -> Cohort:
    """A cohort with its course's title and sign-up questions and its eligibility rule flags (one query),
    or Http404. Other fields load on access; the services re-read the cohort under its lock anyway.

    `remembered`: the row as this process read it last if it did (no query). Such a cohort says so
    (`signup_remembered`): the enrollment service then compares its digest with the row's under the lock and
    raises SignupChanged if the row changed since; only PostgreSQL computes the digest, so only there are rows
    remembered."""
    row = _REMEMBERED.get(pk) if remembered else None
    from_memory = row is not None
    if row is None:
        row = _SIGNUP.fetchone([pk])
        if row is None:
            _REMEMBERED.pop(pk, None)
            raise Http404("No cohort matches the given query.")
        if row[-1] is not None:  # PostgreSQL: a digest to check it by
            if len(_REMEMBERED) >= _REMEMBER_AT_MOST:
                _REMEMBERED.clear()
            _REMEMBERED[pk] = row
    split = len(SIGNUP_COHORT.fields)
    flags_at = split + len(SIGNUP_COURSE.fields)
    cohort = SIGNUP_COHORT.instance(row[:split])
    Cohort.course.field.set_cached_value(cohort, SIGNUP_COURSE.instance(row[split:flags_at]))
    for name, value in zip(RULE_FLAGS, row[flags_at:-1], strict=True):
        setattr(cohort, name, bool(value))
    cohort.signup_digest, cohort.signup_remembered = row[-1], from_memory
    return cohort


def cohort_for_enrollment(*, pk: int, now=None) -> Cohort:
    """The cohort for the enroll page, with sessions, place counts, `registration_is_open` and
    `cancel_deadline`, or Http404."""
    cohort = get_object_or_404(Cohort.objects.select_related("course").with_place_counts().with_dates()
                               .prefetch_related(_sessions_prefetch()), pk=pk)
    cohort.registration_is_open = cohort.registration_state(
        now=now or timezone.now(), first_start=cohort.first_start) == RegistrationState.OPEN
    cohort.cancel_deadline = cancellation_deadline(first_start=cohort.first_start,
                                                   cutoff_hours=cohort.cancellation_cutoff_hours)
    return cohort


def user_active_enrollment(*, user, cohort: Cohort) -> Enrollment | None:
    """The person's enrollment in this cohort that holds or waits for a place, or None."""
    return Enrollment.objects.filter(user=user, cohort_id=cohort.pk, status__in=ACTIVE_STATUSES).first()
