"""On a phone (390×844) the catalogue shows its first result within the first screen, its search and filters
behind a button, and a course page offers a jump to its dates and enroll buttons near the top. On a desktop the
filters are open beside the results."""

import pytest

from tests import factories
from tests.courses.conftest import cohort_with_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = 844


def _catalogue_with_courses():
    factories.home_page()
    catalogue = factories.catalogue_page()
    for topic in ("Vaimne tervis", "Perede toetamine", "Juhtimine", "Eakate hoolekanne", "Kogukonnatöö"):
        factories.TopicFactory(name=topic)
    course = factories.CoursePageFactory(
        title="Eakate vaimne tervis", parent=catalogue, goals="<p>" + "Märgata muutusi. " * 80 + "</p>",
        outcomes="<p>" + "Osaleja oskab toetada. " * 80 + "</p>",
        prerequisites="<p>" + "Töötad sotsiaalvaldkonnas. " * 40 + "</p>")
    factories.CoursePageFactory(title="Meeskonna juhtimine", parent=catalogue)
    cohort_with_session(course, venue=factories.VenueFactory())
    return catalogue, course


def test_phone_catalogue_shows_a_result_in_the_first_screen_with_filters_behind_a_button(phone_page):
    catalogue, _course = _catalogue_with_courses()
    page = phone_page
    page.goto(catalogue.url)
    page.wait_for_load_state("networkidle")

    first = page.locator(".catalogue-item").first.bounding_box()
    assert first is not None and first["y"] + 40 < SCREEN, first
    assert not page.locator("#id_q").is_visible()  # the filters are folded away
    toggle = page.locator("details.filters-disclosure > summary")
    assert toggle.is_visible() and toggle.bounding_box()["y"] < SCREEN

    toggle.click()
    assert page.locator("#id_q").is_visible()
    page.fill("#id_q", "juhtimine")
    page.locator("form.catalogue-filters button[type=submit]").click()
    page.wait_for_url("**q=juhtimine**")
    assert page.locator(".catalogue-item h3").all_inner_texts() == ["Meeskonna juhtimine"]
    assert page.locator(".catalogue-item").first.bounding_box()["y"] + 40 < SCREEN


def test_phone_catalogue_keeps_the_filters_open_when_a_field_has_an_error(phone_page):
    catalogue, _course = _catalogue_with_courses()
    page = phone_page
    page.goto(catalogue.url + "?date_from=2026-05-01&date_to=2026-04-01")
    page.wait_for_load_state("networkidle")
    assert page.locator("#id_date_to").is_visible()
    assert page.locator("#id_date_to_error").is_visible()


def test_desktop_catalogue_shows_the_filters_open(browser_page):
    catalogue, _course = _catalogue_with_courses()
    page = browser_page
    page.goto(catalogue.url)
    page.wait_for_load_state("networkidle")
    assert page.locator("#id_q").is_visible()
    form = page.locator("form.catalogue-filters").bounding_box()
    results = page.locator(".catalogue-results").bounding_box()
    assert form["x"] + form["width"] <= results["x"]  # beside the results


def test_phone_course_page_has_a_dates_and_enroll_jump_near_the_top(phone_page):
    _catalogue, course = _catalogue_with_courses()
    page = phone_page
    page.goto(course.url)
    page.wait_for_load_state("networkidle")
    jump = page.locator("a[href='#dates']")
    box = jump.bounding_box()
    assert box is not None and box["y"] + box["height"] < SCREEN, box
    enroll = page.locator("#dates a.button", has_text="Registreeru").first
    assert enroll.bounding_box()["y"] > SCREEN  # the page is long: without the jump it is far down

    jump.click()
    page.wait_for_function("() => location.hash === '#dates'")
    heading = page.locator("#cohorts-heading").bounding_box()
    assert 0 <= heading["y"] < SCREEN
    assert page.evaluate("() => window.scrollY") > 0
