"""The "My trainings" page: grouping, constant queries, and the markup of its session lists and hours bars."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enrollment import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(site_tree):
    course = factories.CoursePageFactory(ask_dietary_needs=True, ask_supervisor=True, title="Lapse heaolu hindamine")
    cohort = factories.CohortFactory(course=course, capacity=1, code="lhh-2026-tartu", title="Tartu")
    factories.SessionFactory(cohort=cohort, venue=factories.VenueFactory())
    return cohort


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def valid_answers(**extra):
    return {"dietary_needs": "taimetoit", "supervisor_name": "Kalle Kask", "supervisor_email": "kalle@example.ee",
            "agree": "on", **extra}


def test_my_trainings_groups_enrollments_with_constant_queries(cohort, specialist, django_assert_max_num_queries):
    client = logged_in(specialist)
    client.post(reverse("enroll", args=[cohort.pk]), valid_answers())
    with django_assert_max_num_queries(12):
        first = client.get(reverse("my_trainings"))
    assert "Lapse heaolu hindamine" in first.content.decode()
    for _ in range(4):
        other = factories.CohortFactory(capacity=0)
        factories.SessionFactory(cohort=other)
        factories.SessionFactory(cohort=other, starts_at=timezone.now() + dt.timedelta(days=30))
        services.enrollment_create(user=specialist, cohort=other, answers={})
    with django_assert_max_num_queries(12):
        response = client.get(reverse("my_trainings"))
    html = response.content.decode()
    assert html.count("enrollment-waitlisted") == 4
    assert html.count("enrollment-confirmed") == 1


