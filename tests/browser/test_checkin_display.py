"""The trainer's check-in screen refreshes itself (from its static script) when a participant checks in."""

import datetime as dt

import pytest
from django.utils import timezone

from enrollment.attendance.services import checkin_code_current, checkin_submit
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_check_in_screen_shows_a_participant_who_checks_in(browser_page, assert_accessible):
    factories.home_page()
    trainer = factories.UserFactory(full_name="Tiit Tamm", groups=["Trainers"])
    cohort = factories.CohortFactory(trainers=[trainer], status="running")
    starts = timezone.now() - dt.timedelta(hours=1)
    session = factories.SessionFactory(cohort=cohort, starts_at=starts, ends_at=starts + dt.timedelta(hours=6))
    anne = factories.EnrollmentFactory(cohort=cohort, user=factories.UserFactory(full_name="Anne Aas"))
    errors = []
    page = browser_page
    page.on("pageerror", lambda error: errors.append(str(error)))

    login(page, trainer.email)
    page.goto(f"/trainer/sessions/{session.pk}/check-in/")
    assert page.locator("#checkin-count").inner_text() == "0"
    assert_accessible(page)

    checkin_submit(user=anne.user, code=checkin_code_current(session=session, actor=trainer).code)

    page.locator("#checkin-list li", has_text="Anne Aas").wait_for(timeout=12000)  # refreshed every 5 seconds
    assert page.locator("#checkin-count").inner_text() == "1"
    assert errors == []
