"""The admin side of privacy: erasure requests (coordinators and administrators see them; nobody edits them)
and "My data" made on a person's behalf (administrators; written to the audit trail)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from accounts.admin_viewsets import ReadOnlyViewSetMixin
from accounts.audit import personal_data_viewed
from accounts.roles import CoordinatorRequiredMixin, is_administrator, is_coordinator
from certificates.views import _private_file_response

from .models import DataExport, ErasureRequest
from .services import exports


class CoordinatorsView(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        return action == "view" and is_coordinator(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.none()


class ErasureIndexView(CoordinatorRequiredMixin, IndexView):
    @property
    def columns(self):
        return [
            Column("pk", label=gettext_lazy("Request"), accessor=lambda r: f"#{r.pk}"),
            Column("user_id", label=gettext_lazy("Account"), accessor=lambda r: f"#{r.user_id}"),
            Column("reason", label=gettext_lazy("Reason"), accessor="get_reason_display"),
            DateColumn("requested_at", label=gettext_lazy("Requested"), sort_key="requested_at"),
            DateColumn("erased_at", label=gettext_lazy("Erased")),
            DateColumn("retain_until", label=gettext_lazy("Participation kept until")),
            DateColumn("retained_anonymised_at", label=gettext_lazy("Kept records anonymised")),
        ]


class ErasureInspectView(CoordinatorRequiredMixin, InspectView):
    def get_fields(self):
        return ["user", "reason", "requested_at", "erased_at", "retain_until", "retained_anonymised_at"]


class OnBehalfForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("The person's e-mail address"))


def _require_administrator(user):
    if not is_administrator(user):
        raise PermissionDenied


class OnBehalfView(View):
    """Administrators prepare a person's "My data" (e.g. asked by letter); each one is in the audit trail."""

    def dispatch(self, request, *args, **kwargs):
        _require_administrator(request.user)
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, form):
        return TemplateResponse(request, "privacy/admin/on_behalf.html", {
            "form": form, "exports": DataExport.objects.filter(requested_by=request.user)[:20],
            "page_title": _("Personal data on a person's behalf"),
            "header_title": _("Personal data on a person's behalf")})

    def get(self, request):
        return self._render(request, OnBehalfForm())

    def post(self, request):
        form = OnBehalfForm(request.POST)
        person = None
        if form.is_valid():
            person = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"]).first()
            if person is None:
                form.add_error("email", _("No account has this e-mail address."))
        if person is None:
            return self._render(request, form)
        export = exports.export_request(user=person, requested_by=request.user)
        personal_data_viewed(request, what="my_data_on_behalf", obj=export, subject_ids=[person.pk])
        messages.success(request, _("The person's data is being collected."))
        return redirect("privacy_erasure_requests:on_behalf")


class OnBehalfDownloadView(View):
    def get(self, request, pk):
        _require_administrator(request.user)
        export = exports.export_for_download(user=None, export_id=pk, requested_by=request.user)
        if export is None:
            raise Http404
        personal_data_viewed(request, what="my_data_on_behalf", obj=export, subject_ids=[export.user_id])
        return _private_file_response(export.file, filename=f"oskus-data-{export.user_id}-{export.pk}.zip",
                                      content_type="application/zip")


class ErasureRequestViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    model = ErasureRequest
    name = "privacy_erasure_requests"
    url_prefix = "privacy/erasure-requests"
    icon = "lock"
    menu_label = gettext_lazy("Erasure requests")
    menu_order = 270
    add_to_admin_menu = True
    index_view_class = ErasureIndexView
    inspect_view_class = ErasureInspectView
    ordering = ["-requested_at", "-id"]
    list_filter = ["reason"]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("on-behalf/", OnBehalfView.as_view(), name="on_behalf"),
            path("on-behalf/<int:pk>/download/", OnBehalfDownloadView.as_view(), name="on_behalf_download"),
        ]


def on_behalf_url() -> str:
    return reverse("privacy_erasure_requests:on_behalf")
