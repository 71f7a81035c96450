"""Enrollment services: places, waitlist order, approval, offers, moving, history and refusals."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone, translation

from enrollment import services
from enrollment.exceptions import (
    AlreadyEnrolled,
    CancellationClosed,
    CohortCancelled,
    CohortFull,
    InvalidTransition,
    NotEligible,
    NotYourEnrollment,
    OfferExpired,
    RegistrationClosed,
)
from enrollment.models import CohortStatus, Enrollment, EnrollmentEvent, EnrollmentPolicy, EnrollmentStatus
from tests import factories

S = EnrollmentStatus
pytestmark = pytest.mark.django_db


def make_cohort(**kwargs):
    cohort = factories.CohortFactory(**kwargs)
    factories.SessionFactory(cohort=cohort)
    return cohort


def enroll(cohort, user=None, **kwargs):
    user = user or factories.UserFactory()
    return services.enrollment_create(user=user, cohort=cohort, answers={}, **kwargs)


def test_open_cohort_confirms_until_full_then_waitlists_in_arrival_order():
    cohort = make_cohort(capacity=2)
    first, second, third, fourth = (enroll(cohort) for _ in range(4))
    assert [e.status for e in (first, second)] == [S.CONFIRMED, S.CONFIRMED]
    assert [e.status for e in (third, fourth)] == [S.WAITLISTED, S.WAITLISTED]
    assert third.waitlist_joined_at <= fourth.waitlist_joined_at


def test_enrollment_records_history_with_actor_and_statuses():
    cohort = make_cohort(capacity=1)
    enrollment = enroll(cohort)
    event = EnrollmentEvent.objects.get(enrollment=enrollment)
    assert (event.from_status, event.to_status, event.actor_id) == ("", S.CONFIRMED, enrollment.user_id)


def test_cancelling_a_confirmed_place_offers_it_to_the_first_waitlisted_person():
    cohort = make_cohort(capacity=1, offer_hours=48)
    holder = enroll(cohort)
    first_waiting = enroll(cohort)
    second_waiting = enroll(cohort)
    services.enrollment_cancel(enrollment=holder, actor=holder.user)
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == S.OFFERED
    assert second_waiting.status == S.WAITLISTED
    expected = timezone.now() + dt.timedelta(hours=48)
    assert abs((first_waiting.offer_expires_at - expected).total_seconds()) < 60


def test_accepting_an_offer_confirms_and_sends_the_promotion_email(django_capture_on_commit_callbacks):
    cohort = make_cohort(capacity=1)
    holder = enroll(cohort)
    waiting = enroll(cohort)
    services.enrollment_cancel(enrollment=holder, actor=holder.user)
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_accept(enrollment=waiting, actor=waiting.user)
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
    assert [m.to for m in mail.outbox] == [[waiting.user.email]]


def test_declining_an_offer_passes_the_place_to_the_next_person():
    cohort = make_cohort(capacity=1)
    holder, first, second = enroll(cohort), enroll(cohort), enroll(cohort)
    services.enrollment_cancel(enrollment=holder, actor=holder.user)
    services.offer_decline(enrollment=first, actor=first.user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.DECLINED, S.OFFERED)


def test_accepting_an_expired_offer_is_refused_and_the_place_moves_on():
    cohort = make_cohort(capacity=1)
    holder, first, second = enroll(cohort), enroll(cohort), enroll(cohort)
    services.enrollment_cancel(enrollment=holder, actor=holder.user)
    Enrollment.objects.filter(pk=first.pk).update(offer_expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(OfferExpired):
        services.offer_accept(enrollment=first, actor=first.user)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.EXPIRED, S.OFFERED)


def test_sweep_expires_only_overdue_offers():
    cohort = make_cohort(capacity=2)
    holders = [enroll(cohort), enroll(cohort)]
    waiting = [enroll(cohort), enroll(cohort), enroll(cohort)]
    for holder in holders:
        services.enrollment_cancel(enrollment=holder, actor=holder.user)
    Enrollment.objects.filter(pk=waiting[0].pk).update(offer_expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert services.offers_expire_due() == 1
    statuses = [Enrollment.objects.get(pk=e.pk).status for e in waiting]
    assert statuses == [S.EXPIRED, S.OFFERED, S.OFFERED]
    assert services.offers_expire_due() == 0


def test_approval_policy_makes_pending_then_approve_confirms_and_reject_rejects(coordinator):
    cohort = make_cohort(capacity=1, policy=EnrollmentPolicy.APPROVAL)
    first, second, third = enroll(cohort), enroll(cohort), enroll(cohort)
    assert {first.status, second.status, third.status} == {S.PENDING}
    services.enrollment_approve(enrollment=first, actor=coordinator)
    services.enrollment_approve(enrollment=second, actor=coordinator)
    services.enrollment_reject(enrollment=third, actor=coordinator, reason="Not the target group")
    statuses = [Enrollment.objects.get(pk=e.pk).status for e in (first, second, third)]
    assert statuses == [S.CONFIRMED, S.WAITLISTED, S.REJECTED]
    assert EnrollmentEvent.objects.filter(enrollment=third, to_status=S.REJECTED, actor=coordinator,
                                          reason="Not the target group").exists()


def test_newcomer_does_not_overtake_the_waitlist_when_capacity_grows():
    cohort = make_cohort(capacity=1)
    enroll(cohort)
    waiting = enroll(cohort)
    cohort.capacity = 2
    cohort.save()
    late = enroll(cohort)
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED
    assert late.status == S.WAITLISTED


def test_move_confirmed_person_to_cohort_with_place_and_offer_freed_place(coordinator):
    source, target = make_cohort(capacity=1), make_cohort(capacity=1)
    mover, waiting = enroll(source), enroll(source)
    moved = services.enrollment_move(enrollment=mover, to_cohort=target, actor=coordinator, reason="Closer to home")
    mover.refresh_from_db()
    waiting.refresh_from_db()
    assert (mover.status, moved.status, moved.cohort_id, waiting.status) == (
        S.CANCELLED, S.CONFIRMED, target.pk, S.OFFERED)


def test_move_confirmed_person_into_full_cohort_is_refused_and_nothing_changes(coordinator):
    source, target = make_cohort(capacity=1), make_cohort(capacity=1)
    mover = enroll(source)
    enroll(target)
    with pytest.raises(CohortFull):
        services.enrollment_move(enrollment=mover, to_cohort=target, actor=coordinator)
    mover.refresh_from_db()
    assert mover.status == S.CONFIRMED
    assert Enrollment.objects.filter(cohort=target).count() == 1


# --- refusals ------------------------------------------------------------------------------------

def test_enrolling_twice_is_refused():
    cohort = make_cohort()
    user = factories.UserFactory()
    enroll(cohort, user)
    with pytest.raises(AlreadyEnrolled):
        enroll(cohort, user)
    assert Enrollment.objects.filter(user=user).count() == 1


@pytest.mark.parametrize("window", [
    {"registration_opens": timezone.now() + dt.timedelta(days=1), "registration_closes": None},
    {"registration_opens": None, "registration_closes": timezone.now() - dt.timedelta(minutes=1)},
])
def test_enrolling_outside_the_registration_window_is_refused(window):
    cohort = make_cohort(**window)
    with pytest.raises(RegistrationClosed):
        enroll(cohort)
    assert not Enrollment.objects.filter(cohort=cohort).exists()


def test_enrolling_in_a_cancelled_cohort_is_refused():
    cohort = make_cohort(status=CohortStatus.CANCELLED)
    with pytest.raises(CohortCancelled):
        enroll(cohort)
    assert not Enrollment.objects.filter(cohort=cohort).exists()


def test_enrolling_from_an_ineligible_county_names_the_counties():
    cohort = make_cohort()
    cohort.eligible_counties.set([factories.county(n) for n in ("Põlva maakond", "Valga maakond", "Võru maakond")])
    user = factories.UserFactory(profile__municipality="Tartu linn")
    with translation.override("en"), pytest.raises(NotEligible) as refused:
        enroll(cohort, user)
    assert str(refused.value) == "This cohort is open only to specialists of Põlva, Valga and Võru counties."
    assert not Enrollment.objects.filter(cohort=cohort).exists()


def test_course_counties_apply_when_the_cohort_has_none():
    course = factories.CoursePageFactory(m2m={"eligible_counties": [factories.county("Valga maakond")]})
    cohort = make_cohort(course=course)
    with translation.override("en"), pytest.raises(NotEligible, match="Valga county"):
        enroll(cohort, factories.UserFactory(profile__municipality="Tartu linn"))
    with pytest.raises(NotEligible, match="ainult Valga maakonna spetsialistidele"):  # Estonian by default
        enroll(cohort, factories.UserFactory(profile__municipality="Tartu linn"))
    assert enroll(cohort, factories.UserFactory(profile__municipality="Valga vald")).status == S.CONFIRMED


def test_enrolling_with_an_ineligible_profession_is_refused():
    cohort = make_cohort(eligible_professions=["police", "child_protection"])
    user = factories.UserFactory(profile__profession="teacher")
    with translation.override("en"), pytest.raises(NotEligible, match="police officer and child-protection"):
        enroll(cohort, user)
    assert not Enrollment.objects.filter(cohort=cohort).exists()


def test_missing_prerequisite_course_is_named():
    basics = factories.CoursePageFactory(title="Lastekaitse alused")
    cohort = make_cohort()
    cohort.prerequisite_courses.set([basics])
    user = factories.UserFactory()
    with translation.override("en"), pytest.raises(NotEligible) as refused:
        enroll(cohort, user)
    assert str(refused.value) == "Complete “Lastekaitse alused” first."
    factories.EnrollmentFactory(user=user, cohort=factories.CohortFactory(course=basics), status=S.COMPLETED)
    assert enroll(cohort, user).status == S.CONFIRMED


def test_participant_cannot_cancel_after_the_cut_off_but_coordinator_can(coordinator):
    cohort = factories.CohortFactory(cancellation_cutoff_hours=48)
    factories.SessionFactory(cohort=cohort, starts_at=timezone.now() + dt.timedelta(hours=24))
    enrollment = enroll(cohort)
    with pytest.raises(CancellationClosed):
        services.enrollment_cancel(enrollment=enrollment, actor=enrollment.user)
    enrollment.refresh_from_db()
    assert enrollment.status == S.CONFIRMED
    services.enrollment_cancel(enrollment=enrollment, actor=coordinator)
    enrollment.refresh_from_db()
    assert enrollment.status == S.CANCELLED


def test_acting_on_another_persons_enrollment_is_refused():
    cohort = make_cohort(capacity=1)
    holder, waiting = enroll(cohort), enroll(cohort)
    stranger = factories.UserFactory()
    with pytest.raises(NotYourEnrollment):
        services.enrollment_cancel(enrollment=holder, actor=stranger)
    services.enrollment_cancel(enrollment=holder, actor=holder.user)
    with pytest.raises(NotYourEnrollment):
        services.offer_accept(enrollment=waiting, actor=stranger)
    with pytest.raises(NotYourEnrollment):
        services.offer_decline(enrollment=waiting, actor=stranger)
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED


def test_cancelling_twice_is_refused():
    enrollment = enroll(make_cohort())
    services.enrollment_cancel(enrollment=enrollment, actor=enrollment.user)
    with pytest.raises(InvalidTransition):
        services.enrollment_cancel(enrollment=enrollment, actor=enrollment.user)


def test_cancelling_a_cohort_cancels_every_active_enrollment_and_tells_them(
        coordinator, django_capture_on_commit_callbacks):
    cohort = make_cohort(capacity=1)
    enroll(cohort)
    enroll(cohort)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cohort_cancel(cohort=cohort, actor=coordinator) == 2
    assert set(Enrollment.objects.filter(cohort=cohort).values_list("status", flat=True)) == {S.CANCELLED}
    assert len(mail.outbox) == 2
