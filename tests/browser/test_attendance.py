"""On a phone, a trainer opens today's session, marks all present, marks one absent and saves; progress moves."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from enrollment.attendance.models import Attendance
from enrollment.attendance.selectors import progress_for_enrollment
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trainer_marks_todays_session_on_a_phone_and_the_participants_progress_changes(phone_page,
                                                                                        assert_accessible):
    factories.home_page()
    trainer = factories.UserFactory(full_name="Tiit Tamm", groups=["Trainers"])
    course = factories.CoursePageFactory(title="Eakate vaimne tervis", academic_hours=Decimal("16"))
    cohort = factories.CohortFactory(course=course, trainers=[trainer], status="running", code="evt-2026-voru")
    starts = timezone.now() - dt.timedelta(hours=1)
    session = factories.SessionFactory(cohort=cohort, starts_at=starts, ends_at=starts + dt.timedelta(hours=6))
    names = ["Anne Aas", "Berit Birk", "Carl Kuusk"]
    enrollments = {name: factories.EnrollmentFactory(cohort=cohort, user=factories.UserFactory(full_name=name))
                   for name in names}
    berit = enrollments["Berit Birk"]
    assert progress_for_enrollment(enrollment=berit).attended_hours == Decimal("0")

    page = phone_page
    login(page, trainer.email)
    page.goto("/trainer/")
    assert_accessible(page)
    page.locator(f"a[href='/trainer/sessions/{session.pk}/']").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("li.att-row").count() == 3

    page.locator("form.att-all-present button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("input[value=present]:checked").count() == 3
    assert_accessible(page)

    absent = page.locator("li.att-row", has_text="Anne Aas").locator("label.att-choice-absent")
    box = absent.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a comfortable touch target
    absent.tap()
    page.locator("#roster-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".message-success").count() >= 1

    marks = dict(Attendance.objects.filter(session=session).values_list("enrollment__user__full_name", "status"))
    assert marks == {"Anne Aas": "absent", "Berit Birk": "present", "Carl Kuusk": "present"}
    assert progress_for_enrollment(enrollment=berit).attended_hours == Decimal("8")

    # The participant sees it on her hours page.
    page.context.clear_cookies()
    login(page, berit.user.email)
    page.goto("/my-hours/")
    assert "8 / 16 t osaletud" in page.locator("main").inner_text()  # "8 of 16 h attended" in Estonian
    assert_accessible(page)
