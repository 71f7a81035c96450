"""The coordinators' desk and the reports in a real browser: the charts drawn by Chart.js from the project's own
static files under the strict CSP, the county map, and no axe violation.

One test function on purpose: each transactional browser test flushes the database afterwards.
"""

import pytest
from django.test import override_settings

from reports import downloads
from reports.models import ReportExport
from tests import factories
from tests.conftest import login
from tests.reports.fixture import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_desk_and_reports_draw_and_are_accessible(browser_page, assert_accessible, settings):
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

    # A large table: prepared in the background; its page's progress bar follows the task, then the link shows.
    settings.REPORTS_BACKGROUND_DOWNLOAD_ROWS = 20
    page.goto("/admin/reports/participants/")
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        page.locator("form[action=\"/admin/reports/participants/municipality.csv\"] button").click()  # 79 rows
        page.wait_for_load_state("networkidle")
    export = ReportExport.objects.get()
    assert page.locator("progress#report-export-progress").get_attribute("value") == "0"
    assert page.locator("[data-export-link]").is_hidden()
    assert_accessible(page)
    downloads.export_build(export_id=export.pk)  # the worker
    page.wait_for_selector("[data-export-link]:not([hidden])", timeout=10_000)
    assert page.locator("progress#report-export-progress").get_attribute("value") is not None
    assert page.evaluate("() => document.querySelector('progress').value") == 100
    assert page.locator("[data-export-link] a").get_attribute("href") == f"/admin/reports/downloads/{export.pk}/file"
    assert_accessible(page)
    assert errors == [] and refused == []
