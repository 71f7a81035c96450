"""The only code that changes enrollment state, one module per process:

- `enrollments`: enroll, cancel, approve, reject, move, record the completion outcome;
- `waitlist`: offers of freed places (in order, or to one person by a coordinator), accepting, declining and
  expiring them;
- `cohorts`: cancelling a cohort, telling its people about changes, assigning trainers, editing it;
- `reminders`: the reminder before the first session;
- `state`: what they all share — the cohort lock, the place counts read under it, the status change with
  its history row.

Every function is keyword-only and runs in ONE transaction that first locks the cohort row
(`select_for_update`), then re-reads the enrollment and re-counts the cohort's places inside the lock, so two
requests can never take the same last place (two cohorts are locked lower id first). Every status change
writes an `EnrollmentEvent` (who, when, from, to, why). Refusals are named `EnrollmentError` subclasses
(exceptions.py), raised before anything changes.

Place rules (places.py): CONFIRMED, OFFERED, COMPLETED and NOT_COMPLETED hold a place. A newcomer is
confirmed only while there are more places than people holding or waiting for one, so nobody jumps the
waitlist; a freed place is offered to the first wait-listed person.
"""

from .cohorts import (
    CohortUpdateOutcome,
    cohort_cancel,
    cohort_notify_changed,
    cohort_teaching_days,
    cohort_update,
    trainer_candidates,
    trainers_assign,
    trainers_check,
)
from .enrollments import (
    cancellation_deadline,
    enrollment_approve,
    enrollment_cancel,
    enrollment_create,
    enrollment_move,
    enrollment_record_outcome,
    enrollment_reject,
    registration_check,
)
from .reminders import reminders_send_due
from .state import cohort_lock, cohorts_lock, enrollment_status_set
from .waitlist import (
    offer_accept,
    offer_decline,
    offer_expire,
    offers_expire_due,
    waitlist_offer_next,
    waitlist_offer_person,
)

__all__ = [
    "cancellation_deadline", "cohort_cancel", "cohort_lock", "cohort_notify_changed", "cohort_teaching_days",
    "cohort_update", "cohorts_lock", "CohortUpdateOutcome", "enrollment_approve", "enrollment_cancel",
    "enrollment_create", "enrollment_move", "enrollment_record_outcome", "enrollment_reject",
    "enrollment_status_set", "offer_accept", "offer_decline", "offer_expire", "offers_expire_due",
    "registration_check", "reminders_send_due", "trainer_candidates", "trainers_assign", "trainers_check",
    "waitlist_offer_next", "waitlist_offer_person",
]
