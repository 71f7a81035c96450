"""Changes to a whole cohort: editing it (with what that means for its people), cancelling it, telling its
people about changed sessions, and assigning its trainers (the qualification rule of a higher app applies).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import TRAINERS

from .. import signals
from ..emails import enrollment_email_enqueue
from ..exceptions import CapacityBelowTaken, TrainersRefused
from ..models import Cohort, Enrollment, Session
from ..statuses import CANCELLABLE_STATUSES, CohortStatus, EnrollmentStatus, SessionStatus
from . import state
from .waitlist import waitlist_offer_next

S = EnrollmentStatus
# What participants are told about when it changes: a session's times, place, link or status (or the set of
# sessions itself: one added or removed).
SESSION_NOTIFY_FIELDS = ("starts_at", "ends_at", "venue_id", "online_url", "status")


def cohort_cancel(*, cohort: Cohort, actor, reason: str = "") -> int:
    """Cancel a cohort: every active enrollment is CANCELLED and told so; returns how many were."""
    with transaction.atomic():
        locked = state.cohort_lock(cohort.pk)
        locked.status = CohortStatus.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        affected = list(Enrollment.objects.filter(cohort_id=locked.pk, status__in=CANCELLABLE_STATUSES))
        for enrollment in affected:
            state.enrollment_status_set(enrollment, S.CANCELLED, actor=actor,
                                        reason=reason or _("The cohort was cancelled."), offer_expires_at=None)
            enrollment_email_enqueue("cohort_cancelled", enrollment)
    return len(affected)


def cohort_notify_changed(*, cohort: Cohort) -> int:
    """Tell everyone holding or offered a place that the cohort's dates or venue changed; returns the count."""
    with transaction.atomic():
        locked = state.cohort_lock(cohort.pk)
        affected = list(Enrollment.objects.filter(cohort_id=locked.pk, status__in=[S.CONFIRMED, S.OFFERED]))
        for enrollment in affected:
            enrollment_email_enqueue("changed", enrollment)
    return len(affected)


# --- trainers ------------------------------------------------------------------------------------

def trainer_candidates() -> QuerySet:
    """Everyone a coordinator may choose as a trainer: the Trainers group and whoever a higher app names
    (certificates: every holder of a valid trainer qualification, in the group or not)."""
    condition = Q(groups__name=TRAINERS)
    for _receiver, user_ids in signals.trainer_candidates_collect.send(sender=Cohort):
        if user_ids is not None:
            condition |= Q(pk__in=user_ids)
    return User.objects.filter(condition).distinct()


def cohort_teaching_days(cohort: Cohort) -> list[dt.date]:
    """The local dates of the cohort's stored sessions that are not cancelled, in order (empty without any)."""
    if cohort.pk is None:
        return []
    starts = (Session.objects.filter(cohort_id=cohort.pk).exclude(status=SessionStatus.CANCELLED)
              .values_list("starts_at", flat=True))
    return sorted({timezone.localdate(value) for value in starts})


def trainers_check(*, cohort: Cohort, trainers: Iterable, course=None,
                   teaching_days: Iterable[dt.date] | None = None) -> None:
    """Refuse (TrainersRefused, naming the people) trainers that may not be ADDED to this cohort.

    Only the people being added are passed here: trainers already on the cohort are never re-judged, so a
    finished cohort whose trainer's qualification has since expired can still be saved. The rule itself
    belongs to higher apps (certificates: a valid qualification for the course), asked through the
    `cohort_trainers_validate` signal with the cohort's own teaching days (`teaching_days`, default: those
    of its stored sessions), never with today's date alone. Changes nothing.
    """
    trainers = list(trainers)
    course = course if course is not None else (cohort.course if cohort.course_id else None)
    if not trainers or course is None:
        return
    days = sorted(set(teaching_days)) if teaching_days is not None else cohort_teaching_days(cohort)
    try:
        signals.cohort_trainers_validate.send(sender=Cohort, cohort=cohort, course=course, trainers=trainers,
                                              days=days)
    except ValidationError as error:
        raise TrainersRefused(" ".join(error.messages)) from error


def _trainers_set(cohort: Cohort, trainers: list, *, judged_against: set[int]) -> list:
    """Check the people not in `judged_against`, set the trainers, give the newcomers the trainer role."""
    added = [trainer for trainer in trainers if trainer.pk not in judged_against]
    trainers_check(cohort=cohort, trainers=added)
    cohort.trainers.set(trainers)
    if added:
        # The role follows the qualification: whoever is allowed to teach a cohort is a trainer.
        group, _created = Group.objects.get_or_create(name=TRAINERS)
        group.user_set.add(*added)
        for trainer in added:
            trainer.__dict__.pop("_oskus_groups", None)  # accounts.roles caches a user's groups
    return added


