"""Property-based test: random enroll / cancel / approve / reject / offer / accept / decline / expire steps.

After every step: places taken <= capacity; the waitlist is in arrival order; no place stays free while
somebody waits and nobody is confirmed directly while somebody waits (a freed place is offered before anyone
later is confirmed); every status change is in the history as an unbroken chain ending in the current status.
"""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from enrollment import services
from enrollment.exceptions import EnrollmentError
from enrollment.models import SEAT_STATUSES, Cohort, Enrollment, EnrollmentEvent, EnrollmentPolicy, EnrollmentStatus
from tests import factories

S = EnrollmentStatus
USERS = 6


def build_machine(course, users, coordinator):
    class EnrollmentMachine(RuleBasedStateMachine):
        counter = 0

        @initialize(capacity=st.integers(0, 3), approval=st.booleans())
        def make_cohort(self, capacity, approval):
            EnrollmentMachine.counter += 1
            now = timezone.now()
            self.cohort = Cohort.objects.create(
                course=course, code=f"prop-{EnrollmentMachine.counter}", capacity=capacity,
                policy=EnrollmentPolicy.APPROVAL if approval else EnrollmentPolicy.OPEN,
                registration_opens=now - dt.timedelta(days=1), registration_closes=now + dt.timedelta(days=30),
                offer_hours=48)
            self.arrivals: list[int] = []  # enrollment ids in the order they joined the waitlist

        def _enrollments(self, status):
            return list(Enrollment.objects.filter(cohort=self.cohort, status=status).order_by("id"))

        def _pick(self, status, index):
            rows = self._enrollments(status)
            return rows[index % len(rows)] if rows else None

        def _note_new_waiters(self, before: set[int]):
            for row in Enrollment.objects.filter(cohort=self.cohort, status=S.WAITLISTED).order_by(
                    "waitlist_joined_at", "id"):
                if row.pk not in before and row.pk not in self.arrivals:
                    self.arrivals.append(row.pk)

        def _waiting_ids(self) -> set[int]:
            return set(Enrollment.objects.filter(cohort=self.cohort, status=S.WAITLISTED).values_list("id", flat=True))

        @rule(who=st.integers(0, USERS - 1))
        def enroll(self, who):
            someone_waiting = bool(self._waiting_ids())
            before = self._waiting_ids()
            try:
                enrollment = services.enrollment_create(user=users[who], cohort=self.cohort, answers={})
            except EnrollmentError:
                return
            assert not (someone_waiting and enrollment.status == S.CONFIRMED), "a newcomer overtook the waitlist"
            self._note_new_waiters(before)

        @rule(status=st.sampled_from([S.CONFIRMED, S.WAITLISTED, S.PENDING, S.OFFERED]), index=st.integers(0, 5))
        def cancel(self, status, index):
            enrollment = self._pick(status, index)
            if enrollment is not None:
                services.enrollment_cancel(enrollment=enrollment, actor=enrollment.user)

        @rule(index=st.integers(0, 5))
        def approve(self, index):
            enrollment = self._pick(S.PENDING, index)
            if enrollment is not None:
                someone_waiting = bool(self._waiting_ids())
                before = self._waiting_ids()
                result = services.enrollment_approve(enrollment=enrollment, actor=coordinator)
                assert not (someone_waiting and result.status == S.CONFIRMED), "an approval overtook the waitlist"
                self._note_new_waiters(before)

        @rule(index=st.integers(0, 5))
        def reject(self, index):
            enrollment = self._pick(S.PENDING, index)
            if enrollment is not None:
                services.enrollment_reject(enrollment=enrollment, actor=coordinator)

        @rule(extra=st.integers(1, 2))
        def add_places_and_offer(self, extra):
            Cohort.objects.filter(pk=self.cohort.pk).update(capacity=self.cohort.capacity + extra)
            self.cohort.refresh_from_db()
            services.waitlist_offer_next(cohort=self.cohort)

        @rule(index=st.integers(0, 5))
        def accept(self, index):
            enrollment = self._pick(S.OFFERED, index)
            if enrollment is not None:
                assert services.offer_accept(enrollment=enrollment, actor=enrollment.user).status == S.CONFIRMED

        @rule(index=st.integers(0, 5))
        def decline(self, index):
            enrollment = self._pick(S.OFFERED, index)
            if enrollment is not None:
                services.offer_decline(enrollment=enrollment, actor=enrollment.user)

        @rule(index=st.integers(0, 5))
        def expire(self, index):
            enrollment = self._pick(S.OFFERED, index)
            if enrollment is not None:
                Enrollment.objects.filter(pk=enrollment.pk).update(
                    offer_expires_at=timezone.now() - dt.timedelta(seconds=1))
                assert services.offers_expire_due() >= 1

        @invariant()
        def places_never_exceed_capacity(self):
            capacity = Cohort.objects.get(pk=self.cohort.pk).capacity
            taken = Enrollment.objects.filter(cohort=self.cohort, status__in=SEAT_STATUSES).count()
            assert taken <= capacity

        @invariant()
        def no_place_stays_free_while_someone_waits(self):
            capacity = Cohort.objects.get(pk=self.cohort.pk).capacity
            taken = Enrollment.objects.filter(cohort=self.cohort, status__in=SEAT_STATUSES).count()
            if taken < capacity:
                assert not self._waiting_ids()

        @invariant()
        def waitlist_in_arrival_order(self):
            waiting = list(Enrollment.objects.filter(cohort=self.cohort, status=S.WAITLISTED)
                           .order_by("waitlist_joined_at", "id").values_list("id", flat=True))
            assert waiting == [pk for pk in self.arrivals if pk in set(waiting)]

        @invariant()
        def offers_go_in_arrival_order(self):
            offered = set(Enrollment.objects.filter(cohort=self.cohort, status=S.OFFERED).values_list("id", flat=True))
            waiting = self._waiting_ids()
            # Everybody offered a place arrived before everybody still waiting.
            positions = {pk: i for i, pk in enumerate(self.arrivals)}
            if offered and waiting:
                assert max(positions[pk] for pk in offered if pk in positions) < min(positions[pk] for pk in waiting)

        @invariant()
        def every_change_is_in_the_history(self):
            events = {}
            for event in EnrollmentEvent.objects.filter(enrollment__cohort=self.cohort).order_by("at", "id"):
                events.setdefault(event.enrollment_id, []).append(event)
            for enrollment in Enrollment.objects.filter(cohort=self.cohort):
                chain = events.get(enrollment.pk, [])
                assert chain and chain[0].from_status == ""
                for previous, following in zip(chain, chain[1:], strict=False):
                    assert following.from_status == previous.to_status
                assert chain[-1].to_status == enrollment.status

    return EnrollmentMachine


@pytest.mark.django_db
def test_random_enrollment_steps_keep_every_invariant(site_tree):
    course = factories.CoursePageFactory()
    users = [factories.UserFactory() for _ in range(USERS)]
    coordinator = factories.UserFactory(groups=["Coordinators"])
    machine = build_machine(course, users, coordinator)
    run_state_machine_as_test(machine, settings=settings(
        max_examples=30, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
