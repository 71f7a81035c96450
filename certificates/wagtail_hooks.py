"""Certificates in the Wagtail admin: a "Certificates" menu for coordinators with the certificate list
(issue by hand, revoke), the trainer register (CSV) and the lineage of each course."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from accounts.roles import is_coordinator

from . import admin_views

app_name = "certificates_admin"

urlpatterns = [
    path("", admin_views.certificate_list, name="list"),
    path("issue/", admin_views.certificate_issue, name="issue"),
    path("<int:pk>/revoke/", admin_views.certificate_revoke, name="revoke"),
    path("trainers/", admin_views.trainer_register, name="register"),
    path("trainers/<int:pk>/suspend/", admin_views.qualification_suspend, name="suspend"),
    path("lineage/", admin_views.lineage_index, name="lineage_index"),
    path("lineage/<int:course_id>/", admin_views.lineage, name="lineage"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("certificates/", include((urlpatterns, app_name), namespace=app_name))]


class CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_coordinator(request.user)


@hooks.register("register_admin_menu_item")
def register_menu():
    menu = Menu(items=[
        CoordinatorMenuItem(_("Certificates"), reverse("certificates_admin:list"), icon_name="doc-full", order=1),
        CoordinatorMenuItem(_("Trainer register"), reverse("certificates_admin:register"), icon_name="group",
                            order=2),
        CoordinatorMenuItem(_("Trainer lineage"), reverse("certificates_admin:lineage_index"), icon_name="site",
                            order=3),
    ])
    return SubmenuMenuItem(_("Certificates"), menu, icon_name="doc-full", name="certificates", order=400)
