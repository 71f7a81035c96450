"""Fixtures for certificates: a fresh cache (rate-limit counters), media in a temp dir, and completion helpers."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from enrollment.models import EnrollmentStatus
from enrollment.signals import cohort_finished, enrollment_completed
from tests import factories
from tests.base_data import ensure_base_data  # noqa: F401  (re-exported for older imports)


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SITE_URL = "https://oskus.example.ee"
    settings.CERTIFICATES_VERIFY_RATE_LIMIT = (20, 60)
    cache.clear()
    yield
    cache.clear()


def finished_cohort(*, course=None, trainers=(), days_ago: int = 10, **kwargs):
    """A cohort with one past session of six hours, its trainers set."""
    cohort = factories.CohortFactory(course=course or factories.CoursePageFactory(), trainers=list(trainers),
                                     **kwargs)
    start = timezone.now() - dt.timedelta(days=days_ago)
    factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=6))
    return cohort


def complete(enrollment):
    """What the attendance engineer's closing does for one person: COMPLETED, then the signal."""
    enrollment.status = EnrollmentStatus.COMPLETED
    enrollment.save(update_fields=["status"])
    enrollment_completed.send(sender=type(enrollment), enrollment=enrollment)
    return enrollment


def graduate(*, user, cohort):
    return complete(factories.EnrollmentFactory(user=user, cohort=cohort))


def finish(cohort):
    cohort.status = "finished"
    cohort.save(update_fields=["status"])
    cohort_finished.send(sender=type(cohort), cohort=cohort)
