"""The states of cohorts, sessions and enrollments, and the groups of states the rules speak of.

A module of its own so that models, the place rules (places.py) and the services share one definition.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CohortStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open for registration")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class EnrollmentPolicy(models.TextChoices):
    OPEN = "open", _("Open: first come, first served")
    APPROVAL = "approval", _("Needs a coordinator's approval")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class EnrollmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Wait-listed")
    OFFERED = "offered", _("Place offered")
    CANCELLED = "cancelled", _("Cancelled")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Offer expired")
    REJECTED = "rejected", _("Rejected")
    COMPLETED = "completed", _("Completed")
    NOT_COMPLETED = "not_completed", _("Not completed")


# Statuses that hold or wait for a place; one such enrollment per user and cohort.
ACTIVE_STATUSES = (
    EnrollmentStatus.PENDING, EnrollmentStatus.CONFIRMED, EnrollmentStatus.WAITLISTED,
    EnrollmentStatus.OFFERED, EnrollmentStatus.COMPLETED, EnrollmentStatus.NOT_COMPLETED,
)
# Statuses that occupy one of the cohort's places.
SEAT_STATUSES = (EnrollmentStatus.CONFIRMED, EnrollmentStatus.OFFERED, EnrollmentStatus.COMPLETED,
                 EnrollmentStatus.NOT_COMPLETED)
# Statuses a person (or a coordinator) may still cancel.
CANCELLABLE_STATUSES = (EnrollmentStatus.PENDING, EnrollmentStatus.CONFIRMED, EnrollmentStatus.WAITLISTED,
                        EnrollmentStatus.OFFERED)
# Cohort statuses in which places are still handed out (offers, approvals).
LIVE_COHORT_STATUSES = (CohortStatus.PLANNED, CohortStatus.OPEN, CohortStatus.RUNNING)
# Cohort statuses in which registration may be open (the dates decide: places.registration_state).
REGISTRATION_COHORT_STATUSES = (CohortStatus.OPEN, CohortStatus.RUNNING)
