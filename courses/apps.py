from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    managed_by_coordinators = True  # accounts.roles gives coordinators every permission of this app
    verbose_name = _("Courses")

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save
        from wagtail.models import Locale

        from . import caching, translation
        from .catalogue_pages import CourseIndexPage
        from .permissions import ensure_after_migrate, ensure_on_new_index

        caching.connect_signals()
        post_save.connect(translation.forget_locales, sender=Locale, dispatch_uid="courses.forget_locales.save")
        post_delete.connect(translation.forget_locales, sender=Locale, dispatch_uid="courses.forget_locales.delete")
        post_migrate.connect(ensure_after_migrate, dispatch_uid="courses.coordinator_page_permissions")
        post_save.connect(ensure_on_new_index, sender=CourseIndexPage, dispatch_uid="courses.new_index_permissions")
