"""The qualification rule for trainers, through the cohort form in the Wagtail admin and through
`enrollment.services.trainers_assign`: only trainers being added are judged, on the cohort's own dates, and
qualified people can be chosen whether or not they are in the Trainers group yet."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enrollment.exceptions import TrainersRefused
from enrollment.models import Cohort, CohortStatus
from enrollment.services import trainers_assign
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


# --- issue 14: the rule judges trainers being ADDED, on the cohort's own dates; qualified people can be chosen


def _past_cohort(course, trainers=()):
    """A finished 2024 cohort with two sessions (qualifications are judged on these dates)."""
    cohort = factories.CohortFactory(course=course, status=CohortStatus.FINISHED, trainers=list(trainers),
                                     registration_opens=None, registration_closes=None)
    starts = timezone.make_aware(dt.datetime(2024, 4, 9, 10, 0))
    for day in (0, 1):
        factories.SessionFactory(cohort=cohort, starts_at=starts + dt.timedelta(days=day),
                                 ends_at=starts + dt.timedelta(days=day, hours=6))
    return cohort


def _edit_form(cohort, **overrides):
    """The edit form as the browser posts it back: the stored values and sessions, `overrides` on top."""
    sessions = list(cohort.sessions.order_by("starts_at"))
    data = _cohort_form(cohort, status=cohort.status, capacity=str(cohort.capacity),
                        trainers=[t.pk for t in cohort.trainers.all()])
    data.update({"sessions-TOTAL_FORMS": str(len(sessions)), "sessions-INITIAL_FORMS": str(len(sessions))})
    for index, session in enumerate(sessions):
        data.update({
            f"sessions-{index}-id": str(session.pk), f"sessions-{index}-title": session.title,
            f"sessions-{index}-starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M"),
            f"sessions-{index}-ends_at": timezone.localtime(session.ends_at).strftime("%Y-%m-%d %H:%M"),
            f"sessions-{index}-venue": "", f"sessions-{index}-online_url": "",
            f"sessions-{index}-academic_hours_override": "", f"sessions-{index}-status": session.status,
            f"sessions-{index}-ORDER": str(index), f"sessions-{index}-DELETE": "",
        })
    data.update(overrides)
    return data


def _expired_since_2025(user, course):
    return factories.TrainerQualificationFactory(user=user, course=course, granted_at=dt.date(2023, 1, 1),
                                                 valid_until=dt.date(2025, 1, 31))


def test_saving_a_finished_cohort_unchanged_succeeds_although_its_trainers_qualification_expired_since(
        admin_client):
    course = factories.CoursePageFactory(requires_qualified_trainers=True)
    trainer = factories.UserFactory(full_name="Eeva Endine", groups=["Trainers"])
    _expired_since_2025(trainer, course)
    cohort = _past_cohort(course, trainers=[trainer])
    response = admin_client.post(reverse("enrollment_cohorts:edit", args=[cohort.pk]),
                                 _edit_form(cohort, title="Tartu, kevad 2024"))
    assert response.status_code == 302, response.content.decode()[:2000]
    cohort.refresh_from_db()
    assert cohort.title == "Tartu, kevad 2024"
    assert list(cohort.trainers.all()) == [trainer]


def test_a_trainer_added_to_a_past_cohort_is_judged_on_its_dates_not_today(admin_client):
    course = factories.CoursePageFactory(requires_qualified_trainers=True)
    then_qualified = factories.UserFactory(groups=["Trainers"])
    _expired_since_2025(then_qualified, course)  # valid in April 2024, expired today
    cohort = _past_cohort(course)
    response = admin_client.post(reverse("enrollment_cohorts:edit", args=[cohort.pk]),
                                 _edit_form(cohort, trainers=[then_qualified.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(cohort.trainers.all()) == [then_qualified]


def test_a_trainer_whose_qualification_ends_before_the_cohort_does_is_refused(admin_client):
    course = factories.CoursePageFactory(requires_qualified_trainers=True)
    trainer = factories.UserFactory(full_name="Lühike Kehtivus", groups=["Trainers"])
    today = timezone.localdate()
    factories.TrainerQualificationFactory(user=trainer, course=course, granted_at=today - dt.timedelta(days=300),
                                          valid_until=today + dt.timedelta(days=100))  # valid today
    late = (today + dt.timedelta(days=200)).strftime("%Y-%m-%d")
    response = admin_client.post(reverse("enrollment_cohorts:add"), _cohort_form(
        course=course, trainers=[trainer.pk], sessions=[(f"{late} 10:00", f"{late} 16:00")]))
    assert response.status_code == 200
    assert "Lühike Kehtivus" in response.content.decode()
    assert not Cohort.objects.filter(code="new-cohort").exists()


def test_a_qualified_person_outside_the_trainers_group_can_be_chosen_and_becomes_a_trainer(admin_client):
    course = factories.CoursePageFactory(requires_qualified_trainers=True)
    person = factories.UserFactory(full_name="Kaja Kuusk")  # qualified, but not (yet) in the Trainers group
    factories.TrainerQualificationFactory(user=person, course=course)
    form = admin_client.get(reverse("enrollment_cohorts:add"))
    assert person in form.context["form"].fields["trainers"].queryset
    response = admin_client.post(reverse("enrollment_cohorts:add"), _cohort_form(course=course, trainers=[person.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Cohort.objects.get(code="new-cohort").trainers.all()) == [person]
    assert person.groups.filter(name="Trainers").exists()


def test_people_without_a_valid_qualification_or_the_trainer_role_are_not_offered(admin_client):
    expired, nobody = factories.UserFactory(), factories.UserFactory()
    _expired_since_2025(expired, factories.CoursePageFactory())
    queryset = admin_client.get(reverse("enrollment_cohorts:add")).context["form"].fields["trainers"].queryset
    assert expired not in queryset and nobody not in queryset


def test_a_refusal_by_the_service_at_save_time_is_a_form_error_and_nothing_is_saved(admin_client, monkeypatch):
    """The form's friendly check can be overtaken (e.g. the qualification was suspended meanwhile): the
    service refuses, the coordinator sees the reason on the form, no stack trace, nothing saved."""
    from enrollment.admin import forms as admin_forms

    monkeypatch.setattr(admin_forms, "trainers_check", lambda **kwargs: None)
    course = factories.CoursePageFactory(requires_qualified_trainers=True)
    trainer = factories.UserFactory(full_name="Kalle Kvalifitseerimata", groups=["Trainers"])
    cohort = factories.CohortFactory(course=course, capacity=5)
    response = admin_client.post(reverse("enrollment_cohorts:edit", args=[cohort.pk]),
                                 _cohort_form(cohort, capacity="9", trainers=[trainer.pk]))
    assert response.status_code == 200
    assert "Kalle Kvalifitseerimata" in response.content.decode()
    cohort.refresh_from_db()
    assert (cohort.capacity, list(cohort.trainers.all())) == (5, [])
    response = admin_client.post(reverse("enrollment_cohorts:add"), _cohort_form(course=course, trainers=[trainer.pk]))
    assert response.status_code == 200
    assert not Cohort.objects.filter(code="new-cohort").exists()


def test_the_service_refuses_an_unqualified_trainer_from_anywhere(coordinator):
    """The shell, the demo loaders and any other caller obey the rule through `trainers_assign`."""
    course = factories.CoursePageFactory(requires_qualified_trainers=True)
    cohort = factories.CohortFactory(course=course)
    factories.SessionFactory(cohort=cohort)
    unqualified, qualified = factories.UserFactory(), factories.UserFactory()
    factories.TrainerQualificationFactory(user=qualified, course=course)
    with pytest.raises(TrainersRefused):
        trainers_assign(cohort=cohort, trainers=[qualified, unqualified], actor=coordinator)
    assert not cohort.trainers.exists()
    assert not qualified.groups.filter(name="Trainers").exists()
    assert trainers_assign(cohort=cohort, trainers=[qualified], actor=coordinator) == [qualified]
    assert qualified.groups.filter(name="Trainers").exists()
