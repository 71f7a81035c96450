"""The Reports section: coordinators only, every table on the page and in CSV / XLSX with the same figures, the
chart fed from the table, the county map shaded by it."""

import csv
import io
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories

from .fixture import build

pytestmark = pytest.mark.django_db
REPORTS = ["participants", "delivery", "programme", "cascade", "trends"]


@pytest.fixture
def world(site_tree):
    return build()


def _admin_user_who_is_not_a_coordinator():
    user = factories.UserFactory(full_name="Toimetaja Tõnu")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def _refused(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_only_coordinators_and_administrators_get_in(client, world, trainer, specialist):
    urls = [reverse("reports:index")] + [reverse("reports:report", args=[r]) for r in REPORTS] + [
        reverse("reports:download", args=["participants", "county", "csv"]),
        reverse("reports:download", args=["delivery", "delivery", "xlsx"])]
    client.force_login(_admin_user_who_is_not_a_coordinator())
    for url in urls:
        assert _refused(client.get(url)), url
        assert client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403, url
    # No link to the project's reports (Wagtail's own "Reports" menu, e.g. wagtail-localize's, may be there).
    assert reverse("reports:index") not in client.get(reverse("wagtailadmin_home")).content.decode()
    for user in (trainer, specialist):
        client.force_login(user)
        for url in urls:
            response = client.get(url)  # no admin access at all: to the log-in
            assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"], url
    client.logout()
    for url in urls:
        assert reverse("wagtailadmin_login") in client.get(url)["Location"]


@pytest.mark.parametrize("report", REPORTS)
def test_every_report_renders_for_a_coordinator(client, world, coordinator, report):
    client.force_login(coordinator)
    response = client.get(reverse("reports:report", args=[report]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("reports:download", args=[report, response.context["tables"][0].key, "csv"]) in html
    assert "no-store" in response["Cache-Control"]
    download = client.get(reverse("reports:download", args=[report, response.context["tables"][0].key, "csv"]))
    assert "no-store" in download["Cache-Control"]


def test_an_unknown_report_or_table_is_404(client, world, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("reports:report", args=["nonsense"])).status_code == 404
    assert client.get(reverse("reports:download", args=["delivery", "nonsense", "csv"])).status_code == 404
    assert client.get(reverse("reports:download", args=["delivery", "delivery", "pdf"])).status_code == 404


def test_the_menu_has_reports_for_coordinators(client, world, coordinator):
    client.force_login(coordinator)
    assert reverse("reports:index") in client.get(reverse("wagtailadmin_home")).content.decode()


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx(response) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _normal(value: str) -> str:
    """'37.33', '37.330000' and 37.33 alike."""
    try:
        return f"{float(value):g}"
    except ValueError:
        return value


@pytest.mark.parametrize("report, table", [("delivery", "delivery"), ("participants", "county"),
                                           ("trends", "trends"), ("cascade", "trainer")])
def test_csv_and_xlsx_hold_the_same_figures_as_the_page(client, world, coordinator, report, table):
    client.force_login(coordinator)
    page = client.get(reverse("reports:report", args=[report]))
    shown = next(t for t in page.context["tables"] if t.key == table).all_rows()
    as_csv = _csv(client.get(reverse("reports:download", args=[report, table, "csv"])))
    as_xlsx = _xlsx(client.get(reverse("reports:download", args=[report, table, "xlsx"])))
    expected = [[_normal("" if v is None else str(v)) for v in row] for row in shown]
    assert [[_normal(v) for v in row] for row in as_csv] == expected
    assert [[_normal(v) for v in row] for row in as_xlsx] == expected


def test_delivery_download_has_the_hand_worked_total(client, world, coordinator):
    client.force_login(coordinator)
    rows = _csv(client.get(reverse("reports:download", args=["delivery", "delivery", "csv"])))
    assert rows[-1][1:] == ["2", "4", "23.50", "49.83", "63.00", "79.1", "5", "4", "3", "60.0", "1"]


def test_filters_reach_the_downloads(client, world, coordinator):
    client.force_login(coordinator)
    county = factories.county("Võru maakond")
    page = client.get(reverse("reports:report", args=["participants"]), {"county": county.pk})
    link = reverse("reports:download", args=["participants", "county", "csv"]) + f"?county={county.pk}"
    assert link in page.content.decode()
    rows = _csv(client.get(link))
    assert rows[-1][1:] == ["2", "2"]


def test_a_formula_in_an_organisation_name_is_written_as_text(client, world, coordinator):
    user = world["users"][0]
    user.profile.organisation = "=HYPERLINK(\"http://x\")"
    user.profile.save()
    client.force_login(coordinator)
    rows = _csv(client.get(reverse("reports:download", args=["participants", "organisation", "csv"])))
    assert any(row[0].startswith("'=") for row in rows)
    sheet = load_workbook(io.BytesIO(client.get(reverse("reports:download", args=[
        "participants", "organisation", "xlsx"])).content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_chart_reads_the_figures_of_its_table(client, world, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("reports:report", args=["trends"]))
    html = response.content.decode()
    data = json.loads(re.search(r'<script id="chart-0-data" type="application/json">(.*?)</script>', html,
                                re.S).group(1))
    table = next(t for t in response.context["tables"] if t.key == "trends")
    assert data["labels"] == [row[0] for row in table.rows]
    assert data["datasets"][0]["data"] == [row[1] for row in table.rows]
    assert data["datasets"][1]["data"] == [row[4] for row in table.rows]
    assert 'src="/static/vendor/chart.js/chart.umd.min.js"' in html


def test_the_map_shades_the_15_counties_by_the_county_table(client, world, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("reports:report", args=["participants"])).content.decode()
    shapes = dict(re.findall(r'data-county="(\d+)" data-value="(\d+)"', html))
    assert len(shapes) == 15
    assert shapes["78"] == "2" and shapes["86"] == "2" and shapes["37"] == "0"  # Tartu, Võru, Harju


def test_chart_js_is_collected_as_a_static_file_from_npm():
    """package.json installs Chart.js; only the one file the pages load (and the source map it names, which
    collectstatic's manifest storage looks for) is served and collected, not the package's whole dist/."""
    from django.contrib.staticfiles import finders

    found = finders.find("vendor/chart.js/chart.umd.min.js")
    assert found and "node_modules" in str(found)
    assert finders.find("reports/reports.js")
    assert finders.find("vendor/chart.js/chart.js") is None and finders.find("vendor/chart.js/helpers.js") is None
    listed = {path if not getattr(storage, "prefix", None) else f"{storage.prefix}/{path}"
              for finder in finders.get_finders() for path, storage in finder.list([])}
    assert {p for p in listed if p.startswith("vendor/")} == {
        "vendor/chart.js/chart.umd.min.js", "vendor/chart.js/chart.umd.min.js.map"}


def test_collectstatic_copies_chart_js_and_nothing_else_of_its_package(tmp_path, settings):
    """With the production storage (hashed names: it follows the source-map reference), as a deployment runs it."""
    from django.core.management import call_command

    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)
    collected = sorted(p.name for p in (tmp_path / "vendor" / "chart.js").iterdir())
    assert "chart.umd.min.js" in collected and "chart.umd.min.js.map" in collected
    assert not [n for n in collected if not n.startswith("chart.umd.min.")]
    assert sum(p.stat().st_size for p in (tmp_path / "vendor").rglob("*")) < 5_000_000


def test_the_programme_page_shows_one_page_of_people_with_links_to_the_others(client, world, coordinator,
                                                                               settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.REPORTS_PROGRAMME_PAGE_SIZE = 2
    client.force_login(coordinator)
    url = reverse("reports:report", args=["programme"])
    client.get(url)  # warm-up: Wagtail's menus and the user's groups read once per process
    with CaptureQueriesContext(connection) as small:
        response = client.get(url, {"page": 2})
    table = response.context["tables"][0]
    assert [r[0] for r in table.rows] == ["Cili Cee", "Eha Ee"]
    html = response.content.decode()
    assert 'href="?page=1" rel="prev"' in html and 'rel="next"' not in html
    cohort = factories.CohortFactory(course=world["course_b"], code="many")
    for _i in range(40):
        factories.AttendanceFactory(enrollment=factories.EnrollmentFactory(cohort=cohort, status="confirmed"))
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, {"page": 2})
    assert len(response.context["tables"][0].rows) == 2
    assert 'rel="next"' in response.content.decode()
    assert len(large) == len(small)
