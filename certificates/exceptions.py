"""Errors a coordinator or the system can cause around certificates and qualifications; each carries a
translated message that views show as-is."""

from django.utils.translation import gettext_lazy as _

from accounts.errors import UserFacingError


class CertificateError(UserFacingError):
    """Base class: a refusal with a translated, user-facing message."""


class AlreadyIssued(CertificateError):
    """The enrollment already has its certificate."""

    default_message = _("A certificate has already been issued for this enrollment.")


class NotCompleted(CertificateError):
    """The enrollment has not been completed, so no certificate can be issued for it."""

    default_message = _("A certificate can only be issued for a completed enrollment.")


class ReasonRequired(CertificateError):
    """Issuing by hand, revoking and re-issuing need a written reason."""

    default_message = _("Please give a reason.")


class AlreadyRevoked(CertificateError):
    """The certificate was revoked before."""

    default_message = _("This certificate has already been revoked.")


class NothingToReissue(CertificateError):
    """Re-issue was asked for but nothing on the certificate would change."""

    default_message = _("The holder's name has not changed, so there is nothing to re-issue.")


class TrainerNotQualified(CertificateError):
    """One or more trainers lack a valid qualification for the course."""

    default_message = _("Only trainers with a valid qualification can teach this course.")
