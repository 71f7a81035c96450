"""Page permissions of the Coordinators group on the catalogue, set by code (never by hand in the admin).

accounts.roles gives the group its model permissions (snippets, cohorts, ...) and admin access; Wagtail
page permissions are per subtree, so they are granted here on every catalogue page: coordinators add, edit,
publish (which includes scheduling and unpublishing) and lock course and programme pages, and nothing above
the catalogue (the home page stays with administrators).
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from .catalogue_pages import CourseIndexPage

COORDINATORS = "Coordinators"  # the same name as accounts.roles.COORDINATORS
COORDINATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


def ensure_coordinator_page_permissions() -> int:
    """Grant the Coordinators group the catalogue page permissions on every CourseIndexPage; idempotent.

    Returns the number of permission rows created.
    """
    group, _created = Group.objects.get_or_create(name=COORDINATORS)
    permissions = list(Permission.objects.filter(content_type__app_label="wagtailcore",
                                                 content_type__model="page",
                                                 codename__in=COORDINATOR_PAGE_PERMISSIONS))
    created = 0
    for index in CourseIndexPage.objects.all():
        for permission in permissions:
            _row, made = GroupPagePermission.objects.get_or_create(group=group, page_id=index.pk,
                                                                   permission=permission)
            created += int(made)
    return created


def ensure_after_migrate(sender, app_config=None, using="default", **kwargs):
    """post_migrate hook (after the courses app): keep the permissions on existing catalogue pages."""
    if app_config is not None and app_config.label != "courses":
        return
    if not Permission.objects.using(using).filter(content_type__app_label="wagtailcore").exists():
        return
    ensure_coordinator_page_permissions()


def ensure_on_new_index(sender, instance, created=False, raw=False, **kwargs):
    """post_save of a CourseIndexPage: a new catalogue gets the coordinators' permissions too."""
    if created and not raw:
        ensure_coordinator_page_permissions()
