"""Large report downloads: built by a background task recorded in the request's transaction, with a progress bar
and a link when ready; the same figures as the download served at once; in the private storage, for the
coordinator who asked only; deleted by the sweep when they expire."""

import csv
import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.contrib.staticfiles import finders
from django.core.files.storage import storages
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from oskus.management.commands.sweep import JOBS
from reports import downloads
from reports.models import ReportExport
from reports.scope import Scope
from tests import factories

from .fixture import build

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "outbox.backend.DatabaseBackend"}}
URL = reverse("reports:download", args=["participants", "municipality", "csv"])


@pytest.fixture
def world(site_tree, settings):
    settings.REPORTS_BACKGROUND_DOWNLOAD_ROWS = 20  # the municipality table has 79 rows, the county table 15
    return build()


def _csv_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _request(client, url=URL, **extra):
    """POST the download form of a large table, the task run at the commit (the immediate backend)."""
    return client.post(url, **extra)


def test_a_small_table_is_downloaded_at_once_and_a_large_one_offers_a_background_download(client, world,
                                                                                        coordinator):
    client.force_login(coordinator)
    small = client.get(reverse("reports:download", args=["participants", "county", "csv"]))
    assert small["Content-Disposition"].startswith("attachment")
    large = client.get(URL)
    assert large.status_code == 200 and "Content-Disposition" not in large
    html = large.content.decode()
    assert 'method="post"' in html and "79" in html
    assert not ReportExport.objects.exists()  # a GET never starts one
    page = client.get(reverse("reports:report", args=["participants"])).content.decode()
    assert reverse("reports:download", args=["participants", "county", "csv"]) in page
    assert f'action="{URL}"' in page  # the large table's download is a form (POST), not a link


