"""The "Enrollment" menu of the Wagtail admin (cohorts, enrollments) and the enrollments' bulk actions."""

from wagtail import hooks

from .admin_views import ApproveBulkAction, CancelBulkAction, EnrollmentViewSetGroup, MoveBulkAction, RejectBulkAction


@hooks.register("register_admin_viewset")
def register_enrollment_viewsets():
    return EnrollmentViewSetGroup()


hooks.register("register_bulk_action", ApproveBulkAction)
hooks.register("register_bulk_action", RejectBulkAction)
hooks.register("register_bulk_action", CancelBulkAction)
hooks.register("register_bulk_action", MoveBulkAction)
