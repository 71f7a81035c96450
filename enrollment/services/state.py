"""The building blocks every enrollment service uses inside its transaction: the cohort lock, the place
counts read under it, the status change with its history row, and the e-mail hand-off.

Public because other modules of this app (attendance, the admin) change enrollments too and must do it
the same way; nothing outside a `transaction.atomic()` block that holds the cohort lock may call them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Min

from leansql import ModelColumns, Statement, constants, fetchone_last, insert, quote
from outbox.models import Message

from ..models import Cohort, Enrollment, EnrollmentEvent, Session
from ..places import free_places, unheld_places
from ..signup import digest_sql
from ..statuses import ACTIVE_STATUSES, CANCELLABLE_STATUSES, SEAT_STATUSES, EnrollmentStatus, SessionStatus

logger = logging.getLogger(__name__)


# Every enrollment runs the statements below, the last ones inside the cohort's lock that everybody enrolling
# waits for: they are plain statements, prepared once per connection on PostgreSQL (leansql; bench/README.md).
_COHORT = ModelColumns(Cohort)


def _for_update() -> str:
    return " FOR UPDATE" if connection.features.has_select_for_update else ""  # SQLite locks the whole database


_COHORT_LOCK = Statement("cohort_lock", lambda: (
    f"SELECT {_COHORT.select_list} FROM {quote(Cohort._meta.db_table)} "  # noqa: S608 - names from the model
    f"WHERE {quote(Cohort._meta.pk.column)} = %s{_for_update()}"))


def cohort_lock(cohort_id: int) -> Cohort:
    """Lock the cohort row until the end of the transaction: the single point of serialisation for its places.
    Returns the cohort as it is now (Cohort.DoesNotExist if it is gone)."""
    row = _COHORT_LOCK.fetchone([cohort_id])
    if row is None:
        raise Cohort.DoesNotExist(f"Cohort {cohort_id} does not exist.")
    return _COHORT.instance(row)


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


def _place_counts_sql() -> str:
    """The place counts as one plain statement (`CASE`, which every database runs)."""
    meta = Enrollment._meta
    status, user, cohort = (quote(meta.get_field(name).column) for name in ("status", "user", "cohort"))
    # Only the model's names and the statuses (code constants) are formatted in; the ids are parameters.
    return (f"SELECT COUNT(CASE WHEN {status} IN ({constants(SEAT_STATUSES)}) THEN 1 END) AS taken, "  # noqa: S608
            f"COUNT(CASE WHEN {status} = {constants([EnrollmentStatus.WAITLISTED])} THEN 1 END) AS waiting, "
            f"COUNT(CASE WHEN {user} = %s THEN 1 END) AS mine "
            f"FROM {quote(meta.db_table)} WHERE {cohort} = %s AND {status} IN ({constants(ACTIVE_STATUSES)})")


_PLACE_COUNTS = Statement("place_counts", _place_counts_sql)


def _cohort_key_lock_sql() -> str:
    pk = quote(Cohort._meta.pk.column)
    return f"SELECT {pk} FROM {quote(Cohort._meta.db_table)} WHERE {pk} = %s{_for_update()}"  # noqa: S608


def _cohort_counted_sql(*, person_first: bool) -> str:
    """The cohort and its counts for an enrollment, each count stopping at the cohort's capacity; with
    `person_first`, whether the person holds or waits for a place in another cohort of its course; and on
    PostgreSQL the keys the new enrollment, its first history row and its e-mail will have (their INSERT is then
    one statement that needs no result: it travels with the COMMIT, see enrollment_create); and the digest of the
    cohort's sign-up row (enrollment/signup.py) as it is now.

    Every decision compares the counts with the capacity (a place is free when taken + waiting < capacity, one
    is unheld when taken < capacity), so counting further changes no outcome. Counted in full, a long waitlist
    made every newcomer's statement, inside the lock that everybody enrolling waits for, read every row of it.
    """
    cohort, enrollment = Cohort._meta, Enrollment._meta
    table, pk, capacity = quote(cohort.db_table), quote(cohort.pk.column), quote(cohort.get_field("capacity").column)
    course = quote(cohort.get_field("course").column)
    e_table = quote(enrollment.db_table)
    status, user, cohort_id = (quote(enrollment.get_field(name).column) for name in ("status", "user", "cohort"))
    # PostgreSQL's LIMIT takes no column of the outer query, but an uncorrelated subquery (run once).
    up_to_capacity = f"LIMIT (SELECT {capacity} FROM {table} WHERE {pk} = %s)"  # noqa: S608 - names from the model

    def counted(condition: str) -> str:
        return (f"(SELECT COUNT(*) FROM (SELECT 1 FROM {e_table} WHERE {cohort_id} = %s AND {condition} "  # noqa: S608
                f"{up_to_capacity}) counted)")

    # The statuses are written in (code constants): the plan then uses the partial unique index on (user, cohort).
    elsewhere = (f"EXISTS (SELECT 1 FROM {e_table} e JOIN {table} c ON c.{pk} = e.{cohort_id} "  # noqa: S608
                 f"WHERE e.{user} = %s AND c.{course} = {table}.{course} AND e.{cohort_id} <> {table}.{pk} "
                 f"AND e.{status} IN ({constants(CANCELLABLE_STATUSES)}))") if person_first else "FALSE"
    def new_key(meta) -> str:
        return (f"nextval(pg_get_serial_sequence('{meta.db_table}', '{meta.pk.column}'))"
                if connection.vendor == "postgresql" else "NULL")
    # Only the models' names and the statuses (code constants) are formatted in; the ids are parameters.
    return (f"SELECT {_COHORT.select_list}, "  # noqa: S608 - names from the models
            f"{counted(f'{status} IN ({constants(SEAT_STATUSES)})')} AS taken, "
            f"{counted(f'{status} = {constants([EnrollmentStatus.WAITLISTED])}')} AS waiting, "
            f"(SELECT COUNT(*) FROM {e_table} WHERE {cohort_id} = %s AND {user} = %s "
            f"AND {status} IN ({constants(ACTIVE_STATUSES)})) AS mine, "
            f"{elsewhere} AS elsewhere, {new_key(enrollment)} AS new_id, "
            f"{new_key(EnrollmentEvent._meta)} AS new_event_id, {new_key(Message._meta)} AS new_message_id, "
            f"{digest_sql()} AS signup_digest "
            f"FROM {table} WHERE {table}.{pk} = %s")


def _cohort_counted_params(cohort_id: int, user_id: int | None, *, person_first: bool = False) -> list:
    """The parameters of the counting statement, in the order its text holds them."""
    return [cohort_id, cohort_id, cohort_id, cohort_id, cohort_id, user_id,
            *([user_id] if person_first else []), cohort_id, cohort_id]


def _user_lock_sql() -> str:
    meta = get_user_model()._meta
    return (f"SELECT {quote(meta.pk.column)} FROM {quote(meta.db_table)} "  # noqa: S608 - names from the model
            f"WHERE {quote(meta.pk.column)} = %s{_for_update()}")


_USER_LOCK = Statement("user_lock", _user_lock_sql)
_COHORT_KEY_LOCK = Statement("cohort_key_lock", _cohort_key_lock_sql)
_COHORT_COUNTED = Statement("cohort_counted", lambda: _cohort_counted_sql(person_first=False))
_COHORT_COUNTED_PERSON_FIRST = Statement("cohort_counted_person", lambda: _cohort_counted_sql(person_first=True))


@dataclass(frozen=True)
class EnrollmentLocks:
    """What an enrollment reads once it holds its locks."""

    cohort: Cohort
    counts: PlaceCounts
    elsewhere: bool  # the person holds or waits for a place in another cohort of the course (person_first)
    new_id: int | None  # the key allocated for the new enrollment (PostgreSQL; None elsewhere)
    new_event_id: int | None = None  # … for its first history row
    new_message_id: int | None = None  # … for its first e-mail in the message log
    signup_digest: str | None = None  # of the cohort's sign-up row now (PostgreSQL; None elsewhere)


def enrollment_locks(cohort_id: int, *, user, person_first: bool = False) -> EnrollmentLocks:
    """Lock the cohort (after the person, with `person_first`) and read it, its place counts with `user`, and
    (with `person_first`) whether `user` is enrolled in another cohort of its course: one round trip on
    PostgreSQL (leansql.fetchone_last).

    The reading statement starts after the locks were granted, so it sees every enrollment committed before:
    the cohort's lock keeps its places from being overbooked, the person's lock (person, then cohort: their
    enrollments in different cohorts of one course run one after the other) keeps the one-cohort-per-course
    rule under concurrency. `taken` and `waiting` are counted up to the capacity (see `_cohort_counted_sql`):
    enough for `free` and `unheld`, not a figure to show. Raises Cohort.DoesNotExist if the cohort is gone."""
    user_id = user.pk if user is not None else None
    steps = [(_USER_LOCK, [user_id])] if person_first else []
    counted = _COHORT_COUNTED_PERSON_FIRST if person_first else _COHORT_COUNTED
    steps += [(_COHORT_KEY_LOCK, [cohort_id]),
              (counted, _cohort_counted_params(cohort_id, user_id, person_first=person_first))]
    row = fetchone_last(*steps)
    if row is None:
        raise Cohort.DoesNotExist(f"Cohort {cohort_id} does not exist.")
    cohort = _COHORT.instance(row[:-8])
    taken, waiting, mine, elsewhere, new_id, new_event_id, new_message_id, signup_digest = row[-8:]
    return EnrollmentLocks(cohort=cohort, elsewhere=bool(elsewhere), new_id=new_id, new_event_id=new_event_id,
                           new_message_id=new_message_id, signup_digest=signup_digest,
                           counts=PlaceCounts(capacity=cohort.capacity, taken=taken, waiting=waiting, mine=mine))


def place_counts(cohort: Cohort, *, user=None) -> PlaceCounts:
    """Places taken, people waiting and (with `user`) that user's active enrollments: one query on the
    (cohort, status) index, in the lock."""
    taken, waiting, mine = _PLACE_COUNTS.fetchone([user.pk if user is not None else None, cohort.pk])
    return PlaceCounts(capacity=cohort.capacity, taken=taken, waiting=waiting, mine=mine)


def actor_or_none(actor):
    """The acting user if it is a saved, logged-in user; None for the system, the worker or anonymous."""
    if actor is not None and getattr(actor, "is_authenticated", False) and actor.pk is not None:
        return actor
    return None


def history_entry(enrollment: Enrollment, *, from_status: str, to_status: str, actor=None,
                  reason: str = "") -> EnrollmentEvent:
    """The enrollment's next history row, not yet saved."""
    return EnrollmentEvent(enrollment=enrollment, actor=actor_or_none(actor), from_status=from_status or "",
                           to_status=to_status, reason=str(reason)[:500])


def history_record(enrollment: Enrollment, *, from_status: str, to_status: str, actor=None,
                   reason: str = "") -> EnrollmentEvent:
    """Append one row to the enrollment's history."""
    return insert(history_entry(enrollment, from_status=from_status, to_status=to_status, actor=actor,
                                reason=reason))


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