def test_a_large_download_is_built_in_the_background_with_the_same_figures(client, world, coordinator,
                                                                           django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(client)
    export = ReportExport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:export", args=[export.pk])
    assert (export.state, export.progress, export.requested_by, export.rows) == ("ready", 100, coordinator, 79)
    assert export.expires_at > timezone.now() + dt.timedelta(days=6)

    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and "reports/download.js" in page
    assert reverse("reports:export_status", args=[export.pk]) in page
    assert reverse("reports:export_file", args=[export.pk]) in page
    status = client.get(reverse("reports:export_status", args=[export.pk])).json()
    assert status["state"] == "ready" and status["progress"] == 100
    assert status["url"] == reverse("reports:export_file", args=[export.pk])
    assert reverse("reports:export", args=[export.pk]) in client.get(reverse("reports:index")).content.decode()

    background = _csv_bytes(client.get(reverse("reports:export_file", args=[export.pk])))
    with override_settings(REPORTS_BACKGROUND_DOWNLOAD_ROWS=100_000):
        at_once = _csv_bytes(client.get(URL))
    assert _rows(background) == _rows(at_once)
    assert len(_rows(background)) == 1 + 79 + 1  # heading, every municipality, the total


def test_an_xlsx_built_in_the_background_holds_the_figures_of_the_one_served_at_once(
        client, world, coordinator, django_capture_on_commit_callbacks):
    url = reverse("reports:download", args=["participants", "municipality", "xlsx"])
    county = factories.county("Tartu maakond")
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        _request(client, f"{url}?county={county.pk}")
    export = ReportExport.objects.get()
    assert export.query == f"county={county.pk}" and export.format == "xlsx"
    background = client.get(reverse("reports:export_file", args=[export.pk]))
    with override_settings(REPORTS_BACKGROUND_DOWNLOAD_ROWS=100_000):
        at_once = client.get(f"{url}?county={county.pk}")

    def cells(content):
        sheet = load_workbook(io.BytesIO(content)).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    assert cells(_csv_bytes(background)) == cells(at_once.content)
    assert cells(at_once.content)[-1][2:] == [2, 3]  # Tartu: 2 people, 3 enrollments


@override_settings(TASKS=DATABASE_TASKS)
def test_the_job_and_its_task_are_written_in_one_transaction(world, coordinator):
    with transaction.atomic():
        export = downloads.export_request(user=coordinator, report="participants", table="municipality",
                                          fmt="csv", scope=Scope())
        assert DBTaskResult.objects.filter(args_kwargs__kwargs__export_id=export.pk, status="READY",
                                           task_path="reports.downloads.export_build_task").exists()
        assert export.state == "queued" and not export.file


def test_a_request_already_in_progress_is_reused(world, coordinator):
    kwargs = {"report": "participants", "table": "municipality", "fmt": "csv", "scope": Scope()}
    first = downloads.export_request(user=coordinator, **kwargs)
    assert downloads.export_request(user=coordinator, **kwargs) == first
    assert downloads.export_request(user=coordinator, **{**kwargs, "fmt": "xlsx"}) != first
    other = factories.UserFactory(groups=["Coordinators"])
    assert downloads.export_request(user=other, **kwargs) != first


def test_building_again_replaces_the_file_and_a_ready_job_is_left_alone(world, coordinator):
    """At least once: a worker that died after writing the file runs the task again; one file, same name."""
    export = downloads.export_request(user=coordinator, report="participants", table="municipality", fmt="csv",
                                      scope=Scope())
    assert downloads.export_build(export_id=export.pk) == "ready"
    export.refresh_from_db()
    name, path = export.file.name, Path(export.file.path)
    ReportExport.objects.filter(pk=export.pk).update(state="running", progress=40)  # as if it crashed before COMMIT
    assert downloads.export_build(export_id=export.pk) == "ready"
    export.refresh_from_db()
    assert export.file.name == name and path.exists()
    assert [n for n in os.listdir(path.parent) if n.startswith(export.token)] == [path.name]
    assert downloads.export_build(export_id=export.pk) == "ready"  # ready: nothing done
    assert downloads.export_build(export_id=10**9) == "missing"


def test_the_file_is_in_the_private_storage_under_an_unguessable_name(world, coordinator):
    export = downloads.export_request(user=coordinator, report="participants", table="municipality", fmt="csv",
                                      scope=Scope())
    downloads.export_build(export_id=export.pk)
    export.refresh_from_db()
    path = Path(export.file.path).resolve()
    assert path.is_relative_to(Path(django_settings.PRIVATE_MEDIA_ROOT).resolve())
    assert ReportExport._meta.get_field("file").storage.location == storages["private"].location
    assert not path.is_relative_to(Path(django_settings.MEDIA_ROOT).resolve())
    assert len(path.stem) >= 32 and "participants" not in path.name


def test_progress_is_written_as_the_rows_are(world, coordinator, monkeypatch):
    monkeypatch.setattr(downloads, "PROGRESS_EVERY", 10)
    export = downloads.export_request(user=coordinator, report="participants", table="municipality", fmt="csv",
                                      scope=Scope())
    with CaptureQueriesContext(connection) as queries:
        downloads.export_build(export_id=export.pk)
    updates = [q["sql"] for q in queries.captured_queries
               if q["sql"].startswith('UPDATE "reports_reportexport" SET "progress"')]
    assert len(updates) >= 8  # 81 rows written, progress every 10 rows


def test_a_failed_build_says_so(world, coordinator, monkeypatch):
    export = downloads.export_request(user=coordinator, report="participants", table="municipality", fmt="csv",
                                      scope=Scope())

    def broken(*args, **kwargs):
        raise ValueError("broken")

    monkeypatch.setattr(downloads, "table_for_download", broken)
    assert downloads.export_build(export_id=export.pk) == "failed"
    export.refresh_from_db()
    assert export.state == "failed" and not export.file


def test_only_the_coordinator_who_asked_gets_the_job_page_status_and_file(client, world, coordinator, specialist,
                                                                        trainer):
    export = downloads.export_request(user=coordinator, report="participants", table="municipality", fmt="csv",
                                      scope=Scope())
    downloads.export_build(export_id=export.pk)
    urls = [reverse(name, args=[export.pk]) for name in ("reports:export", "reports:export_status",
                                                         "reports:export_file")]
    client.force_login(coordinator)
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]

    client.force_login(factories.UserFactory(groups=["Coordinators"]))  # another coordinator: as if there were none
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    administrator = factories.UserFactory(groups=["Administrators"])
    client.force_login(administrator)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]

    editor = factories.UserFactory()  # in the admin, not a coordinator: refused by the section
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    for url in urls:
        assert client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403
        assert client.get(url)["Location"] == reverse("wagtailadmin_home")

    for user in (specialist, trainer, None):  # no admin access at all, or not logged in: to the log-in
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"], url
        assert client.post(URL).status_code == 302
    assert ReportExport.objects.count() == 1  # none of them could start one either


