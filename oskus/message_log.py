"""The message log in the Wagtail admin: every e-mail the platform queued, per person and per cohort, with its
kind, time and state (queued, retrying, sent, failed), and a "send again" action. Coordinators and
administrators only (accounts.roles); nobody adds, edits or deletes a logged message here.

It lives in the top layer because it joins the outbox (lowest) with accounts' roles and enrollment's cohorts.
"""

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from django_filters import ChoiceFilter, DateFromToRangeFilter, ModelChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies.base import BasePermissionPolicy

from accounts.admin_viewsets import ReadOnlyViewSetMixin
from accounts.roles import CoordinatorRequiredMixin, is_coordinator
from enrollment.models import Cohort
from outbox.models import Message
from outbox.services import message_send_again


class CoordinatorsOnly(BasePermissionPolicy):
    """Coordinators and administrators may view the log (and send a message again); no one may add, edit or
    delete logged messages."""

    def user_has_permission(self, user, action):
        return action in ("view", "change") and is_coordinator(user)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.none()  # not needed by the listing; never used to notify anyone


def message_log_queryset():
    cohort_code = Cohort.objects.filter(pk=OuterRef("cohort_id")).values("code")[:1]
    return (Message.objects.select_related("recipient").defer("payload", "params")
            .annotate(cohort_code=Subquery(cohort_code)))


def _kinds():
    return [(kind, kind) for kind in Message.objects.order_by("kind").values_list("kind", flat=True).distinct()]


class MessageFilterSet(WagtailFilterSet):
    recipient = ModelChoiceFilter(label=gettext_lazy("Person"), queryset=get_user_model().objects.filter(
        outbox_messages__isnull=False).distinct().order_by("email"))
    cohort = ModelChoiceFilter(label=gettext_lazy("Cohort"), method="filter_cohort",
                               queryset=Cohort.objects.select_related("course").order_by("-created_at"))
    kind = ChoiceFilter(label=gettext_lazy("Kind"), choices=_kinds)
    state = ChoiceFilter(label=gettext_lazy("State"), choices=Message.State.choices)
    created_at = DateFromToRangeFilter(label=gettext_lazy("Queued"), widget=DateRangePickerWidget)

    class Meta:
        model = Message
        fields = []

    def filter_cohort(self, queryset, name, value):
        return queryset.filter(cohort_id=value.pk) if value else queryset


class MessageIndexView(CoordinatorRequiredMixin, IndexView):
    def get_base_queryset(self):
        return message_log_queryset()

    @cached_property
    def columns(self):
        return [
            TitleColumn("kind", label=gettext_lazy("Kind"), sort_key="kind", get_url=self.get_inspect_url),
            Column("recipient", label=gettext_lazy("Person"), accessor="recipient.email",
                   sort_key="recipient__email"),
            Column("cohort", label=gettext_lazy("Cohort"), accessor="cohort_code"),
            Column("state", label=gettext_lazy("State"), accessor="get_state_display", sort_key="state"),
            Column("attempts", label=gettext_lazy("Attempts"), sort_key="attempts"),
            Column("last_error", label=gettext_lazy("Last error")),
            DateColumn("created_at", label=gettext_lazy("Queued"), sort_key="created_at"),
            DateColumn("sent_at", label=gettext_lazy("Sent"), sort_key="sent_at"),
        ]

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(ListingButton(_("Send again"), url=reverse("outbox_messages:send_again", args=[instance.pk]),
                                     icon_name="mail", priority=40))
        return buttons


class MessageInspectView(CoordinatorRequiredMixin, InspectView):
    def get_fields(self):
        return ["kind", "recipient", "cohort_id", "enrollment_id", "message_id", "state", "attempts", "last_error",
                "created_at", "next_attempt_at", "sent_at"]


class SendAgainView(CoordinatorRequiredMixin, View):
    """GET: what will be sent again; POST: queue a new copy (new Message-ID) rebuilt from today's data."""

    template_name = "oskus/message_log/send_again.html"

    def get(self, request, pk):
        message = get_object_or_404(message_log_queryset(), pk=pk)
        return TemplateResponse(request, self.template_name, {
            "message_log_entry": message, "page_title": _("Send again"), "header_title": _("Send again"),
            "index_url": reverse("outbox_messages:index"),
            "breadcrumbs_items": [{"url": reverse("wagtailadmin_home"), "label": _("Home")},
                                  {"url": reverse("outbox_messages:index"), "label": _("E-mails")},
                                  {"url": "", "label": _("Send again")}],
        })

    def post(self, request, pk):
        message = get_object_or_404(Message, pk=pk)
        try:
            message_send_again(message=message)
        except ValueError:
            messages.error(request, _("This e-mail cannot be sent again: its one-time link is no longer kept. "
                                      "Ask the person to request a new one."))
        else:
            messages.success(request, _("The e-mail is queued again."))
        return redirect("outbox_messages:index")


class MessageViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """A read-only listing of the message log with filters and the "send again" action."""

    model = Message
    name = "outbox_messages"
    url_prefix = "outbox/messages"
    icon = "mail"
    menu_label = gettext_lazy("E-mails")
    menu_order = 260
    add_to_admin_menu = True
    index_view_class = MessageIndexView
    inspect_view_class = MessageInspectView
    filterset_class = MessageFilterSet
    search_fields = ["recipient__email", "recipient__full_name", "kind"]
    ordering = ["-created_at", "-id"]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("send-again/<int:pk>/", SendAgainView.as_view(), name="send_again"),
        ]

