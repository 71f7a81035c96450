"""The one definition of a cohort's places and of "open for enrollment".

Every reader — the catalogue, the course page, the enroll page, the admin listing and overview, the CSV
import and the services inside their lock — takes these numbers from here: in Python for one cohort, and
for many through ``CohortQuerySet`` (enrollment/models.py: ``with_place_counts()``, ``open_for_enrollment()``),
which mirrors these functions in SQL. tests/enrollment/test_places.py shows that every page agrees for the
same cohort in every state, and that the SQL and the Python decide alike.
"""

from __future__ import annotations

import datetime as dt
import enum

from .statuses import REGISTRATION_COHORT_STATUSES, CohortStatus


def free_places(*, capacity: int, taken: int, waiting: int) -> int:
    """Places a newcomer can get now: nobody who waits is overtaken, so the waiting count comes off too."""
    return max(capacity - taken - waiting, 0)


def unheld_places(*, capacity: int, taken: int) -> int:
    """Places nobody holds: these go to the wait-listed people, first come first served."""
    return max(capacity - taken, 0)


def cancellation_deadline(*, first_start: dt.datetime | None, cutoff_hours: int) -> dt.datetime | None:
    """Until when a participant may cancel a confirmed place themselves (None: no sessions yet)."""
    return first_start - dt.timedelta(hours=cutoff_hours) if first_start else None


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
