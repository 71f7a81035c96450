"""The cohort form in the Wagtail admin refuses trainers without a valid qualification for the course."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enrollment.models import Cohort
from tests import factories
from tests.enrollment.test_admin import _cohort_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, coordinator):
    from wagtail.users.models import UserProfile

    UserProfile.objects.update_or_create(user=coordinator, defaults={"preferred_language": "en"})
    client.force_login(coordinator)
    return client


def test_an_unqualified_trainer_is_refused_in_the_cohort_form_and_nothing_is_saved(admin_client):
    course = factories.CoursePageFactory(requires_qualified_trainers=True)
    trainer = factories.UserFactory(full_name="Kalle Kvalifitseerimata", groups=["Trainers"])
    response = admin_client.post(reverse("enrollment_cohorts:add"), _cohort_form(course=course, trainers=[trainer.pk]))
    assert response.status_code == 200
    assert "Kalle Kvalifitseerimata" in response.content.decode()
    assert not Cohort.objects.filter(code="new-cohort").exists()


def test_an_expired_qualification_is_refused_in_the_cohort_form(admin_client):
    course = factories.CoursePageFactory(requires_qualified_trainers=True)
    trainer = factories.UserFactory(groups=["Trainers"])
    today = timezone.localdate()
    factories.TrainerQualificationFactory(user=trainer, course=course, granted_at=today - dt.timedelta(days=800),
                                          valid_until=today - dt.timedelta(days=1))
    response = admin_client.post(reverse("enrollment_cohorts:add"), _cohort_form(course=course, trainers=[trainer.pk]))
    assert response.status_code == 200
    assert not Cohort.objects.filter(code="new-cohort").exists()


def test_a_qualified_trainer_is_accepted_in_the_cohort_form(admin_client):
    course = factories.CoursePageFactory(requires_qualified_trainers=True)
    trainer = factories.UserFactory(groups=["Trainers"])
    factories.TrainerQualificationFactory(user=trainer, course=course)
    response = admin_client.post(reverse("enrollment_cohorts:add"), _cohort_form(course=course, trainers=[trainer.pk]))
    assert response.status_code == 302
    assert list(Cohort.objects.get(code="new-cohort").trainers.all()) == [trainer]
