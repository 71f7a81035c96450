"""The building blocks every enrollment service uses inside its transaction: the cohort lock, the place
counts read under it, the status change with its history row, and the e-mail hand-off.

Public because other modules of this app (attendance, the admin) change enrollments too and must do it
the same way; nothing outside a `transaction.atomic()` block that holds the cohort lock may call them.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Min

from ..models import Cohort, Enrollment, EnrollmentEvent, Session
from ..places import free_places, unheld_places
from ..statuses import ACTIVE_STATUSES, CANCELLABLE_STATUSES, SEAT_STATUSES, EnrollmentStatus, SessionStatus

logger = logging.getLogger(__name__)


def cohort_lock(cohort_id: int) -> Cohort:
    """Lock the cohort row until the end of the transaction: the single point of serialisation for its places."""
    return Cohort.objects.select_for_update().get(pk=cohort_id)


def cohorts_lock(*cohort_ids: int) -> dict[int, Cohort]:
    """Lock several cohorts in a fixed order (lower id first), so two movers never deadlock."""
    return {pk: cohort_lock(pk) for pk in sorted(set(cohort_ids))}


@dataclass(frozen=True)
class PlaceCounts:
    """A cohort's places as counted inside its lock."""

    capacity: int
    taken: int
    waiting: int
    mine: int = 0

    @property
    def free(self) -> int:
        return free_places(capacity=self.capacity, taken=self.taken, waiting=self.waiting)

    @property
    def unheld(self) -> int:
        return unheld_places(capacity=self.capacity, taken=self.taken)


@functools.cache
def _place_counts_sql() -> str:
    """The place counts as one plain statement (`CASE`, which every database runs): it runs inside the cohort's
    lock on every enrollment, where the ORM spent longer composing the aggregate than the database answering
    it, and everybody enrolling waits for that lock (bench/README.md)."""
    quote, meta = connection.ops.quote_name, Enrollment._meta
    status, user, cohort = (quote(meta.get_field(name).column) for name in ("status", "user", "cohort"))

    def among(statuses) -> str:
        return ", ".join(["%s"] * len(statuses))

    # Only the model's table and column names are formatted in; the values are query parameters.
    return (f"SELECT COUNT(CASE WHEN {status} IN ({among(SEAT_STATUSES)}) THEN 1 END), "  # noqa: S608
            f"COUNT(CASE WHEN {status} = %s THEN 1 END), COUNT(CASE WHEN {user} = %s THEN 1 END) "
            f"FROM {quote(meta.db_table)} WHERE {cohort} = %s AND {status} IN ({among(ACTIVE_STATUSES)})")


def place_counts(cohort: Cohort, *, user=None) -> PlaceCounts:
    """Places taken, people waiting and (with `user`) that user's active enrollments: one query on the
    (cohort, status) index, in the lock."""
    params = [*map(str, SEAT_STATUSES), str(EnrollmentStatus.WAITLISTED), user.pk if user is not None else None,
              cohort.pk, *map(str, ACTIVE_STATUSES)]
    with connection.cursor() as cursor:
        cursor.execute(_place_counts_sql(), params)
        taken, waiting, mine = cursor.fetchone()
    return PlaceCounts(capacity=cohort.capacity, taken=taken, waiting=waiting, mine=mine)


def active_elsewhere_in_course(*, user, cohort: Cohort) -> bool:
    """Whether the person holds or waits for a place in another cohort of this cohort's course. Run after
    `user_lock`: a READ COMMITTED statement started after the lock sees every enrollment committed before it."""
    return (Enrollment.objects.filter(user_id=user.pk, cohort__course_id=cohort.course_id,
                                      status__in=CANCELLABLE_STATUSES)
            .exclude(cohort_id=cohort.pk).exists())


def user_lock(user) -> None:
    """Lock the person's row (before the cohort's: the lock order is person, then cohort): their enrollments in
    different cohorts of one course then run one after the other, so the one-cohort-per-course rule holds
    under concurrency."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def actor_or_none(actor):
    """The acting user if it is a saved, logged-in user; None for the system, the worker or anonymous."""
    if actor is not None and getattr(actor, "is_authenticated", False) and actor.pk is not None:
        return actor
    return None


def history_record(enrollment: Enrollment, *, from_status: str, to_status: str, actor=None,
                   reason: str = "") -> EnrollmentEvent:
    """Append one row to the enrollment's history."""
    return EnrollmentEvent.objects.create(enrollment=enrollment, actor=actor_or_none(actor),
                                          from_status=from_status or "", to_status=to_status,
                                          reason=str(reason)[:500])


def enrollment_status_set(enrollment: Enrollment, to_status: str, *, actor=None, reason: str = "",
                          **fields) -> None:
    """Change the status (and any extra fields) and append the history entry. Caller holds the cohort lock."""
    from_status = enrollment.status
    enrollment.status = to_status
    for name, value in fields.items():
        setattr(enrollment, name, value)
    enrollment.save(update_fields=["status", "updated_at", *fields.keys()])
    history_record(enrollment, from_status=from_status, to_status=to_status, actor=actor, reason=reason)


def enrollment_reload(enrollment: Enrollment) -> Enrollment:
    """The enrollment as it is now (the caller holds its cohort's lock, so it cannot change under us)."""
    return Enrollment.objects.select_related("cohort").get(pk=enrollment.pk)


def first_session_start(cohort: Cohort):
    """When the cohort's first session that is not cancelled starts (None without sessions)."""
    return (Session.objects.filter(cohort_id=cohort.pk).exclude(status=SessionStatus.CANCELLED)
            .aggregate(first=Min("starts_at"))["first"])
