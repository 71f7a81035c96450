"""Errors a user or coordinator can cause; each carries a translated message that views show as-is.

Services raise them before changing anything (or after committing only what must stay, e.g. an offer that
expired is recorded as expired before `OfferExpired` is raised).
"""

from django.utils.translation import gettext_lazy as _

from accounts.errors import UserFacingError


class EnrollmentError(UserFacingError):
    """Base class: a refusal with a translated, user-facing message."""


class AlreadyEnrolled(EnrollmentError):
    """The person already has an active enrollment in this cohort."""

    default_message = _("You are already enrolled in this cohort.")


class AlreadyEnrolledInCourse(EnrollmentError):
    """The course allows one cohort at a time and the person is active in another cohort of it."""

    default_message = _("You are already enrolled in another cohort of this course.")


class CohortFull(EnrollmentError):
    """No free place (used where joining the waitlist is not an option, e.g. moving a confirmed person)."""

    default_message = _("The cohort has no free places.")


class RegistrationClosed(EnrollmentError):
    """Registration has not opened yet or is already closed."""

    default_message = _("Registration for this cohort is closed.")


class CohortCancelled(EnrollmentError):
    """The cohort was cancelled."""

    default_message = _("This cohort has been cancelled.")


class NotEligible(EnrollmentError):
    """The person does not meet the cohort's eligibility rules; the message says exactly which."""

    default_message = _("You are not eligible for this cohort.")


class CancellationClosed(EnrollmentError):
    """Self-cancellation of a confirmed place is no longer possible (after the cut-off)."""

    default_message = _("It is too late to cancel: please contact the coordinator.")


class OfferExpired(EnrollmentError):
    """The offered place was not accepted in time."""

    default_message = _("The offer has expired and the place was offered to the next person on the waitlist.")


class NotYourEnrollment(EnrollmentError):
    """Acting on somebody else's enrollment."""

    default_message = _("This enrollment is not yours.")


class InvalidTransition(EnrollmentError):
    """The enrollment is not in a state that allows this action."""

    default_message = _("This cannot be done in the enrollment's current state.")


class InvalidLink(EnrollmentError):
    """A signed e-mail link was forged, tampered with or is too old."""

    default_message = _("This link is not valid. It may have been changed or be too old; "
                        "please open My trainings instead.")


class CapacityBelowTaken(EnrollmentError):
    """A cohort's capacity cannot drop below the places already held in it."""

    field = "capacity"
    default_message = _("The capacity cannot be lower than the number of people already holding a place.")


class TrainersRefused(EnrollmentError):
    """A higher app (certificates: the qualification rule) refused one or more of the trainers being added."""

    field = "trainers"
    default_message = _("These people cannot teach this cohort.")
