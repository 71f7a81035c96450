"""The "Enrollment" menu of the Wagtail admin: cohorts and enrollments."""

from django.utils.translation import gettext_lazy
from wagtail.admin.viewsets.model import ModelViewSetGroup

from .cohorts import CohortViewSet
from .enrollments import EnrollmentViewSet


class EnrollmentViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Enrollment")
    menu_icon = "group"
    menu_order = 250
    items = (CohortViewSet, EnrollmentViewSet)
