"""The coordinators' desk: what the admin home page shows them, each with the place to act on it.

`desk()` reads everything in a fixed number of queries (7: sessions, pending, its total, offers due, ready to
close, expiring qualifications and their total) whatever the data size; lists are cut at LIST_LIMIT
with the full count beside them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from certificates.models import TrainerQualification
from certificates.selectors import qualification_status_q
from enrollment.attendance.selectors import MARKABLE_STATUSES
from enrollment.models import (
    Attendance,
    Cohort,
    CohortStatus,
    Enrollment,
    EnrollmentStatus,
    Session,
    SessionStatus,
)
from enrollment.statuses import LIVE_COHORT_STATUSES

LIST_LIMIT = 10


@dataclass
class Desk:
    today: list = field(default_factory=list)
    week: list = field(default_factory=list)
    pending: list = field(default_factory=list)
    pending_total: int = 0
    offers_due: list = field(default_factory=list)
    ready_to_close: list = field(default_factory=list)
    expiring: list = field(default_factory=list)
    expiring_total: int = 0


def _unmarked_sessions():
    """Per cohort: its ended sessions (not cancelled) where a participant has no mark."""
    participants = (Enrollment.objects.filter(cohort_id=OuterRef("cohort_id"), status__in=MARKABLE_STATUSES)
                    .order_by().values("cohort_id").annotate(n=Count("pk")).values("n"))
    marked = (Attendance.objects.filter(session_id=OuterRef("pk"), enrollment__cohort_id=OuterRef("cohort_id"),
                                        enrollment__status__in=MARKABLE_STATUSES)
              .order_by().values("session_id").annotate(n=Count("pk")).values("n"))
    return (Session.objects.exclude(status=SessionStatus.CANCELLED)
            .annotate(participants=Coalesce(Subquery(participants, output_field=IntegerField()), Value(0)),
                      marked=Coalesce(Subquery(marked, output_field=IntegerField()), Value(0)))
            .filter(marked__lt=F("participants")))


def desk(*, now: dt.datetime | None = None) -> Desk:
    now = now or timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow, week_end = today + dt.timedelta(days=1), today + dt.timedelta(days=7)
    result = Desk()

    # 1. Sessions today and in the coming days (this week: the next seven days).
    sessions = list(Session.objects.filter(starts_at__lt=week_end, ends_at__gt=today)
                    .exclude(status=SessionStatus.CANCELLED).exclude(cohort__status=CohortStatus.CANCELLED)
                    .select_related("cohort", "cohort__course", "venue").order_by("starts_at")[:LIST_LIMIT * 3])
    result.today = [s for s in sessions if s.starts_at < tomorrow][:LIST_LIMIT]
    result.week = [s for s in sessions if s.starts_at >= tomorrow][:LIST_LIMIT]

    # 2. Enrollments waiting for a coordinator's approval, by cohort.
    live = Cohort.objects.filter(status__in=LIVE_COHORT_STATUSES)
    pending = list(live.with_place_counts().filter(pending__gt=0).select_related("course")
                   .order_by("-pending", "code")[:LIST_LIMIT])
    result.pending = pending
    result.pending_total = Enrollment.objects.filter(status=EnrollmentStatus.PENDING,
                                                     cohort__status__in=LIVE_COHORT_STATUSES).count()

    # 3. Cohorts with a place nobody holds and people waiting: an offer is due.
    result.offers_due = list(live.with_place_counts().filter(waiting__gt=0, seats_taken__lt=F("capacity"))
                             .select_related("course").order_by("code")[:LIST_LIMIT])

    # 4. Cohorts whose last session has ended and that are not closed; sessions left unmarked flagged.
    unmarked = _unmarked_sessions().filter(cohort_id=OuterRef("pk"), ends_at__lte=now)
    result.ready_to_close = list(
        live.with_dates().filter(last_end__lte=now)
        .annotate(unmarked=Coalesce(Subquery(unmarked.order_by().values("cohort_id").annotate(n=Count("pk"))
                                             .values("n"), output_field=IntegerField()), Value(0)))
        .select_related("course").order_by("last_end", "code")[:LIST_LIMIT])

    # 5. Trainer qualifications that expire within the reminder window (90 days).
    expiring = (TrainerQualification.objects.filter(qualification_status_q("expiring", timezone.localdate(now)))
                .select_related("user", "course").order_by("valid_until", "pk"))
    result.expiring = list(expiring[:LIST_LIMIT])
    result.expiring_total = expiring.count()
    return result

