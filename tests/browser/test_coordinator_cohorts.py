"""The coordinator's cohort listing at 1,280 px (issue 15): nothing clipped, no horizontal overflow, the row
actions in Wagtail's "more" menu, a dates column; and the cohort page with its waitlist actions, answers
and closing section, accessible and working in a real browser.

One test function on purpose: each transactional browser test flushes the database afterwards.
"""

import datetime as dt

import pytest
from django.utils import timezone

from enrollment.models import CohortStatus, EnrollmentStatus
from tests import factories
from tests.conftest import login

S = EnrollmentStatus
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = """() => {
    const doc = document.documentElement;
    const table = document.querySelector('table.listing');
    const scroller = table.parentElement;
    const clipped = [...table.querySelectorAll('th, td, a, button')]
        .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1
                      && getComputedStyle(el).overflow !== 'visible')
        .map(el => el.textContent.trim().slice(0, 40));
    return {page: doc.scrollWidth - doc.clientWidth, table: table.getBoundingClientRect().right,
            tableScroll: scroller.scrollWidth - scroller.clientWidth, viewport: window.innerWidth, clipped};
}"""


def test_cohort_listing_fits_1280px_and_the_cohort_page_works(browser_page, assert_accessible):
    factories.UserFactory(email="koordinaator@example.ee", groups=["Coordinators"])
    start = timezone.now() + dt.timedelta(days=10)
    cohorts = []
    for index in range(3):
        course = factories.CoursePageFactory(
            title=f"Lapse heaolu hindamise ja juhtumikorralduse põhjalik täienduskoolitus {index}")
        cohort = factories.CohortFactory(course=course, code=f"lapse-heaolu-2027-voru-kevad-{index}", capacity=2,
                                         status=CohortStatus.OPEN)
        factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=6))
        factories.SessionFactory(cohort=cohort, starts_at=start + dt.timedelta(days=7),
                                 ends_at=start + dt.timedelta(days=7, hours=6))
        cohorts.append(cohort)
    cohort = cohorts[0]
    factories.EnrollmentFactory(cohort=cohort, answers={"dietary_needs": "gluteenivaba"},
                                user=factories.UserFactory(full_name="Mari Mägi"))
    leaving = factories.EnrollmentFactory(cohort=cohort, user=factories.UserFactory(full_name="Lahkuja Lind"))
    waiting = factories.EnrollmentFactory(cohort=cohort, status=S.WAITLISTED, waitlist_joined_at=timezone.now(),
                                          user=factories.UserFactory(full_name="Ootaja Oja"))

    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, "koordinaator@example.ee")
    page.goto("/admin/enrollment/cohorts/")
    page.wait_for_load_state("networkidle")
    assert page.viewport_size["width"] == 1280
    layout = page.evaluate(OVERFLOW)
    assert layout["page"] <= 0, layout
    assert layout["tableScroll"] <= 0 and layout["table"] <= layout["viewport"], layout
    assert layout["clipped"] == [], layout

    row = page.locator("tr", has_text=cohort.code)
    last_end = start + dt.timedelta(days=7, hours=6)
    expected_dates = f"{timezone.localtime(start):%d.%m.%Y}–{timezone.localtime(last_end):%d.%m.%Y}"
    assert expected_dates in row.inner_text()
    # The row actions are in the "more" menu: not drawn in the code column until it is opened.
    overview_link = row.locator(f"a[href$='/admin/enrollment/cohorts/overview/{cohort.pk}/']")
    assert not overview_link.is_visible()
    row.locator("[data-w-dropdown-target='toggle'], button[aria-label]").first.click()
    overview_link.wait_for(state="visible")
    box = overview_link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280
    assert overview_link.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
    overview_link.click()
    page.wait_for_url(f"**/overview/{cohort.pk}/")
    assert "gluteenivaba" in page.content()
    assert_accessible(page)

    # Free a place outside the waitlist's turn (as a coordinator's cancellation would), then offer it now.
    from enrollment.models import Enrollment

    Enrollment.objects.filter(pk=leaving.pk).update(status=S.CANCELLED)
    page.reload()
    page.locator("form[action$='/offer/'] button").click()
    page.wait_for_load_state("networkidle")
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED
    assert "Ootaja Oja" in page.content()
    assert errors == []
