from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = _("Enrollment")

    def ready(self):
        # Calendar: SEQUENCE bumps on session/cohort changes, and iTIP invitations on enrollment e-mails.
        from django.db.models.signals import post_delete, post_save

        from . import calendar_signals  # noqa: F401
        from .calendar_invitations import attach_invitations
        from .emails import ATTACHMENT_BUILDERS
        from .my_trainings import cache as my_trainings_cache

        for signal in (post_save, post_delete):
            signal.connect(my_trainings_cache.attendance_changed, sender="enrollment.Attendance",
                           dispatch_uid=f"my_trainings_cache.{signal is post_save}")
        if attach_invitations not in ATTACHMENT_BUILDERS:
            ATTACHMENT_BUILDERS.append(attach_invitations)
