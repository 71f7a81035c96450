"""Cohorts (scheduled runs of a course), their sessions, enrollments with history, and attendance.

Models hold data and constraints only; every state change goes through enrollment/services.py.
"""

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, IntegerField, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from courses.translation import source_page

from .history import AppendOnlyHistory
from .places import RegistrationState, registration_state
from .statuses import (
    ACTIVE_STATUSES,
    LIVE_COHORT_STATUSES,
    REGISTRATION_COHORT_STATUSES,
    SEAT_STATUSES,
    CohortStatus,
    EnrollmentPolicy,
    EnrollmentStatus,
    SessionStatus,
)

__all__ = [
    "ACADEMIC_HOUR_MINUTES", "ACTIVE_STATUSES", "SEAT_STATUSES", "Cohort", "CohortStatus", "Enrollment",
    "EnrollmentEvent", "EnrollmentPolicy", "EnrollmentStatus", "Session", "SessionStatus",
]

ACADEMIC_HOUR_MINUTES = 45


def _count(status_filter: Q):
    rows = (Enrollment.objects.filter(status_filter, cohort=OuterRef("pk")).order_by()
            .values("cohort").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _session_bound(aggregate):
    rows = (Session.objects.filter(cohort=OuterRef("pk")).exclude(status=SessionStatus.CANCELLED).order_by()
            .values("cohort").annotate(bound=aggregate).values("bound"))
    return Subquery(rows, output_field=models.DateTimeField())


class CohortQuerySet(models.QuerySet):
    """Cohort reads that every page shares. Each annotation is a correlated subquery, so they combine with
    any filter, ``values()`` or ``__in`` lookup and never multiply rows."""

    def with_place_counts(self):
        """`seats_taken`, `waiting`, `pending` and `free_places` (see places.free_places())."""
        return self.annotate(
            seats_taken=_count(Q(status__in=SEAT_STATUSES)),
            waiting=_count(Q(status=EnrollmentStatus.WAITLISTED)),
            pending=_count(Q(status=EnrollmentStatus.PENDING)),
        ).annotate(free_places=Greatest(F("capacity") - F("seats_taken") - F("waiting"), Value(0)))

    def with_dates(self):
        """`first_start` and `last_end` of the sessions that are not cancelled (None without sessions)."""
        return self.annotate(first_start=_session_bound(Min("starts_at")), last_end=_session_bound(Max("ends_at")))

    def open_for_enrollment(self, *, now: dt.datetime):
        """Cohorts a person can enroll in now (see places.registration_state(); needs with_dates())."""
        return self.filter(
            Q(status__in=REGISTRATION_COHORT_STATUSES),
            Q(registration_opens__isnull=True) | Q(registration_opens__lte=now),
            Q(registration_closes__gt=now)
            | Q(registration_closes__isnull=True, first_start__isnull=True)
            | Q(registration_closes__isnull=True, first_start__gt=now),
        )

    def upcoming(self, *, now: dt.datetime):
        """Planned, open or running cohorts that are not over yet (needs with_dates())."""
        return self.filter(Q(status__in=LIVE_COHORT_STATUSES), Q(last_end__isnull=True) | Q(last_end__gte=now))


class Cohort(ClusterableModel):
    """One scheduled run of a course with its own capacity, trainers and registration window."""

    objects = CohortQuerySet.as_manager()

    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="cohorts",
                               verbose_name=_("course"))
    code = models.SlugField(_("code"), max_length=50, unique=True,
                            help_text=_("A short unique code, for example GBG-2026-TARTU."))
    title = models.CharField(_("title"), max_length=200, blank=True,
                             help_text=_("Optional, e.g. the town or season; the course title is shown first."))
    capacity = models.PositiveIntegerField(_("capacity"), help_text=_("Number of places."))
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    policy = models.CharField(_("enrollment policy"), max_length=16, choices=EnrollmentPolicy.choices,
                              default=EnrollmentPolicy.OPEN)
    eligible_counties = models.ManyToManyField("accounts.County", blank=True, related_name="+",
                                               verbose_name=_("open to counties"),
                                               help_text=_("Empty: every county."))
    eligible_professions = models.JSONField(_("open to professions"), default=list, blank=True,
                                            help_text=_("Empty: every profession."))
    prerequisite_courses = models.ManyToManyField("courses.CoursePage", blank=True, related_name="+",
                                                  verbose_name=_("courses to complete first"))
    cancellation_cutoff_hours = models.PositiveIntegerField(
        _("cancellation cut-off (hours before start)"), default=48,
        help_text=_("Participants may cancel themselves until this many hours before the first session."))
    offer_hours = models.PositiveIntegerField(
        _("hours to answer an offered place"), default=48)
    trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="taught_cohorts",
                                      verbose_name=_("trainers"))
    status = models.CharField(_("status"), max_length=16, choices=CohortStatus.choices,
                              default=CohortStatus.OPEN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=0), name="cohort_capacity_not_negative"),
            models.CheckConstraint(
                condition=Q(registration_closes__isnull=True) | Q(registration_opens__isnull=True)
                | Q(registration_closes__gt=models.F("registration_opens")),
                name="cohort_registration_closes_after_opens",
            ),
        ]

    def __str__(self):
        return f"{self.course.title} · {self.title or self.code}"

    def registration_state(self, *, now, first_start) -> RegistrationState:
        """Whether a person can enroll now (the one rule: places.registration_state)."""
        return registration_state(status=self.status, registration_opens=self.registration_opens,
                                  registration_closes=self.registration_closes, first_start=first_start, now=now)

    def clean(self):
        if self.registration_opens and self.registration_closes and self.registration_closes <= self.registration_opens:
            raise ValidationError({"registration_closes": _("Registration must close after it opens.")})
        if self.course_id:
            self.course = source_page(self.course)  # a cohort is always of the Estonian (source) course page


