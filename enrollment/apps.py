from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _
from wagtail.signals import page_published


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    managed_by_coordinators = True  # accounts.roles gives coordinators every permission of this app
    verbose_name = _("Enrollment")

    def ready(self):
        # Calendar: SEQUENCE bumps on session/cohort changes, and iTIP invitations on enrollment e-mails.
        from .calendar import receivers  # noqa: F401 (connects the calendar signal receivers)
        from .calendar.invitations import attach_invitations
        from .emails import ATTACHMENT_BUILDERS
        from .my_trainings import cache as my_trainings_cache

        for signal in (post_save, post_delete):
            signal.connect(my_trainings_cache.attendance_changed, sender="enrollment.Attendance",
                           dispatch_uid=f"my_trainings_cache.{signal is post_save}")
        if attach_invitations not in ATTACHMENT_BUILDERS:
            ATTACHMENT_BUILDERS.append(attach_invitations)
        self.connect_course_pages()

    def connect_course_pages(self):
        """Course pages show this app's cohorts through the course schedule hook (courses/schedule.py); the
        pages that show a course, and the My trainings lists, go stale when its cohorts, sessions or
        enrollments change (cache_receivers.py)."""
        from accounts import profile_links
        from courses import schedule

        from . import cache_receivers
        from .course_schedule import EnrollmentCourseSchedule

        schedule.register(EnrollmentCourseSchedule())
        profile_links.register("calendar_settings", _("Calendar feed"))
        for model in cache_receivers.WATCHED:
            for signal in (post_save, post_delete):
                signal.connect(cache_receivers.schedule_changed, sender=model,
                               dispatch_uid=f"enrollment.caches.{model.__name__}.{signal is post_save}")
        for signal in (post_save, post_delete):
            signal.connect(cache_receivers.course_content_changed, sender="courses.Venue",
                           dispatch_uid=f"enrollment.caches.venue.{signal is post_save}")
        page_published.connect(cache_receivers.course_content_changed, dispatch_uid="enrollment.caches.published")
