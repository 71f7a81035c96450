"""The one thing the reports write: a large table's download, built in the background (reports/downloads.py).

Every report is computed from the other apps' data on each request; only a download too large to build while the
coordinator waits gets a row here, created in the same transaction as its task, and its file lives in the
private storage until it expires (then `manage.py sweep` deletes both).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class ReportExport(models.Model):
    """One background download of one report table, for the coordinator who asked (and only them)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("requested by"))
    report = models.SlugField(_("report"), max_length=32)
    table = models.SlugField(_("table"), max_length=32)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    # The filters as the report page's canonical query string (Scope.query_string), and the moment the figures
    # are taken at (Scope.now): a rebuild after a crash gives the same numbers as the first attempt would have.
    query = models.CharField(_("filters"), max_length=500, blank=True)
    as_of = models.DateTimeField(_("figures as of"))
    language = models.CharField(_("language"), max_length=8)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    # The file's name in the private storage (reports/<token>.<format>) is chosen when the job is created, random
    # and unguessable, so that a second run of the task replaces the file instead of adding another.
    token = models.CharField(max_length=64, unique=True, editable=False)
    file = models.FileField(_("file"), storage=private_storage, upload_to="reports/", max_length=200, blank=True,
                            editable=False)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("report download")
        verbose_name_plural = _("report downloads")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["expires_at"], name="reports_export_expires_idx")]

    def __str__(self):
        return f"{self.report}/{self.table}.{self.format} #{self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
