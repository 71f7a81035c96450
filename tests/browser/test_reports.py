"""The coordinators' desk and the reports in a real browser: the charts drawn by Chart.js from the project's own
static files under the strict CSP, the county map, and no axe violation.

One test function on purpose: each transactional browser test flushes the database afterwards.
"""

import pytest

from tests import factories
from tests.conftest import login
from tests.reports.fixture import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_desk_and_reports_draw_and_are_accessible(browser_page, assert_accessible):
    factories.home_page()
    factories.catalogue_page()
    build()
    factories.UserFactory(email="koordinaator@example.ee", groups=["Coordinators"])
    page = browser_page
    errors, refused = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(page, "koordinaator@example.ee")

    page.goto("/admin/")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-panel=desk-ready-to-close]").count() == 1
    assert_accessible(page)

    for report, charts in (("participants", 1), ("delivery", 1), ("programme", 0), ("cascade", 1), ("trends", 2)):
        page.goto(f"/admin/reports/{report}/")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => typeof window.Chart") == "function", report
        drawn = page.evaluate("() => [...document.querySelectorAll('canvas[data-chart]')]"
                              ".filter(c => window.Chart.getChart(c)).length")
        assert drawn == charts, report
        assert_accessible(page)
    page.goto("/admin/reports/participants/")
    assert page.locator("svg.reports-map__svg polygon").count() == 15
    assert errors == [] and refused == []
