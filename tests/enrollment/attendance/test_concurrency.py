"""Two trainers saving the same roster at the same moment (PostgreSQL: real row locks, real threads)."""

import threading

import pytest
from django.db import connection

from enrollment.attendance.models import Attendance, AttendanceEvent
from enrollment.attendance.services import Mark, attendance_mark
from tests import factories
from tests.enrollment.attendance.conftest import make_session

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_saves_of_the_same_row_from_the_same_form_version_keep_exactly_one(site_tree):
    first, second = factories.UserFactory(groups=["Trainers"]), factories.UserFactory(groups=["Trainers"])
    cohort = factories.CohortFactory(trainers=[first, second], status="running")
    session = make_session(cohort)
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def save(trainer, status):
        try:
            barrier.wait()
            results[status] = attendance_mark(session=session, actor=trainer, expected_versions={enrollment.pk: 0},
                                              marks=[Mark(enrollment_id=enrollment.pk, status=status)])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(first, "present")),
               threading.Thread(target=save, args=(second, "absent"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    saved = [status for status, result in results.items() if result.saved]
    conflicted = [status for status, result in results.items() if result.conflicts]
    assert len(saved) == 1 and len(conflicted) == 1
    row = Attendance.objects.get()
    assert (row.status, row.version) == (saved[0], 1)
    assert AttendanceEvent.objects.count() == 1
