"""Refusals of attendance, check-in and completion; each carries a translated message that views show as-is.

Services raise them before writing anything.
"""

from django.utils.translation import gettext_lazy as _

from accounts.errors import UserFacingError


class AttendanceError(UserFacingError):
    """Base class: a refusal with a translated, user-facing message."""


class NotAllowed(AttendanceError):
    """The actor is neither a trainer of the session's cohort nor a coordinator."""

    default_message = _("Only the trainers of this cohort and coordinators may mark its attendance.")


class NotMarkable(AttendanceError):
    """The enrollment is not confirmed (e.g. cancelled or wait-listed) or belongs to another course."""

    default_message = _("Attendance can only be marked for confirmed participants of this course.")


class SessionNotMarkable(AttendanceError):
    """The session was cancelled or has not begun."""

    default_message = _("Attendance cannot be marked for this session.")


class AttendanceLocked(AttendanceError):
    """The marks are locked because the session ended too long ago."""

    default_message = _("The marks of this session are locked. Please ask a coordinator to correct them.")


class ReasonRequired(AttendanceError):
    """A coordinator corrects a locked mark without giving a reason."""

    default_message = _("The marks of this session are locked: give a reason for the correction.")


class InvalidMark(AttendanceError):
    """The mark is malformed (unknown status, minutes out of range)."""

    default_message = _("The mark is not valid.")


class CheckInError(AttendanceError):
    """Base class for self check-in refusals."""


class CheckInClosed(CheckInError):
    """Check-in is tried outside the session window."""

    default_message = _("Check-in for this session is not open now.")


class WrongCode(CheckInError):
    """No session has this code."""

    default_message = _("This code is not correct. Please check it and try again.")


class CodeExpired(CheckInError):
    """The code existed but is no longer valid."""

    default_message = _("This code has expired. Please enter the code the trainer is showing now.")


class AlreadyCheckedIn(CheckInError):
    """The participant is already marked present for this session."""

    default_message = _("You are already checked in for this session.")


class NotEnrolled(CheckInError):
    """The participant has no confirmed place in the session's cohort."""

    default_message = _("You do not have a confirmed place in this cohort.")


class CheckInThrottled(CheckInError):
    """Too many wrong codes from this person, or for this session, within the failure window."""

    default_message = _("Too many wrong codes. Please wait a few minutes and try again, or ask the trainer "
                        "to mark you present.")


class CohortNotClosable(AttendanceError):
    """The cohort is already finished, cancelled, or still has sessions to come."""

    default_message = _("This cohort cannot be closed.")
