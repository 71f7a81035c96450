"""Attendance: one mark per participant and session, its append-only history, self check-in codes and the
completion result written when a cohort is closed.

Imported by enrollment/models.py so that Django registers these models in the `enrollment` app. Models hold
data and constraints only; every write goes through enrollment/attendance/services.py.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..history import AppendOnlyHistory

__all__ = ["AttendanceStatus", "ATTENDED_STATUSES", "Attendance", "AttendanceEvent", "CheckInCode",
           "CompletionResult"]


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    LEFT_EARLY = "left_early", _("Left early")
    EXCUSED = "excused", _("Excused absence")
    ABSENT = "absent", _("Absent")


# Marks that count as having attended the session (late and left-early lose their missed minutes).
ATTENDED_STATUSES = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)
# Marks that carry missed minutes.
PARTIAL_STATUSES = (AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)


class AttendanceSource(models.TextChoices):
    ROSTER = "roster", _("Marked by a trainer or coordinator")
    CHECKIN = "checkin", _("Self check-in")


class Attendance(models.Model):
    """One participant's mark for one session.

    The session normally belongs to the enrollment's own cohort; for a make-up it belongs to another cohort of
    the same course (the enrollment stays where it is) and `makeup_for` may name the missed session it replaces.
    `version` grows with every change so that a save from an older form can be detected and refused.
    """

    enrollment = models.ForeignKey("enrollment.Enrollment", on_delete=models.CASCADE, related_name="attendances",
                                   verbose_name=_("enrollment"))
    session = models.ForeignKey("enrollment.Session", on_delete=models.CASCADE, related_name="attendances",
                                verbose_name=_("session"))
    status = models.CharField(_("status"), max_length=16, choices=AttendanceStatus.choices)
    minutes_missed = models.PositiveSmallIntegerField(_("minutes missed"), default=0)
    makeup_for = models.ForeignKey("enrollment.Session", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="makeups", verbose_name=_("makes up for"))
    source = models.CharField(_("source"), max_length=16, choices=AttendanceSource.choices,
                              default=AttendanceSource.ROSTER)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("marked by"))
    marked_at = models.DateTimeField(_("marked"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "session"], name="one_attendance_per_enrollment_session"),
            models.CheckConstraint(
                condition=Q(status__in=["late", "left_early"]) | Q(minutes_missed=0),
                name="attendance_minutes_only_when_partial",
            ),
        ]

    def __str__(self):
        return f"{self.enrollment_id} · {self.session_id} · {self.get_status_display()}"

    @property
    def is_makeup(self) -> bool:
        return self.session.cohort_id != self.enrollment.cohort_id


class AttendanceEvent(AppendOnlyHistory):
    """Append-only history of every attendance change: who, when, from, to, why."""

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    from_minutes = models.PositiveSmallIntegerField(_("minutes missed before"), default=0)
    to_status = models.CharField(_("to"), max_length=16)
    to_minutes = models.PositiveSmallIntegerField(_("minutes missed after"), default=0)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("attendance history entry")
        verbose_name_plural = _("attendance history")
        ordering = ["at", "id"]


class CheckInCode(models.Model):
    """A short-lived code a trainer shows (also as a QR code) so participants can check themselves in."""

    session = models.ForeignKey("enrollment.Session", on_delete=models.CASCADE, related_name="checkin_codes",
                                verbose_name=_("session"))
    code = models.CharField(_("code"), max_length=12)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("check-in code")
        verbose_name_plural = _("check-in codes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["code", "expires_at"]), models.Index(fields=["session", "created_at"])]

    def __str__(self):
        return f"{self.session_id} · {self.created_at:%H:%M:%S}"


class CompletionResult(models.Model):
    """What the completion rule decided for an enrollment when its cohort was closed (kept for the record)."""

    enrollment = models.OneToOneField("enrollment.Enrollment", on_delete=models.CASCADE, related_name="completion",
                                      verbose_name=_("enrollment"))
    attended_hours = models.DecimalField(_("attended academic hours"), max_digits=6, decimal_places=2)
    total_hours = models.DecimalField(_("course academic hours"), max_digits=6, decimal_places=2)
    required_percent = models.PositiveSmallIntegerField(_("required attendance (%)"))
    mandatory_missed = models.PositiveSmallIntegerField(_("mandatory sessions missed"), default=0)
    completed = models.BooleanField(_("completed"))
    computed_at = models.DateTimeField(_("computed"))
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("completion result")
        verbose_name_plural = _("completion results")

    def __str__(self):
        return f"{self.enrollment_id} · {self.completed}"

    @property
    def percent(self) -> Decimal:
        if not self.total_hours:
            return Decimal("0")
        return (self.attended_hours * 100 / self.total_hours).quantize(Decimal("0.1"))
