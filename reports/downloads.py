"""Large report downloads, built in the background: a table with more rows than REPORTS_BACKGROUND_DOWNLOAD_ROWS
is not computed and written while the coordinator's request waits (the programme report of a large programme
takes longer than a page should), but by a task, with a progress bar and a link when ready.

- `export_request` records the job (ReportExport) and its task in ONE transaction (outbox's
  `enqueue_in_transaction`): a crash after COMMIT loses nothing, a rollback leaves no task behind.
- The task runs at least once, so `export_build` is idempotent: a ready job is left alone, and a second run of an
  unfinished one writes the file again under the same name (the job's random token), replacing the first.
- The figures are taken as of the request (`as_of`) with the request's filters and language, through the same
  reads and writers as the download served at once (reports/definitions.py, reports/exports.py): the same
  numbers.
- The file lives in the private storage under an unguessable name, is served only to the coordinator who asked,
  and is deleted with its job REPORTS_DOWNLOAD_DAYS after it was ready (or asked for, if it never was) by
  `manage.py sweep` (`exports_expire_due`).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone, translation
from django_tasks import task

from outbox.services import enqueue_in_transaction, is_transient_class

from . import definitions
from .definitions import table_for_download
from .exports import write
from .models import ReportExport
from .scope import Scope

logger = logging.getLogger(__name__)
State = ReportExport.State
# Progress is written to the job's row every this many rows (and at the end).
PROGRESS_EVERY = 500
# Share of the bar for computing the table (the queries); writing the rows fills the rest.
COMPUTED_PERCENT = 20


def keep_days() -> int:
    return int(getattr(settings, "REPORTS_DOWNLOAD_DAYS", 7))


def export_request(*, user, report: str, table: str, fmt: str, scope: Scope,
                   language: str | None = None) -> ReportExport:
    """Record a background download of one table and its task, in one transaction. The same request of the same
    coordinator still in progress is returned instead of a second one. UnknownTable for an unknown table."""
    definitions.check(report, table, fmt)
    query = scope.query_string()
    with transaction.atomic():
        running = (ReportExport.objects.select_for_update()
                   .filter(requested_by=user, report=report, table=table, format=fmt, query=query,
                           state__in=[State.QUEUED, State.RUNNING]).first())
        if running is not None:
            return running
        now = timezone.now()
        export = ReportExport.objects.create(
            requested_by=user, report=report, table=table, format=fmt, query=query, as_of=scope.at,
            language=language or translation.get_language() or settings.LANGUAGE_CODE,
            token=secrets.token_urlsafe(32), expires_at=now + dt.timedelta(days=keep_days()))
        enqueue_in_transaction(export_build_task, export_id=export.pk)
    return export


def _progress(export_id: int, percent: int) -> None:
    ReportExport.objects.filter(pk=export_id).update(progress=percent)


def export_build(*, export_id: int) -> str:
    """Compute the table, write the file to the private storage and mark the job ready; returns the state.

    Idempotent: a missing or finished (ready, failed) job is left alone; an unfinished one is built (again).
    Errors that a later run may not meet (lost connections, a full disk) are raised so that the task is retried
    (outbox.services.tasks_retry_transient); any other error fails the job, and the page says so.
    """
    with transaction.atomic():
        export = ReportExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None:
            return "missing"
        if export.state not in (State.QUEUED, State.RUNNING):
            return export.state
        export.state = State.RUNNING
        export.save(update_fields=["state"])
    try:
        name, rows = _build(export)
    except Exception as error:
        if is_transient_class(f"{type(error).__module__}.{type(error).__qualname__}"):
            raise
        logger.exception("Report download %s failed", export_id)
        ReportExport.objects.filter(pk=export_id).update(state=State.FAILED)
        return State.FAILED
    now = timezone.now()
    ReportExport.objects.filter(pk=export_id).update(
        state=State.READY, progress=100, file=name, rows=rows, ready_at=now,
        expires_at=now + dt.timedelta(days=keep_days()))
    return State.READY


def _build(export: ReportExport) -> tuple[str, int]:
    """The file written under the job's own name (any earlier attempt's file replaced); (its name, table rows)."""
    scope, _form = Scope.from_query(QueryDict(export.query), now=export.as_of)
    with translation.override(export.language):
        table = table_for_download(export.report, export.table, scope)
        _progress(export.pk, COMPUTED_PERCENT)
        total = len(table.all_rows())

        def on_row(done: int) -> None:
            if done % PROGRESS_EVERY == 0:
                _progress(export.pk, COMPUTED_PERCENT + (99 - COMPUTED_PERCENT) * done // total)

        storage = ReportExport._meta.get_field("file").storage
        name = f"reports/{export.token}.{export.format}"
        with tempfile.TemporaryFile() as handle:
            write(table, export.format, handle, on_row=on_row)
            handle.seek(0)
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, File(handle))
    return saved, table.row_count


@task()
def export_build_task(*, export_id: int) -> str:
    return export_build(export_id=export_id)


def export_of(*, user, export_id: int) -> ReportExport | None:
    """The job, to the coordinator who asked for it; None for anyone else (as if there were none)."""
    if user is None or not user.is_authenticated:
        return None
    return ReportExport.objects.filter(pk=export_id, requested_by=user).first()


def export_for_download(*, user, export_id: int, now=None) -> ReportExport | None:
    """The asker's ready, unexpired job with its file; None otherwise."""
    export = export_of(user=user, export_id=export_id)
    now = now or timezone.now()
    if export is None or export.state != State.READY or not export.file or export.expires_at <= now:
        return None
    return export


def exports_for_user(user, *, limit: int = 10) -> list[ReportExport]:
    """The coordinator's recent downloads that have not expired (the reports' index lists them)."""
    return list(ReportExport.objects.filter(requested_by=user, expires_at__gt=timezone.now())[:limit])


def _delete(exports) -> int:
    count = 0
    for export in exports:
        if export.file:
            export.file.delete(save=False)
        count += ReportExport.objects.filter(pk=export.pk).delete()[0]
    return count


def exports_expire_due(*, now=None) -> int:
    """The sweep's job: delete every job whose time is up, with its file; returns how many. Idempotent, and safe
    when two sweeps overlap (a file or row already deleted is simply not there)."""
    now = now or timezone.now()
    return _delete(ReportExport.objects.filter(expires_at__lte=now))


# --- personal data (privacy/registry.py) -----------------------------------------------------------

def personal_data(user) -> list[dict]:
    """The coordinator's report downloads (what was asked for and when; the files hold other people's data and
    are not part of their own)."""
    return [{"report": e.report, "table": e.table, "format": e.format, "filters": e.query,
             "requested_at": e.requested_at, "state": e.state}
            for e in ReportExport.objects.filter(requested_by=user).order_by("requested_at", "pk")]


def personal_data_erase(user, erasure) -> None:
    """Delete the person's own download jobs and files; and, whoever is erased, every file of a table that lists
    people by name (definitions.NAMED_TABLES), which may name them. Such files are made again in a minute."""
    named = Q()
    for report, table in definitions.NAMED_TABLES:
        named |= Q(report=report, table=table)
    _delete(ReportExport.objects.filter(Q(requested_by=user) | named))
