"""Certificates, their re-issue history, the yearly number sequence, and trainer qualifications.

Models hold data, constraints and small derived properties only; every write goes through
certificates/services.py.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

# Verification codes: 16 characters from an alphabet without look-alikes (0/O, 1/I/L) = 80 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16
# A qualification is "expiring" this many days before its end.
EXPIRING_DAYS = 90


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def private_storage():
    """STORAGES["private"]: outside MEDIA_ROOT, never served by the proxy (see docs/operations.md)."""
    return storages["private"]


def normalize_code(raw: str) -> str:
    """What a person typed (lower case, spaces, dashes) to the stored form."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


class CertificateSequence(models.Model):
    """The last certificate number used in a year; its row is locked while a number is allocated."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("certificate number sequence")


class StatusList(models.Model):
    """A published BitstringStatusListCredential (purpose "revocation", /credentials/status/<number>) whose
    entries are CredentialStatusEntry rows (certificates/credentials/services.py). Its row is locked while an
    index is allocated."""

    number = models.PositiveIntegerField(primary_key=True)
    allocated = models.PositiveIntegerField(_("indexes allocated"), default=0)

    class Meta:
        verbose_name = _("credential status list")

    def __str__(self):
        return f"status list {self.number}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class Certificate(models.Model):
    """A certificate of completion of a course or a programme, with the facts as they were when issued."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    code = models.CharField(_("verification code"), max_length=32, unique=True, default=new_verification_code,
                            editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates",
                             verbose_name=_("holder"))
    holder_name = models.CharField(_("holder's name"), max_length=200)
    course = models.ForeignKey("courses.CoursePage", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="certificates", verbose_name=_("course"))
    programme = models.ForeignKey("courses.ProgrammePage", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="certificates", verbose_name=_("programme"))
    title = models.CharField(_("title of the training"), max_length=255)
    enrollment = models.OneToOneField("enrollment.Enrollment", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="certificate", verbose_name=_("enrollment"))
    cohort_code = models.CharField(_("cohort"), max_length=50, blank=True)
    exception_reason = models.CharField(
        _("reason for issuing by hand"), max_length=500, blank=True,
        help_text=_("Required when a coordinator issues a certificate without a completed enrollment."))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    started_on = models.DateField(_("training started"), null=True, blank=True)
    completed_on = models.DateField(_("training completed"))
    academic_hours = models.DecimalField(_("academic hours attended"), max_digits=6, decimal_places=2)
    provider_name = models.CharField(_("provider"), max_length=200, blank=True)
    trainer_names = models.JSONField(_("trainers"), default=list, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("revoked by"))
    version = models.PositiveIntegerField(_("version"), default=1)
    # The PDF of version `pdf_version`, in the private storage under a random name (certificates/rendering.py).
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to="certificates/", blank=True, editable=False)
    pdf_version = models.PositiveIntegerField(_("version of the stored PDF"), default=0, editable=False)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(course__isnull=False) & Q(programme__isnull=True))
                | (Q(course__isnull=True) & Q(programme__isnull=False)),
                name="certificate_course_xor_programme",
            ),
            models.CheckConstraint(
                condition=Q(enrollment__isnull=False) | ~Q(exception_reason=""),
                name="certificate_without_enrollment_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""),
                name="certificate_revocation_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.number} · {self.holder_name}"

    def status_on(self, when: dt.datetime | None = None) -> str:
        when = when or timezone.now()
        if self.revoked_at is not None:
            return CertificateStatus.REVOKED
        if self.expires_at is not None and self.expires_at <= when:
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID

    @property
    def status(self) -> str:
        return self.status_on()

    @property
    def status_label(self) -> str:
        return CertificateStatus(self.status).label

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID

    @property
    def code_display(self) -> str:
        return "-".join(self.code[i:i + 4] for i in range(0, len(self.code), 4))

    @property
    def verification_path(self) -> str:
        """The public page, always in the default language, so that a credential's id never changes."""
        with translation.override(settings.LANGUAGE_CODE):
            return reverse("certificate_verify_detail", kwargs={"code": self.code})

    @property
    def verification_url(self) -> str:
        return settings.SITE_URL.rstrip("/") + self.verification_path

    @property
    def training(self):
        return self.course or self.programme

    @property
    def issued_by_hand(self) -> bool:
        """Issued by a coordinator outside the automatic path (see ISSUED_BY_HAND)."""
        return bool(self.exception_reason) and self.issued_by_id is not None


# A certificate a coordinator issued by hand: it has a reason and the coordinator who issued it. A programme's
# certificate issued automatically also carries a reason (the model asks one of every certificate without an
# enrollment) but no issuer.
ISSUED_BY_HAND = ~Q(exception_reason="") & Q(issued_by__isnull=False)


class CredentialStatusEntry(models.Model):
    """The bit of one version of a certificate's credential in a status list (its BitstringStatusListEntry).

    Allocated once, when that version's credential is first built, and never given to anything else. The bit is
    set (revoked) while the certificate is revoked and, for good, once a later version replaced this one (a
    re-issue, or a certificate the system revoked and restored): revocation is never undone in the list; the
    restored certificate's credential is a new version with a new entry."""

    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="entries")
    index = models.PositiveIntegerField(_("index in the status list"))
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="status_entries")
    version = models.PositiveIntegerField(_("version"))
    allocated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("credential status entry")
        constraints = [
            models.UniqueConstraint(fields=["status_list", "index"], name="one_entry_per_status_list_index"),
            models.UniqueConstraint(fields=["certificate", "version"], name="one_entry_per_certificate_version"),
        ]


