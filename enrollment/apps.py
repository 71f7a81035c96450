from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = _("Enrollment")

    def ready(self):
        # Calendar: SEQUENCE bumps on session/cohort changes, and iTIP invitations on enrollment e-mails.
        from . import calendar_signals  # noqa: F401
        from .calendar_invitations import attach_invitations
        from .emails import ATTACHMENT_BUILDERS

        if attach_invitations not in ATTACHMENT_BUILDERS:
            ATTACHMENT_BUILDERS.append(attach_invitations)
