"""Numbers and one-certificate-per-enrollment under real concurrency (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from certificates import services
from certificates.exceptions import AlreadyIssued
from certificates.models import Certificate
from enrollment.models import EnrollmentStatus
from tests import factories
from tests.certificates.conftest import ensure_base_data, finished_cohort

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_in_threads(target, count):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_simultaneous_allocations_never_share_a_number():
    results, errors = _run_in_threads(lambda: services.certificate_number_allocate(year=2031), 8)

    assert errors == []
    assert sorted(results) == [f"OSK-2031-{n:06d}" for n in range(1, 9)]


def test_two_simultaneous_issues_for_one_enrollment_give_one_certificate():
    ensure_base_data()
    enrollment = factories.EnrollmentFactory(cohort=finished_cohort(), status=EnrollmentStatus.COMPLETED)

    results, errors = _run_in_threads(lambda: services.certificate_issue(enrollment=enrollment), 4)

    assert len(results) == 1
    assert len(errors) == 3 and all(isinstance(e, AlreadyIssued) for e in errors)
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
