""""My data": a ZIP of everything held about a person (data.json, a translated summary.html and the
certificate PDFs), built by a background task recorded in the request's transaction, announced by e-mail and
downloadable by its owner only, until its link expires (then the sweep deletes the file).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import secrets
import zipfile

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from outbox.services import enqueue_in_transaction, message_enqueue

from .. import registry
from ..models import DataExport
from ..policy import policy

logger = logging.getLogger(__name__)
State = DataExport.State


def export_request(*, user, requested_by=None, language: str | None = None) -> DataExport:
    """Record a download request and its task in one transaction. A request already in progress is reused."""
    with transaction.atomic():
        running = DataExport.objects.select_for_update().filter(
            user=user, state__in=[State.QUEUED, State.RUNNING]).first()
        if running is not None:
            return running
        export = DataExport.objects.create(user=user, requested_by=requested_by)
        enqueue_in_transaction(export_build_task, export_id=export.pk,
                               language=language or translation.get_language() or "et")
    return export


def collect(user) -> dict:
    """Everything held about `user`, per kind of the registry (the JSON in the ZIP)."""
    return {
        "generated_at": timezone.now(),
        "person_id": user.pk,
        "data": {entry.name: entry.export(user) for entry in registry.installed()},
    }


def _zip(user, language: str, on_progress) -> bytes:
    entries = registry.installed()
    data, files = {}, []
    for i, entry in enumerate(entries, start=1):
        data[entry.name] = entry.export(user)
        if entry.files is not None:
            files += entry.files(user)
        on_progress(int(90 * i / len(entries)))
    document = {"generated_at": timezone.now(), "person_id": user.pk, "data": data}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        with translation.override(language):
            archive.writestr("summary.html", render_to_string("privacy/summary.html", {
                "document": document, "sections": [(entry.name, data[entry.name]) for entry in entries]}))
        for name, field_file in files:
            try:
                with field_file.open("rb") as handle:
                    archive.writestr(name, handle.read())
            except OSError:
                logger.warning("A certificate PDF was missing from the private storage (export %s)", user.pk)
    return buffer.getvalue()


def export_build(*, export_id: int, language: str = "et") -> str:
    """Build the ZIP, store it privately, set the expiry and e-mail the owner (idempotent: a ready or expired
    export is left alone)."""
    with transaction.atomic():
        export = DataExport.objects.select_for_update().select_related("user").filter(pk=export_id).first()
        if export is None or export.state not in (State.QUEUED, State.RUNNING):
            return export.state if export else "missing"
        export.state = State.RUNNING
        export.save(update_fields=["state"])

    def progress(percent):
        DataExport.objects.filter(pk=export_id).update(progress=percent)

    try:
        content = _zip(export.user, language, progress)
    except Exception:
        logger.exception("Personal data export %s failed", export_id)
        DataExport.objects.filter(pk=export_id).update(state=State.FAILED)
        return State.FAILED
    with transaction.atomic():
        export = DataExport.objects.select_for_update().get(pk=export_id)
        export.file.save(f"{secrets.token_urlsafe(24)}.zip", ContentFile(content), save=False)
        export.state = State.READY
        export.progress = 100
        export.ready_at = timezone.now()
        export.expires_at = export.ready_at + dt.timedelta(days=int(policy("export_link_days")))
        export.save()
        message_enqueue(kind="privacy_export_ready", recipient_id=export.user_id,
                        builder="privacy.emails.export_ready_build",
                        params={"export_id": export.pk, "language": language})
    return State.READY


@task()
def export_build_task(*, export_id: int, language: str = "et") -> str:
    return export_build(export_id=export_id, language=language)


def export_for_download(*, user, export_id: int, requested_by=None, now=None) -> DataExport | None:
    """The owner's (or, for an administrator, the one they requested on someone's behalf) ready, unexpired
    export; None for anyone else's, an expired or an unfinished one."""
    now = now or timezone.now()
    owner = {"requested_by": requested_by} if requested_by is not None else {"user": user}
    if not owner.get("user", owner.get("requested_by")):
        return None
    return DataExport.objects.filter(pk=export_id, state=State.READY, expires_at__gt=now, **owner).exclude(
        file="").first()


def exports_expire_due(*, now=None, dry_run: bool = False) -> int:
    """Delete the files of exports whose link expired (the periodic sweep); idempotent."""
    now = now or timezone.now()
    due = DataExport.objects.filter(state=State.READY, expires_at__lte=now)
    count = due.count()
    if dry_run:
        return count
    for export in due:
        if export.file:
            export.file.delete(save=False)
        DataExport.objects.filter(pk=export.pk).update(state=State.EXPIRED, file="")
    return count


def exports_for_user(user):
    return DataExport.objects.filter(user=user).order_by("-requested_at", "-id")[:5]
