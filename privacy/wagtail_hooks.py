"""Privacy in the Wagtail admin: erasure requests, and "My data" on a person's behalf (admin_views.py)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.roles import is_administrator

from .admin_views import CoordinatorsView, ErasureRequestViewSet, on_behalf_url
from .models import ErasureRequest
from .notice import PrivacyNotice

register_permission_policy(ErasureRequest, CoordinatorsView(ErasureRequest))


@hooks.register("register_admin_viewset")
def register_erasure_requests():
    return ErasureRequestViewSet()


class AdministratorsMenuItem(MenuItem):
    def is_shown(self, request):
        return is_administrator(request.user)


@hooks.register("register_admin_menu_item")
def register_on_behalf_menu_item():
    return AdministratorsMenuItem(_("Personal data on behalf"), on_behalf_url(), icon_name="download", order=271)


class PrivacyNoticeViewSet(SnippetViewSet):
    model = PrivacyNotice
    icon = "lock"
    menu_label = _("Privacy notice")
    menu_order = 272
    add_to_admin_menu = True


register_snippet(PrivacyNoticeViewSet)
