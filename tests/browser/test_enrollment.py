"""A specialist enrolls from the course page, sees it in My trainings and cancels; the first wait-listed person
gets the offer e-mail, clicks its link while logged out, logs in and accepts the place."""

import re

import pytest
from django.core import mail

from enrollment import services
from enrollment.models import Enrollment, EnrollmentStatus
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ensure_wagtail_root():
    """Transactional tests elsewhere flush the database, taking Wagtail's root page and locale with them."""
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code="et")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))


def test_enroll_cancel_and_the_next_person_accepts_the_offer_from_the_email(browser_page, assert_accessible):
    ensure_wagtail_root()
    factories.home_page()
    course = factories.CoursePageFactory(title="Motiveeriv intervjuu", ask_dietary_needs=True)
    cohort = factories.CohortFactory(course=course, capacity=1, code="mi-2026-voru", title="Võru")
    factories.SessionFactory(cohort=cohort, venue=factories.VenueFactory(name="Võru Kultuurimaja"))
    mari = factories.UserFactory(full_name="Mari Mägi", profile__municipality="Võru vald")
    jyri = factories.UserFactory(full_name="Jüri Õunapuu", profile__municipality="Põlva vald")
    page = browser_page

    login(page, mari.email)
    page.goto(course.get_url())
    page.locator('[data-cohort="mi-2026-voru"] a.button').click()
    page.wait_for_url(re.compile(rf"/enroll/{cohort.pk}/$"))
    assert_accessible(page)
    page.fill("input[name=dietary_needs]", "taimetoit")
    page.check("input[name=agree]")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/my-trainings/$"))
    assert page.locator(".enrollment-confirmed h3").inner_text() == "Motiveeriv intervjuu"
    assert_accessible(page)
    assert Enrollment.objects.get(user=mari).status == EnrollmentStatus.CONFIRMED

    services.enrollment_create(user=jyri, cohort=cohort, answers={})  # the cohort is full: Jüri waits
    mail.outbox.clear()

    page.locator(".enrollment-confirmed a[href*=cancel]").click()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/my-trainings/$"))
    assert page.locator(".enrollment-confirmed").count() == 0
    assert Enrollment.objects.get(user=mari).status == EnrollmentStatus.CANCELLED

    offer = next(m for m in mail.outbox if m.to == [jyri.email])
    accept_path = re.search(r"https?://[^/\s]+(/(?:en/)?offer/[^/\s]+/)", offer.body).group(1)
    page.context.clear_cookies()
    page.goto(accept_path)
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("input[name=login]", jyri.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/offer/"))
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/my-trainings/$"))
    assert page.locator(".enrollment-confirmed h3").inner_text() == "Motiveeriv intervjuu"
    assert Enrollment.objects.get(user=jyri, cohort=cohort).status == EnrollmentStatus.CONFIRMED
