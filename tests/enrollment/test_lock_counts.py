"""The counts every enrollment reads inside its cohort's lock: they decide as full counts would, and their cost
stays bounded by the cohort's capacity however long the waitlist grows."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone

import leansql
from enrollment import services
from enrollment.models import Enrollment, EnrollmentStatus
from enrollment.services import state
from tests import factories
from tests.plans import plan_nodes

S = EnrollmentStatus
pytestmark = pytest.mark.django_db


def _cohort_with(*, capacity: int, confirmed: int, waitlisted: int):
    cohort = factories.CohortFactory(capacity=capacity)
    factories.SessionFactory(cohort=cohort)
    statuses = [S.CONFIRMED] * confirmed + [S.WAITLISTED] * waitlisted
    joined = timezone.now() - dt.timedelta(days=1)
    Enrollment.objects.bulk_create([
        Enrollment(user=factories.UserFactory(), cohort=cohort, status=status,
                   waitlist_joined_at=joined + dt.timedelta(seconds=n) if status == S.WAITLISTED else None)
        for n, status in enumerate(statuses)])
    return cohort


@pytest.mark.postgres  # the rows PostgreSQL reads for the statement
def test_the_counts_in_the_lock_read_no_more_rows_than_the_capacity_however_long_the_waitlist(site_tree):
    cohort = _cohort_with(capacity=4, confirmed=4, waitlisted=60)
    newcomer = factories.UserFactory()
    sql, count = leansql._numbered(state._COHORT_COUNTED_PERSON_FIRST.sql)
    params = state._cohort_counted_params(cohort.pk, newcomer.pk, person_first=True)
    assert count == len(params)
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE counted_rows_test AS {sql}")
        try:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE counted_rows_test({', '.join(['%s'] * count)})",
                           params)
            plan = cursor.fetchone()[0]
        finally:
            cursor.execute("DEALLOCATE counted_rows_test")
    read = sum(node["Actual Rows"] * node["Actual Loops"] for node in plan_nodes(plan[0]["Plan"])
               if node.get("Relation Name") == Enrollment._meta.db_table)
    assert 0 < read <= 2 * cohort.capacity, read


@pytest.mark.parametrize(("capacity", "confirmed", "waitlisted", "expected"), [
    (4, 2, 0, S.CONFIRMED),   # places free, nobody waits
    (4, 4, 30, S.WAITLISTED),  # full, a long waitlist
    (4, 1, 30, S.WAITLISTED),  # places were freed while people wait: they go first
    (4, 3, 1, S.WAITLISTED),   # the last free place belongs to the one who waits
])
def test_the_counts_in_the_lock_decide_as_full_counts_would(site_tree, capacity, confirmed, waitlisted, expected):
    cohort = _cohort_with(capacity=capacity, confirmed=confirmed, waitlisted=waitlisted)
    newcomer = factories.UserFactory()
    with transaction.atomic():
        counts = state.enrollment_locks(cohort.pk, user=newcomer, person_first=True).counts
    full = state.place_counts(cohort, user=newcomer)
    assert (counts.free > 0, counts.unheld, counts.mine) == (full.free > 0, full.unheld, full.mine)
    enrollment = services.enrollment_create(user=newcomer, cohort=cohort, answers={})
    assert enrollment.status == expected
    held = Enrollment.objects.filter(cohort=cohort, status__in=[S.CONFIRMED, S.OFFERED]).count()
    assert held <= capacity
