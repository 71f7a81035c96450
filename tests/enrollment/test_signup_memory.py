"""The sign-up row a process remembers per cohort (enrollment/signup.py): a POST that starts from it decides exactly
as one that read the row afresh, whatever changed in between (questions, rules, policy, the one-cohort rule, the
cohort itself), because the row's digest is checked under the cohort's lock."""

import pytest
from django.urls import reverse

from courses.pages import CoursePage
from enrollment import selectors
from enrollment.models import Cohort, Enrollment, EnrollmentStatus
from tests import factories
from tests.enrollment.test_views import logged_in

S = EnrollmentStatus
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]  # the digest is computed by PostgreSQL


@pytest.fixture
def cohort(site_tree):
    course = factories.CoursePageFactory(title="Turvavõrgustiku koolitus")
    cohort = factories.CohortFactory(course=course, capacity=5)
    factories.SessionFactory(cohort=cohort)
    return cohort


def _post(cohort, user=None, **data):
    user = user or factories.UserFactory(profile__municipality="Tartu linn")
    return user, logged_in(user).post(reverse("enroll", args=[cohort.pk]), {"agree": "on", **data})


def _remembered(cohort) -> None:
    """A first enrollment leaves the row in this process's memory, as on a busy worker."""
    _post(cohort)
    assert selectors.cohort_get(pk=cohort.pk, remembered=True).signup_remembered


def test_a_remembered_row_decides_the_same(cohort):
    _remembered(cohort)
    user, response = _post(cohort)
    assert response.status_code == 302
    assert Enrollment.objects.get(user=user).status == S.CONFIRMED


def test_a_question_added_since_is_asked_and_nothing_is_saved(cohort):
    _remembered(cohort)
    CoursePage.objects.filter(pk=cohort.course_id).update(ask_supervisor=True)  # as another process would

    user, response = _post(cohort)

    assert response.status_code == 400
    assert 'name="supervisor_email"' in response.content.decode()
    assert not Enrollment.objects.filter(user=user).exists()
    user, response = _post(cohort, supervisor_name="Kalle Kask", supervisor_email="kalle@example.ee")
    assert response.status_code == 302
    assert Enrollment.objects.get(user=user).answers["supervisor_email"] == "kalle@example.ee"


def test_a_county_rule_added_since_refuses_with_its_reason(cohort):
    _remembered(cohort)
    cohort.eligible_counties.set([factories.county("Võru maakond")])

    user, response = _post(cohort)

    assert response.status_code == 400
    assert "Võru maakonna" in response.content.decode()
    assert not Enrollment.objects.filter(user=user).exists()


def test_a_profession_rule_added_since_refuses(cohort):
    _remembered(cohort)
    Cohort.objects.filter(pk=cohort.pk).update(eligible_professions=["police"])

    user, response = _post(cohort, user=factories.UserFactory(profile__profession="teacher"))

    assert response.status_code == 400
    assert not Enrollment.objects.filter(user=user).exists()


def test_the_one_cohort_rule_turned_on_since_is_kept(cohort):
    CoursePage.objects.filter(pk=cohort.course_id).update(one_cohort_at_a_time=False)
    _remembered(cohort)
    other = factories.CohortFactory(course=cohort.course, capacity=5)
    factories.SessionFactory(cohort=other)
    person = factories.UserFactory(profile__municipality="Tartu linn")
    assert _post(other, user=person)[1].status_code == 302
    CoursePage.objects.filter(pk=cohort.course_id).update(one_cohort_at_a_time=True)

    _user, response = _post(cohort, user=person)

    assert response.status_code == 400
    assert list(Enrollment.objects.filter(user=person).values_list("cohort_id", flat=True)) == [other.pk]


def test_a_cohort_deleted_since_is_not_found(cohort):
    _remembered(cohort)
    Enrollment.objects.filter(cohort=cohort).delete()
    Cohort.objects.filter(pk=cohort.pk).delete()

    _user, response = _post(cohort)

    assert response.status_code == 404


def test_the_service_refuses_a_remembered_row_that_changed_and_saves_nothing(cohort):
    from enrollment import services
    from enrollment.signup import SignupChanged

    _remembered(cohort)
    remembered = selectors.cohort_get(pk=cohort.pk, remembered=True)
    CoursePage.objects.filter(pk=cohort.course_id).update(ask_dietary_needs=True)
    person = factories.UserFactory()

    with pytest.raises(SignupChanged):
        services.enrollment_create(user=person, cohort=remembered)

    assert not Enrollment.objects.filter(user=person).exists()
    fresh = selectors.cohort_get(pk=cohort.pk)
    assert not fresh.signup_remembered and fresh.course.ask_dietary_needs
    assert services.enrollment_create(user=person, cohort=fresh).status == S.CONFIRMED
