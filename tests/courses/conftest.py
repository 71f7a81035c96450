"""Helpers for the catalogue tests: fast course pages and cohorts with seats taken."""

import datetime as dt

import pytest
from django.utils import timezone

from courses.pages import CoursePage
from tests import factories


def quick_course(index, n: int, m2m=None, **fields) -> CoursePage:
    """A live course page without revisions (fast enough to create hundreds in a query-count test)."""
    defaults = {"title": f"Kursus {n:04d}", "slug": f"quick-course-{n}", "summary": "Kokkuvõte.",
                "academic_hours": 16}
    defaults.update(fields)
    page = index.add_child(instance=CoursePage(**defaults))
    if m2m:
        for name, values in m2m.items():
            getattr(page, name).set(values)  # parental many-to-many: stored on save
        page.save()
    return page


def cohort_with_session(course, *, days: int = 30, capacity: int = 10, status: str = "open", seats: int = 0,
                        venue=None):
    cohort = factories.CohortFactory(course=course, capacity=capacity, status=status)
    start = timezone.now() + dt.timedelta(days=days)
    factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=6), venue=venue)
    for _ in range(seats):
        factories.EnrollmentFactory(cohort=cohort, status="confirmed")
    return cohort


@pytest.fixture
def catalogue(site_tree):
    return site_tree["catalogue"]
