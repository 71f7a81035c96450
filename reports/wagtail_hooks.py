"""The "Reports" admin section (menu item and URLs) and the coordinators' desk on the admin home page."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from accounts.roles import is_coordinator

from .panels import desk_panels
from .views import (
    ExportFileView,
    ExportStatusView,
    ExportView,
    ReportDownloadView,
    ReportIndexView,
    ReportView,
)

urlpatterns = [
    path("", ReportIndexView.as_view(), name="index"),
    # Background downloads ("downloads/" is no report's slug).
    path("downloads/<int:pk>/", ExportView.as_view(), name="export"),
    path("downloads/<int:pk>/status.json", ExportStatusView.as_view(), name="export_status"),
    path("downloads/<int:pk>/file", ExportFileView.as_view(), name="export_file"),
    path("<slug:report>/", ReportView.as_view(), name="report"),
    path("<slug:report>/<slug:table>.<str:fmt>", ReportDownloadView.as_view(), name="download"),
]


class CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_coordinator(request.user)


@hooks.register("register_admin_urls")
def register_reports_urls():
    return [path("reports/", include((urlpatterns, "reports"), namespace="reports"))]


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return CoordinatorMenuItem(gettext_lazy("Reports"), reverse("reports:index"), name="reports", icon_name="table",
                               order=450)


@hooks.register("construct_homepage_panels")
def coordinators_desk(request, panels):
    if is_coordinator(request.user):
        panels.extend(desk_panels())


@hooks.register("construct_homepage_summary_items", order=1000)
def no_page_counts_for_coordinators(request, summary_items):
    """Coordinators get their desk instead of Wagtail's page, image and document counts (after every other hook)."""
    if is_coordinator(request.user):
        summary_items.clear()
