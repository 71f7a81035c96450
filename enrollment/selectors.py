"""Reads for pages, the admin and feeds; each runs a constant number of queries whatever the row count."""

import datetime as dt

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from courses.pages import CoursePage
from leansql import ModelColumns, Statement, quote

from .eligibility import RULE_FLAGS, rule_flags_sql, short_county_name
from .models import (
    ACTIVE_STATUSES,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Session,
    SessionStatus,
)
from .places import RegistrationState, cancellation_deadline

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


# What enrolling reads before the services lock the cohort: the sign-up questions and the eligibility rules.
SIGNUP_COHORT = ModelColumns(Cohort, ("id", "course_id", "code", "title", "policy", "eligible_professions"))
SIGNUP_COURSE = ModelColumns(CoursePage, ("id", "page_ptr_id", "title", "one_cohort_at_a_time", "ask_dietary_needs",
                                          "ask_accessibility_needs", "ask_supervisor"))


def _signup_sql() -> str:
    cohort, course, page = Cohort._meta, CoursePage._meta, CoursePage._meta.get_field("page_ptr").related_model._meta
    flags = ", ".join(rule_flags_sql().values())
    return (f"SELECT {SIGNUP_COHORT.select_list}, {SIGNUP_COURSE.select_list}, {flags} "  # noqa: S608 - model names
            f"FROM {quote(cohort.db_table)} "
            f"JOIN {quote(course.db_table)} ON {quote(course.db_table)}.{quote(course.pk.column)} = "
            f"{quote(cohort.db_table)}.{quote(cohort.get_field('course').column)} "
            f"JOIN {quote(page.db_table)} ON {quote(page.db_table)}.{quote(page.pk.column)} = "
            f"{quote(course.db_table)}.{quote(course.pk.column)} "
            f"WHERE {quote(cohort.db_table)}.{quote(cohort.pk.column)} = %s")


# Every enroll POST reads this first: one plain statement, prepared once per connection on PostgreSQL (leansql),
# where composing the ORM's join and subqueries and then planning them took longer than running them.
_SIGNUP = Statement("enrollment_signup", _signup_sql)


def cohort_get(*, pk: int) -> Cohort:
    """A cohort with its course's title and sign-up questions and its eligibility rule flags (one query),
    or Http404. Other fields load on access; the services re-read the cohort under its lock anyway."""
    row = _SIGNUP.fetchone([pk])
    if row is None:
        raise Http404("No cohort matches the given query.")
    split = len(SIGNUP_COHORT.fields)
    flags_at = split + len(SIGNUP_COURSE.fields)
    cohort = SIGNUP_COHORT.instance(row[:split])
    Cohort.course.field.set_cached_value(cohort, SIGNUP_COURSE.instance(row[split:flags_at]))
    for name, value in zip(RULE_FLAGS, row[flags_at:], strict=True):
        setattr(cohort, name, bool(value))
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
