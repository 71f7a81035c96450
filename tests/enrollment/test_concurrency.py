"""Many people enroll at the same moment into a cohort with few places (PostgreSQL, real threads).

After pretix's concurrency tests: each thread has its own database connection; a barrier releases them
together. With the cohort lock exactly `capacity` end confirmed and the rest wait-listed, every round. The
control test replaces the lock with a plain read and holds every thread after its count, before its write:
the cohort is overbooked, which shows the race the lock prevents is real.
"""

import threading

import pytest
from django.db import connections

from enrollment import services
from enrollment.exceptions import AlreadyEnrolledInCourse
from enrollment.models import Cohort, Enrollment, EnrollmentEvent, EnrollmentStatus
from enrollment.services import state
from tests import factories

S = EnrollmentStatus
THREADS = 12
CAPACITY = 3
ROUNDS = 3

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def ensure_wagtail_root():
    """Transactional tests elsewhere flush the database, taking Wagtail's root page and locale with them."""
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code="et")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))


@pytest.fixture
def site_tree(transactional_db):
    ensure_wagtail_root()
    return {"home": factories.home_page(), "catalogue": factories.catalogue_page()}


def enroll_all_at_once(cohort, users, *, before=None):
    barrier = threading.Barrier(len(users))
    errors, results = [], []

    def worker(user):
        try:
            barrier.wait(timeout=30)
            results.append(services.enrollment_create(user=user, cohort=cohort, answers={}))
        except Exception as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_simultaneous_enrollments_confirm_exactly_capacity_and_waitlist_the_rest(site_tree):
    course = factories.CoursePageFactory(one_cohort_at_a_time=False)  # the same people in every round
    users = [factories.UserFactory() for _ in range(THREADS)]
    for round_number in range(ROUNDS):
        cohort = factories.CohortFactory(course=course, capacity=CAPACITY, code=f"burst-{round_number}")
        factories.SessionFactory(cohort=cohort)
        results, errors = enroll_all_at_once(cohort, users)
        assert errors == []
        statuses = list(Enrollment.objects.filter(cohort=cohort).values_list("status", flat=True))
        assert statuses.count(S.CONFIRMED) == CAPACITY
        assert statuses.count(S.WAITLISTED) == THREADS - CAPACITY
        assert EnrollmentEvent.objects.filter(enrollment__cohort=cohort).count() == THREADS


def test_control_without_the_lock_the_cohort_is_overbooked(site_tree, monkeypatch):
    cohort = factories.CohortFactory(capacity=CAPACITY)
    factories.SessionFactory(cohort=cohort)
    users = [factories.UserFactory() for _ in range(THREADS)]
    hold = threading.Barrier(THREADS)
    counted = threading.local()

    def count_unlocked_then_wait(cohort_id, *, user, person_first):
        unlocked = Cohort.objects.get(pk=cohort_id)
        result = state.EnrollmentLocks(cohort=unlocked, counts=state.place_counts(unlocked, user=user),
                                       elsewhere=False, new_id=None)
        if not getattr(counted, "done", False):  # only the first count of each request: before its write
            counted.done = True
            hold.wait(timeout=30)
        return result

    monkeypatch.setattr(state, "cohort_lock", lambda cohort_id: Cohort.objects.get(pk=cohort_id))
    monkeypatch.setattr(state, "enrollment_locks", count_unlocked_then_wait)
    results, errors = enroll_all_at_once(cohort, users)
    assert errors == []
    confirmed = Enrollment.objects.filter(cohort=cohort, status=S.CONFIRMED).count()
    assert confirmed > CAPACITY  # the race is real: only the lock prevents it


def test_one_person_clicking_two_cohorts_of_a_course_at_once_gets_exactly_one(site_tree):
    """The per-course rule holds under concurrency: the person's row is locked before the cohort's."""
    course = factories.CoursePageFactory()
    user = factories.UserFactory()
    cohorts = [factories.CohortFactory(course=course, capacity=5) for _ in range(4)]
    for cohort in cohorts:
        factories.SessionFactory(cohort=cohort)
    barrier = threading.Barrier(len(cohorts))
    outcomes = []

    def worker(cohort):
        try:
            barrier.wait(timeout=30)
            services.enrollment_create(user=user, cohort=cohort, answers={})
            outcomes.append("enrolled")
        except AlreadyEnrolledInCourse:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(cohort,)) for cohort in cohorts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["enrolled", "refused", "refused", "refused"]
    assert Enrollment.objects.filter(user=user).count() == 1