def test_an_unfinished_or_failed_job_has_no_file_to_download(client, world, coordinator):
    export = downloads.export_request(user=coordinator, report="participants", table="municipality", fmt="csv",
                                      scope=Scope())
    client.force_login(coordinator)
    assert client.get(reverse("reports:export_file", args=[export.pk])).status_code == 404
    status = client.get(reverse("reports:export_status", args=[export.pk])).json()
    assert status == {"state": "queued", "label": "Ootel", "progress": 0, "url": None}
    page = client.get(reverse("reports:export", args=[export.pk])).content.decode()
    assert '<progress id="report-export-progress" max="100" value="0"' in page


def test_unknown_reports_tables_and_formats_are_refused(client, world, coordinator):
    client.force_login(coordinator)
    for args in (["nonsense", "municipality", "csv"], ["participants", "nonsense", "csv"],
                 ["participants", "municipality", "pdf"]):
        assert client.post(reverse("reports:download", args=args)).status_code == 404
    assert not ReportExport.objects.exists()


def test_the_sweep_deletes_expired_files_and_jobs(world, coordinator):
    assert ("report_downloads", downloads.exports_expire_due) in JOBS
    export = downloads.export_request(user=coordinator, report="participants", table="municipality", fmt="csv",
                                      scope=Scope())
    downloads.export_build(export_id=export.pk)
    stuck = downloads.export_request(user=coordinator, report="delivery", table="delivery", fmt="csv",
                                     scope=Scope())
    export.refresh_from_db()
    path = Path(export.file.path)
    assert downloads.exports_expire_due() == 0
    later = timezone.now() + dt.timedelta(days=django_settings.REPORTS_DOWNLOAD_DAYS, minutes=1)
    assert downloads.exports_expire_due(now=later) == 2
    assert downloads.exports_expire_due(now=later) == 0  # idempotent
    assert not path.exists() and not ReportExport.objects.filter(pk__in=[export.pk, stuck.pk]).exists()


def test_a_coordinators_downloads_are_in_their_personal_data_and_erased_with_them(world, coordinator):
    from privacy import registry

    assert "reports.ReportExport.requested_by" in registry.covered_links()
    export = downloads.export_request(user=coordinator, report="participants", table="municipality", fmt="csv",
                                      scope=Scope())
    downloads.export_build(export_id=export.pk)
    export.refresh_from_db()
    path = Path(export.file.path)
    [row] = downloads.personal_data(coordinator)
    assert row["report"] == "participants" and row["table"] == "municipality" and row["format"] == "csv"
    downloads.personal_data_erase(coordinator, None)
    assert not ReportExport.objects.exists() and not path.exists()


def test_files_that_name_people_are_deleted_when_anyone_is_erased(world, coordinator):
    """The programme table lists participants by name: a file made before someone's erasure may name them."""
    named = downloads.export_request(user=coordinator, report="programme", table="programme", fmt="csv",
                                     scope=Scope())
    counts = downloads.export_request(user=coordinator, report="participants", table="municipality", fmt="csv",
                                      scope=Scope())
    for export in (named, counts):
        downloads.export_build(export_id=export.pk)
    downloads.personal_data_erase(factories.UserFactory(), None)
    assert list(ReportExport.objects.values_list("pk", flat=True)) == [counts.pk]


def test_the_progress_script_is_a_static_file():
    assert finders.find("reports/download.js")