def trainers_assign(*, cohort: Cohort, trainers: Iterable, actor) -> list:
    """Make `trainers` the cohort's trainers (all or none); returns the people added.

    Guaranteed: every person ADDED passed `trainers_check` against the cohort's own session dates (people
    who stay are not re-judged), and every person added is in the Trainers group afterwards. On refusal
    (TrainersRefused) nothing changes. `actor` is the coordinator (None for demo data and the shell).
    """
    trainers = list(dict.fromkeys(trainers))
    with transaction.atomic():
        locked = state.cohort_lock(cohort.pk)
        current = set(locked.trainers.values_list("pk", flat=True))
        return _trainers_set(locked, trainers, judged_against=current)


# --- editing -------------------------------------------------------------------------------------

@dataclass
class CohortUpdateOutcome:
    """What saving a cohort did besides writing it."""

    cohort: Cohort
    cancelled_enrollments: int | None = None  # not None: the cohort was cancelled now
    offered: int = 0
    told: int = 0
    trainers_added: list = field(default_factory=list)

    def messages(self) -> list[str]:
        """Sentences for the coordinator, in the active language."""
        lines = []
        if self.cancelled_enrollments is not None:
            lines.append(_("The cohort was cancelled; %(count)d enrollments were cancelled and the participants "
                           "told.") % {"count": self.cancelled_enrollments})
        if self.offered:
            lines.append(_("%(count)d places were offered to the waitlist.") % {"count": self.offered})
        if self.told:
            lines.append(_("%(count)d participants were told about the changed sessions.") % {"count": self.told})
        return lines


def _sessions_snapshot(cohort_id: int) -> dict[int, tuple]:
    """The stored sessions by id, with the fields participants are told about."""
    return {row[0]: row[1:] for row in Session.objects.filter(cohort_id=cohort_id)
            .values_list("pk", *SESSION_NOTIFY_FIELDS)}


def cohort_update(*, cohort: Cohort, actor, trainers: Iterable | None = None,
                  write: Callable[[], object] | None = None) -> CohortUpdateOutcome:
    """Save an edited cohort (its new values set on `cohort`) and do what the change means for its people.

    `write` stores the cohort and anything edited with it (the admin passes its form's save, which also
    writes the inline sessions); default `cohort.save()`. `trainers` (None: unchanged) become its trainers
    through the same rule as `trainers_assign` (when the course changes, every trainer is judged again).

    Guaranteed, in ONE transaction holding the cohort lock:
    - the capacity never drops below the places held (CapacityBelowTaken);
    - choosing status CANCELLED cancels the cohort through `cohort_cancel` (every active enrollment
      cancelled and told);
    - otherwise a raised capacity offers the new places to the waitlist (`waitlist_offer_next`), and
      changed sessions (times, venue, link, status, or sessions added or removed, compared as stored before
      and after the write) are told to the participants (`cohort_notify_changed`);
    - on any refusal (an EnrollmentError) nothing is saved.
    """
    with transaction.atomic():
        stored = state.cohort_lock(cohort.pk)
        counts = state.place_counts(stored)
        if cohort.capacity < counts.taken:
            raise CapacityBelowTaken(
                _("%(taken)d people already hold a place in this cohort: the capacity cannot be lower than that. "
                  "Cancel or move participants first.") % {"taken": counts.taken})
        cancelling = cohort.status == CohortStatus.CANCELLED and stored.status != CohortStatus.CANCELLED
        if cancelling:
            cohort.status = stored.status  # cohort_cancel sets it, together with the enrollments
        same_course = stored.course_id == cohort.course_id
        trainers_before = set(stored.trainers.values_list("pk", flat=True)) if same_course else set()
        sessions_before = _sessions_snapshot(stored.pk)
        if write is None:
            cohort.save()
        else:
            write()
        outcome = CohortUpdateOutcome(cohort=cohort)
        if trainers is not None:
            outcome.trainers_added = _trainers_set(cohort, list(dict.fromkeys(trainers)),
                                                   judged_against=trainers_before)
        elif not same_course:
            _trainers_set(cohort, list(cohort.trainers.all()), judged_against=set())
        sessions_changed = _sessions_snapshot(stored.pk) != sessions_before
        if cancelling:
            outcome.cancelled_enrollments = cohort_cancel(cohort=cohort, actor=actor)
        else:
            if cohort.capacity > stored.capacity:
                outcome.offered = len(waitlist_offer_next(cohort=cohort, actor=actor))
            if sessions_changed:
                outcome.told = cohort_notify_changed(cohort=cohort)
    cohort.refresh_from_db()
    return outcome
