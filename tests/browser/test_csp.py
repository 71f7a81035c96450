"""The strict Content-Security-Policy breaks nothing a browser loads: no `securitypolicyviolation` event and no
"Refused to …" console message on the catalogue, a course page, My trainings and the Wagtail admin (dashboard,
a page listing and the page editor)."""

import re

import pytest
from django.urls import reverse

from courses.permissions import ensure_coordinator_page_permissions
from tests import factories
from tests.conftest import login
from tests.courses.conftest import cohort_with_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`
                                + ` (${event.sourceFile}:${event.lineNumber})`);
});
"""


def _visit(page, url, console):
    response = page.goto(url)
    assert response.status == 200, url
    assert "Content-Security-Policy" in {name.title() for name in response.headers}, url
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__cspViolations")
    refused = [text for text in console if "Content Security Policy" in text or text.startswith("Refused")]
    assert violations == [] and refused == [], f"{url}: {violations} {refused}"


def test_the_main_pages_load_without_a_csp_violation(browser_page, live_server):
    factories.home_page()
    catalogue = factories.catalogue_page()
    course = factories.CoursePageFactory(title="Meeskonna juhtimine", parent=catalogue)
    cohort = cohort_with_session(course)
    specialist = factories.UserFactory(full_name="Mari Mägi")
    factories.EnrollmentFactory(cohort=cohort, user=specialist, status="confirmed")
    ensure_coordinator_page_permissions()
    administrator = factories.UserFactory(full_name="Anu Admin", groups=["Administrators"], is_superuser=True,
                                          is_staff=True)
    page = browser_page
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(LISTEN)

    _visit(page, catalogue.url, console)
    _visit(page, course.url, console)
    login(page, specialist.email)
    _visit(page, reverse("my_trainings"), console)
    assert page.get_by_text("Meeskonna juhtimine").first.is_visible()

    page.context.clear_cookies()
    login(page, administrator.email)
    _visit(page, "/admin/", console)  # a superuser's dashboard: no update check against another origin
    assert re.search(r"/admin/$", page.url)
    _visit(page, f"/admin/pages/{catalogue.pk}/", console)  # inline scripts: allowed under /admin/ only
    _visit(page, f"/admin/pages/{course.pk}/edit/", console)  # the editor's widgets inject <style> elements
    _visit(page, course.url, console)  # a staff member's view of the site: Wagtail's user bar, strict policy
