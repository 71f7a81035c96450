"""A background job (certificate issuing, PDF, completion announcement, ...) that failed on a transient error
(database or network connection, timeout) runs again with backoff for `OUTBOX_TASK_RETRY_HOURS`, then stays
failed and is counted on the coordinators' admin home. E-mail delivery keeps its own retries."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext
from django_tasks_db.models import DBTaskResult, get_date_max

from oskus.management.commands.sweep import JOBS
from outbox.services import SEND_TASK_PATH, tasks_failed_count, tasks_retry_transient

pytestmark = pytest.mark.django_db
JOBS_FAILED = ("%(counter)s background job failed after its retries (certificates, PDFs, completions): ask the "
               "operator to run it again.")
JOBS_FAILED_PLURAL = ("%(counter)s background jobs failed after their retries (certificates, PDFs, completions): "
                      "ask the operator to run them again.")
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def failed(error: str, *, minutes_ago=10, attempts=1, enqueued_hours_ago=1,
           path="enrollment.attendance.services.completion_announce_task"):
    row = DBTaskResult.objects.create(
        status="FAILED", args_kwargs={"args": [], "kwargs": {"enrollment_id": 1}}, priority=0, task_path=path,
        queue_name="default", backend_name="default", run_after=get_date_max(),
        worker_ids=[f"w{i}" for i in range(attempts)], finished_at=NOW - dt.timedelta(minutes=minutes_ago),
        exception_class_path=error, traceback="...")
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=NOW - dt.timedelta(hours=enqueued_hours_ago))
    return row


def status(row):
    row.refresh_from_db()
    return row.status


def test_a_job_that_failed_on_a_transient_error_runs_again(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    refused = failed("builtins.ConnectionRefusedError")
    database = failed("django.db.utils.OperationalError")
    assert tasks_retry_transient(now=NOW) == 2
    for row in (refused, database):
        row.refresh_from_db()
        assert row.status == "READY" and row.run_after <= NOW and row.finished_at is None
        assert row.exception_class_path == ""
    assert tasks_retry_transient(now=NOW) == 0  # nothing left to retry: a second sweep does nothing


def test_a_job_with_a_real_error_is_not_retried():
    bug = failed("builtins.ValueError")
    unknown = failed("somewhere.gone.Error")
    assert tasks_retry_transient(now=NOW) == 0
    assert status(bug) == status(unknown) == "FAILED"


def test_backoff_grows_with_the_attempts_and_stops_after_the_window(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_TASK_RETRY_HOURS = 24
    too_soon = failed("builtins.TimeoutError", minutes_ago=3, attempts=3)  # 3rd attempt: waits 4 minutes
    due = failed("builtins.TimeoutError", minutes_ago=5, attempts=3)
    too_late = failed("builtins.TimeoutError", enqueued_hours_ago=25)
    assert tasks_retry_transient(now=NOW) == 1
    assert (status(too_soon), status(due), status(too_late)) == ("FAILED", "READY", "FAILED")


def test_e_mail_delivery_keeps_its_own_retries():
    send = failed("builtins.ConnectionRefusedError", path=SEND_TASK_PATH)
    assert tasks_retry_transient(now=NOW) == 0
    assert status(send) == "FAILED"


def test_the_sweep_runs_the_retries():
    assert any(job is tasks_retry_transient for _name, job in JOBS)


def test_jobs_that_failed_for_good_are_counted_for_coordinators(client, coordinator, specialist):
    failed("builtins.ValueError")
    failed("builtins.ConnectionRefusedError", path=SEND_TASK_PATH)  # an e-mail: counted with the e-mails
    assert tasks_failed_count() == 1
    client.force_login(coordinator)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    language = re.search(r'<html lang="([\w-]+)"', html).group(1)
    with translation.override(language):  # the admin speaks the coordinator's language
        expected = ngettext(JOBS_FAILED, JOBS_FAILED_PLURAL, 1) % {"counter": 1}
    assert 'data-panel="failed-emails"' in html and expected in html
    assert "background job" not in html or language == "en"
