"""Cohort-wide services: `cohort_update` (what saving a cohort means for its people, decided from the stored
sessions before and after, not from a form) and `trainers_assign` (the rule of a higher app, asked through
a signal, only for the trainers being added, against the cohort's own dates)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import TRAINERS
from enrollment import signals
from enrollment.exceptions import CapacityBelowTaken, TrainersRefused
from enrollment.models import Cohort, CohortStatus, EnrollmentStatus, Session, SessionStatus
from enrollment.services import cohort_update, trainer_candidates, trainers_assign
from tests import factories

S = EnrollmentStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def refusals():
    """A receiver of `cohort_trainers_validate` that refuses the people listed, and records every call."""
    calls, refused = [], set()

    def receiver(sender, cohort, course, trainers, days, **kwargs):
        calls.append({"cohort": cohort, "course": course, "trainers": list(trainers), "days": list(days)})
        names = [t.full_name for t in trainers if t.pk in refused]
        if names:
            raise ValidationError({"trainers": [f"Refused: {', '.join(names)}"]})

    signals.cohort_trainers_validate.connect(receiver, dispatch_uid="test.refusals")
    yield calls, refused
    signals.cohort_trainers_validate.disconnect(dispatch_uid="test.refusals")


def _told(cohort, mutate, django_capture_on_commit_callbacks):
    """Run cohort_update with `mutate` writing session changes; return how many participants were told."""
    with django_capture_on_commit_callbacks():
        outcome = cohort_update(cohort=cohort, actor=None, write=lambda: (cohort.save(), mutate()))
    return outcome.told


@pytest.mark.parametrize("change,told", [
    ("nothing", 0),
    ("title only", 0),
    ("time", 2),
    ("venue link", 2),
    ("cancelled", 2),
    ("added", 2),
    ("removed", 2),
])
def test_changed_sessions_are_told_from_the_stored_sessions_before_and_after(change, told,
                                                                            django_capture_on_commit_callbacks):
    cohort = factories.CohortFactory()
    session = factories.SessionFactory(cohort=cohort, title="Esimene")
    factories.EnrollmentFactory.create_batch(2, cohort=cohort, status=S.CONFIRMED)
    factories.EnrollmentFactory(cohort=cohort, status=S.WAITLISTED)  # not told: no place yet

    def mutate():
        if change == "title only":
            Session.objects.filter(pk=session.pk).update(title="Avapäev")
        elif change == "time":
            Session.objects.filter(pk=session.pk).update(starts_at=session.starts_at + dt.timedelta(hours=1))
        elif change == "venue link":
            Session.objects.filter(pk=session.pk).update(online_url="https://meet.example.ee/uus")
        elif change == "cancelled":
            Session.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED)
        elif change == "added":
            factories.SessionFactory(cohort=cohort)
        elif change == "removed":
            Session.objects.filter(pk=session.pk).delete()

    assert _told(cohort, mutate, django_capture_on_commit_callbacks) == told


def test_cohort_update_refuses_a_capacity_below_the_places_held_and_saves_nothing():
    cohort = factories.CohortFactory(capacity=3, title="Vana")
    factories.EnrollmentFactory.create_batch(2, cohort=cohort, status=S.CONFIRMED)
    cohort.capacity, cohort.title = 1, "Uus"
    with pytest.raises(CapacityBelowTaken):
        cohort_update(cohort=cohort, actor=None)
    assert Cohort.objects.values_list("capacity", "title").get(pk=cohort.pk) == (3, "Vana")


def test_cohort_update_cancelling_cancels_every_active_enrollment(coordinator):
    cohort = factories.CohortFactory()
    enrollment = factories.EnrollmentFactory(cohort=cohort, status=S.CONFIRMED)
    cohort.status = CohortStatus.CANCELLED
    outcome = cohort_update(cohort=cohort, actor=coordinator)
    enrollment.refresh_from_db()
    assert (outcome.cancelled_enrollments, cohort.status, enrollment.status) == (1, CohortStatus.CANCELLED,
                                                                                 S.CANCELLED)


def test_cohort_update_raising_the_capacity_offers_places_to_the_waitlist(coordinator):
    cohort = factories.CohortFactory(capacity=1)
    factories.EnrollmentFactory(cohort=cohort, status=S.CONFIRMED)
    waiting = factories.EnrollmentFactory(cohort=cohort, status=S.WAITLISTED, waitlist_joined_at=timezone.now())
    cohort.capacity = 2
    assert cohort_update(cohort=cohort, actor=coordinator).offered == 1
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED


def test_trainers_assign_asks_only_about_the_people_added_with_the_cohort_dates(refusals):
    calls, _refused = refusals
    staying, newcomer = factories.UserFactory(groups=[TRAINERS]), factories.UserFactory()
    cohort = factories.CohortFactory(trainers=[staying])
    starts = timezone.make_aware(dt.datetime(2024, 5, 6, 10, 0))
    factories.SessionFactory(cohort=cohort, starts_at=starts)
    factories.SessionFactory(cohort=cohort, starts_at=starts + dt.timedelta(days=7))
    factories.SessionFactory(cohort=cohort, starts_at=starts + dt.timedelta(days=30), status=SessionStatus.CANCELLED)
    added = trainers_assign(cohort=cohort, trainers=[staying, newcomer], actor=None)
    assert added == [newcomer]
    assert [call["trainers"] for call in calls] == [[newcomer]]
    assert calls[0]["days"] == [dt.date(2024, 5, 6), dt.date(2024, 5, 13)]  # its sessions, not today
    assert set(cohort.trainers.all()) == {staying, newcomer}


def test_trainers_assign_makes_the_people_added_trainers(refusals):
    person = factories.UserFactory()
    cohort = factories.CohortFactory()
    trainers_assign(cohort=cohort, trainers=[person], actor=None)
    assert person.groups.filter(name=TRAINERS).exists()
    assert person in trainer_candidates()


def test_a_refused_trainer_is_not_assigned_and_nothing_changes(refusals):
    _calls, refused = refusals
    staying = factories.UserFactory(groups=[TRAINERS])
    refused_person = factories.UserFactory(full_name="Kalle Kvalifitseerimata")
    refused.add(refused_person.pk)
    cohort = factories.CohortFactory(trainers=[staying])
    with pytest.raises(TrainersRefused) as raised:
        trainers_assign(cohort=cohort, trainers=[refused_person], actor=None)
    assert "Kalle Kvalifitseerimata" in str(raised.value)
    assert list(cohort.trainers.all()) == [staying]
    assert not refused_person.groups.filter(name=TRAINERS).exists()


def test_trainers_who_stay_are_not_judged_again(refusals):
    calls, refused = refusals
    staying = factories.UserFactory(groups=[TRAINERS])
    refused.add(staying.pk)  # e.g. their qualification expired since
    cohort = factories.CohortFactory(trainers=[staying], capacity=5)
    cohort.capacity = 6
    cohort_update(cohort=cohort, actor=None, trainers=[staying])
    assert calls == []
    assert list(cohort.trainers.all()) == [staying]


def test_cohort_update_refusing_a_trainer_saves_nothing_else(refusals):
    _calls, refused = refusals
    person = factories.UserFactory()
    refused.add(person.pk)
    cohort = factories.CohortFactory(capacity=5)
    cohort.capacity = 9
    with pytest.raises(TrainersRefused):
        cohort_update(cohort=cohort, actor=None, trainers=[person])
    assert Cohort.objects.get(pk=cohort.pk).capacity == 5
    assert not cohort.trainers.exists()
