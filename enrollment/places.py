"""The one definition of a cohort's places and of "open for enrollment".

Every reader — the catalogue, the course page, the enroll page, the admin listing and overview, the CSV
import and the services inside their lock — takes these numbers from here (in Python for one cohort, as
queryset annotations for many: ``Cohort.objects.with_place_counts()`` and ``.open_for_enrollment()``), and
tests/enrollment/test_places.py shows that every page agrees for the same cohort in every state.
"""

from __future__ import annotations

import datetime as dt
import enum

from django.db import models
from django.db.models import Count, F, IntegerField, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from .statuses import (
    LIVE_COHORT_STATUSES,
    REGISTRATION_COHORT_STATUSES,
    SEAT_STATUSES,
    CohortStatus,
    EnrollmentStatus,
    SessionStatus,
)


def free_places(*, capacity: int, taken: int, waiting: int) -> int:
    """Places a newcomer can get now: nobody who waits is overtaken, so the waiting count comes off too."""
    return max(capacity - taken - waiting, 0)


def unheld_places(*, capacity: int, taken: int) -> int:
    """Places nobody holds: these go to the wait-listed people, first come first served."""
    return max(capacity - taken, 0)


class RegistrationState(enum.Enum):
    OPEN = "open"
    NOT_YET_OPEN = "not_yet_open"
    CLOSED = "closed"
    NOT_PUBLISHED = "planned"
    FINISHED = "finished"
    CANCELLED = "cancelled"


def registration_state(*, status: str, registration_opens, registration_closes, first_start,
                       now: dt.datetime) -> RegistrationState:
    """Whether a person can enroll now. An empty "registration closes" means: until the first session starts."""
    if status == CohortStatus.CANCELLED:
        return RegistrationState.CANCELLED
    if status == CohortStatus.FINISHED:
        return RegistrationState.FINISHED
    if status not in REGISTRATION_COHORT_STATUSES:
        return RegistrationState.NOT_PUBLISHED
    if registration_opens is not None and now < registration_opens:
        return RegistrationState.NOT_YET_OPEN
    closes = registration_closes if registration_closes is not None else first_start
    if closes is not None and now >= closes:
        return RegistrationState.CLOSED
    return RegistrationState.OPEN


def _count(status_filter: Q):
    from .models import Enrollment  # places is imported by models: the queryset is built lazily

    rows = (Enrollment.objects.filter(status_filter, cohort=OuterRef("pk")).order_by()
            .values("cohort").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _session_bound(aggregate):
    from .models import Session

    rows = (Session.objects.filter(cohort=OuterRef("pk")).exclude(status=SessionStatus.CANCELLED).order_by()
            .values("cohort").annotate(bound=aggregate).values("bound"))
    return Subquery(rows, output_field=models.DateTimeField())


class CohortQuerySet(models.QuerySet):
    """Cohort reads that every page shares. Each annotation is a correlated subquery, so they combine with
    any filter, ``values()`` or ``__in`` lookup and never multiply rows."""

    def with_place_counts(self):
        """`seats_taken`, `waiting`, `pending` and `free_places` (see free_places())."""
        return self.annotate(
            seats_taken=_count(Q(status__in=SEAT_STATUSES)),
            waiting=_count(Q(status=EnrollmentStatus.WAITLISTED)),
            pending=_count(Q(status=EnrollmentStatus.PENDING)),
        ).annotate(free_places=Greatest(F("capacity") - F("seats_taken") - F("waiting"), Value(0)))

    def with_dates(self):
        """`first_start` and `last_end` of the sessions that are not cancelled (None without sessions)."""
        return self.annotate(first_start=_session_bound(Min("starts_at")), last_end=_session_bound(Max("ends_at")))

    def open_for_enrollment(self, *, now: dt.datetime):
        """Cohorts a person can enroll in now (see registration_state(); needs with_dates())."""
        return self.filter(
            Q(status__in=REGISTRATION_COHORT_STATUSES),
            Q(registration_opens__isnull=True) | Q(registration_opens__lte=now),
            Q(registration_closes__gt=now)
            | Q(registration_closes__isnull=True, first_start__isnull=True)
            | Q(registration_closes__isnull=True, first_start__gt=now),
        )

    def upcoming(self, *, now: dt.datetime):
        """Planned, open or running cohorts that are not over yet (needs with_dates())."""
        return self.filter(Q(status__in=LIVE_COHORT_STATUSES), Q(last_end__isnull=True) | Q(last_end__gte=now))