class CertificateRevision(models.Model):
    """Append-only history of a certificate: what it said before it was re-issued, and why."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("version"))
    holder_name = models.CharField(_("holder's name"), max_length=200)
    issued_at = models.DateTimeField(_("issued"))
    replaced_at = models.DateTimeField(_("replaced"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=500)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    class Meta:
        verbose_name = _("certificate revision")
        verbose_name_plural = _("certificate revisions")
        ordering = ["certificate", "version"]
        constraints = [models.UniqueConstraint(fields=["certificate", "version"], name="one_revision_per_version")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Certificate history is append-only.")
        super().save(*args, **kwargs)


class QualificationStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expiring soon")
    EXPIRED = "expired", _("Expired")
    SUSPENDED = "suspended", _("Suspended")


class TrainerQualification(models.Model):
    """A person's right to train a course, earned in a cohort taught by named trainers (the lineage)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qualifications",
                             verbose_name=_("trainer"))
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="qualifications",
                               verbose_name=_("qualified to train"))
    source_cohort = models.ForeignKey("enrollment.Cohort", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="qualifications_granted", verbose_name=_("earned in cohort"))
    source_trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                             related_name="trained_qualifications", verbose_name=_("trained by"))
    certificate = models.ForeignKey(Certificate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("certificate"))
    granted_at = models.DateField(_("granted"))
    valid_until = models.DateField(_("valid until"))
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    suspended_reason = models.CharField(_("reason for suspension"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True,
                            help_text=_("For a qualification granted by hand, e.g. a founding trainer."))
    reminder_90_sent_at = models.DateTimeField(_("90-day reminder sent"), null=True, blank=True, editable=False)
    reminder_30_sent_at = models.DateTimeField(_("30-day reminder sent"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("trainer qualification")
        verbose_name_plural = _("trainer qualifications")
        ordering = ["course", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_qualification_per_user_and_course"),
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("granted_at")),
                                   name="qualification_valid_after_granted"),
        ]
        indexes = [models.Index(fields=["course", "valid_until"])]

    def __str__(self):
        return f"{self.user} · {self.course.title}"

    def status_on(self, day: dt.date | None = None) -> str:
        day = day or timezone.localdate()
        if self.suspended_at is not None:
            return QualificationStatus.SUSPENDED
        if self.valid_until < day:
            return QualificationStatus.EXPIRED
        if self.valid_until <= day + dt.timedelta(days=EXPIRING_DAYS):
            return QualificationStatus.EXPIRING
        return QualificationStatus.VALID

    @property
    def status(self) -> str:
        return self.status_on()

    @property
    def status_label(self) -> str:
        return QualificationStatus(self.status).label

    def allows_teaching_on(self, day: dt.date | None = None) -> bool:
        return self.status_on(day) in (QualificationStatus.VALID, QualificationStatus.EXPIRING)


class QualificationEvent(models.Model):
    """Append-only history of a qualification: granted, renewed (and how), suspended, reinstated."""

    class Kind(models.TextChoices):
        GRANTED = "granted", _("Granted")
        RENEWED_BY_TEACHING = "renewed_teaching", _("Renewed by delivering a cohort")
        RENEWED_BY_REFRESHER = "renewed_refresher", _("Renewed by a refresher course")
        SUSPENDED = "suspended", _("Suspended")
        REINSTATED = "reinstated", _("Reinstated")
        # The completion of the course that granted it was withdrawn, or its certificate revoked (suspended by
        # the system), and restored when the completion comes back.
        WITHDRAWN = "withdrawn", _("Withdrawn with the completion that granted it")
        RESTORED = "restored", _("Restored with the completion that granted it")

    qualification = models.ForeignKey(TrainerQualification, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    cohort = models.ForeignKey("enrollment.Cohort", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    valid_until_before = models.DateField(_("valid until, before"), null=True, blank=True)
    valid_until_after = models.DateField(_("valid until, after"), null=True, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("qualification history entry")
        verbose_name_plural = _("qualification history")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["qualification", "kind", "cohort"], condition=Q(cohort__isnull=False),
                                    name="one_qualification_event_per_cohort"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Qualification history is append-only.")
        super().save(*args, **kwargs)
