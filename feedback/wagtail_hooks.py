"""The "Feedback" menu of the Wagtail admin (results, questionnaires, course settings)."""

from wagtail import hooks

from .admin_views import FeedbackViewSetGroup


@hooks.register("register_admin_viewset")
def register_feedback_viewsets():
    return FeedbackViewSetGroup()