class Session(models.Model):
    """A dated meeting of a cohort, in person at a venue or online."""

    # A ParentalKey so that the Wagtail admin can edit sessions inline on the cohort (InlinePanel).
    cohort = ParentalKey(Cohort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cohort"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.ForeignKey("courses.Venue", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="sessions", verbose_name=_("venue"))
    online_url = models.URLField(_("online meeting link"), blank=True)
    academic_hours_override = models.DecimalField(
        _("academic hours"), max_digits=5, decimal_places=1, null=True, blank=True,
        help_text=_("Leave empty to count from the times (45 minutes each)."))
    mandatory = models.BooleanField(_("attendance mandatory"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=SessionStatus.choices,
                              default=SessionStatus.SCHEDULED)
    uid = models.UUIDField(_("calendar identifier"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_starts"),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self):
        return self.title or f"{self.cohort} {self.starts_at:%Y-%m-%d}"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A session must end after it starts.")})

    @property
    def academic_hours(self) -> Decimal:
        if self.academic_hours_override is not None:
            return self.academic_hours_override
        minutes = Decimal((self.ends_at - self.starts_at).total_seconds()) / 60
        return (minutes / ACADEMIC_HOUR_MINUTES).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class Enrollment(models.Model):
    """A person's place (or wish for one) in a cohort."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments",
                             verbose_name=_("participant"))
    # No index of its own: the (cohort, status) index below serves every lookup by cohort, and each enrollment
    # written paid for a second one.
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("cohort"),
                               db_index=False)
    status = models.CharField(_("status"), max_length=16, choices=EnrollmentStatus.choices)
    answers = models.JSONField(_("answers to sign-up questions"), default=dict, blank=True)
    waitlist_joined_at = models.DateTimeField(_("joined the waitlist"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    language = models.CharField(_("language for e-mails"), max_length=8, default="et",
                                help_text=_("The language the participant used when enrolling."))
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)
    moved_from = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, editable=False,
                                      related_name="moved_to", verbose_name=_("moved from"),
                                      help_text=_("The enrollment in another cohort this one replaced."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cohort"], condition=Q(status__in=[s.value for s in ACTIVE_STATUSES]),
                name="one_active_enrollment_per_user_and_cohort",
            ),
        ]
        indexes = [models.Index(fields=["cohort", "status"])]

    def __str__(self):
        return f"{self.user} · {self.cohort} · {self.get_status_display()}"


class EnrollmentEvent(AppendOnlyHistory):
    """Append-only history of every status change of an enrollment: who, when, from, to, why."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("enrollment history entry")
        verbose_name_plural = _("enrollment history")
        ordering = ["at", "id"]


# Attendance lives in its own sub-package; importing its models here registers them with this app.
from .attendance.models import (  # noqa: E402
    ATTENDED_STATUSES,
    Attendance,
    AttendanceEvent,
    AttendanceStatus,
    CheckInCode,
    CompletionResult,
)

__all__ += ["ATTENDED_STATUSES", "Attendance", "AttendanceEvent", "AttendanceStatus", "CheckInCode",
            "CompletionResult"]
