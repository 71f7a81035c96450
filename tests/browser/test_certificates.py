"""A participant of a finished cohort downloads the certificate and opens its verification link."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from enrollment.attendance.services import cohort_close
from tests import factories
from tests.certificates.conftest import ensure_base_data
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def graduate(transactional_db, settings, tmp_path, live_server):
    ensure_base_data()
    factories.home_page()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SITE_URL = live_server.url
    course = factories.CoursePageFactory(title="Lähisuhtevägivalla juhtumikorraldus", academic_hours=Decimal("8"))
    cohort = factories.CohortFactory(course=course, trainers=[factories.UserFactory(full_name="Tiit Tamm")])
    start = timezone.now() - dt.timedelta(days=3)
    session = factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=6))
    user = factories.UserFactory(full_name="Õie Šumann-Žukova")
    enrollment = factories.EnrollmentFactory(cohort=cohort, user=user)
    factories.AttendanceFactory(enrollment=enrollment, session=session, status="present")
    cohort_close(cohort=cohort, actor=None)
    return user


def test_participant_downloads_the_certificate_and_opens_the_verify_link(graduate, browser_page, assert_accessible):
    page = browser_page
    login(page, graduate.email)

    page.goto("/my-certificates/")
    card = page.locator("article.certificate")
    assert card.count() == 1
    assert "Lähisuhtevägivalla juhtumikorraldus" in card.inner_text()
    assert_accessible(page)

    with page.expect_download() as download_info:
        card.locator("a[href$='.pdf']").click()
    download = download_info.value
    assert download.suggested_filename.startswith("OSK-") and download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    card.locator("a[href*='/verify/']").click()
    page.wait_for_load_state("networkidle")
    status = page.locator("[data-status]")
    assert status.get_attribute("data-status") == "valid"
    assert "Õie Šumann-Žukova" in page.locator("main").inner_text()
    assert_accessible(page)

    verify_url = page.url

    # Anyone, logged out, sees the same verification page.
    page.context.clear_cookies()
    page.goto(verify_url)
    assert page.locator("[data-status]").get_attribute("data-status") == "valid"
    assert "/verify/" in verify_url
