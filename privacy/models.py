"""Requests a person makes about their own data (a download, an erasure), what is kept after an erasure and
until when, and the warning before an inactive account is erased.

Models hold data only; every change goes through privacy/services/.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class DataExport(models.Model):
    """One "My data" download: built in the background, kept in the private storage until it expires."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("person"))
    # A coordinator or administrator who made it on the person's behalf (then it is in the audit log too).
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("requested by"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), storage=private_storage, upload_to="privacy/", blank=True, editable=False)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal data download")
        verbose_name_plural = _("personal data downloads")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"#{self.pk} · {self.get_state_display()}"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class ErasureRequest(models.Model):
    """A person's request to delete their account (or the erasure of an inactive account): when, and what is
    kept until when. Holds no name: the account it points to is anonymised."""

    class Reason(models.TextChoices):
        REQUEST = "request", _("Requested by the person")
        INACTIVITY = "inactivity", _("Account inactive")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("account"))
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices, default=Reason.REQUEST)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    retain_until = models.DateField(
        _("participation kept until"), null=True, blank=True,
        help_text=_("Participation in funded trainings is kept, restricted, for the funder's audit until this date."))
    retained_anonymised_at = models.DateTimeField(_("kept records anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"#{self.pk}"


class RetainedIdentity(models.Model):
    """The one place where an erased person's name survives, restricted, while the funder's audit may ask who
    took part in a funded training; deleted on `retain_until` by the retention sweep. Never shown in rosters,
    exports or listings; administrators only."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    retain_until = models.DateField()

    class Meta:
        verbose_name = _("identity kept for an audit")
        verbose_name_plural = _("identities kept for an audit")

    def __str__(self):
        return f"#{self.user_id}"


class InactivityWarning(models.Model):
    """Sent before an inactive account is erased; a log-in after it cancels the erasure."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    warned_at = models.DateTimeField()

    def __str__(self):
        return f"#{self.user_id}"


from .notice import PrivacyNotice  # noqa: E402,F401 (the setting is a model of this app)
