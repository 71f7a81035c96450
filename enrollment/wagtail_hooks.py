"""The "Enrollment" menu of the Wagtail admin (cohorts, enrollments) and the enrollments' bulk actions.

The admin itself lives in the `enrollment.admin` package; Wagtail discovers this module at the app root.
"""

from wagtail import hooks

from .admin.bulk_actions import ApproveBulkAction, CancelBulkAction, MoveBulkAction, RejectBulkAction
from .admin.menu import EnrollmentViewSetGroup


@hooks.register("register_admin_viewset")
def register_enrollment_viewsets():
    return EnrollmentViewSetGroup()


hooks.register("register_bulk_action", ApproveBulkAction)
hooks.register("register_bulk_action", RejectBulkAction)
hooks.register("register_bulk_action", CancelBulkAction)
hooks.register("register_bulk_action", MoveBulkAction)
