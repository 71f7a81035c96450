"""Fixtures for attendance tests: a 16-academic-hour course taught in two 6-hour sessions (8 h each)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories


@pytest.fixture
def course(site_tree):
    return factories.CoursePageFactory(academic_hours=Decimal("16"))


@pytest.fixture
def cohort(course, trainer):
    return factories.CohortFactory(course=course, trainers=[trainer], status="running")


def make_session(cohort, *, days_ago: float = 0, hours: float = 6, **kwargs):
    """A session that started `days_ago` days ago (0: started an hour ago, still running)."""
    starts = timezone.now() - dt.timedelta(days=days_ago, hours=1)
    return factories.SessionFactory(cohort=cohort, starts_at=starts, ends_at=starts + dt.timedelta(hours=hours),
                                    **kwargs)


@pytest.fixture
def session(cohort):
    return make_session(cohort)


@pytest.fixture
def participants(cohort):
    return [factories.EnrollmentFactory(cohort=cohort, user=factories.UserFactory(full_name=name))
            for name in ("Anne Aas", "Berit Birk", "Carl Kuusk")]
