"""Bulk actions on the enrollments listing: approve, reject, cancel or move the ticked enrollments, each
through its service with the coordinator as actor and an optional reason."""

from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext
from wagtail.admin import messages
from wagtail.admin.views.bulk_action import BulkAction

from accounts.roles import CoordinatorRequiredMixin

from .. import services
from ..exceptions import EnrollmentError
from ..models import Enrollment, EnrollmentStatus
from ..statuses import CANCELLABLE_STATUSES
from .enrollments import enrollment_listing_queryset, filtered_enrollments
from .forms import BulkMoveForm, BulkReasonForm


class EnrollmentBulkAction(CoordinatorRequiredMixin, BulkAction):
    """Pass each chosen enrollment to one service (approve, reject, cancel, move) with an optional reason.

    Enrollments in a status the action does not apply to are listed as not actionable and left alone; a
    refusal by the service (e.g. the cohort was cancelled meanwhile) is reported and does not stop the others.
    """

    models = [Enrollment]
    form_class = BulkReasonForm
    template_name = "enrollment/admin/bulk_confirm.html"
    service_name = ""
    applies_to: tuple = (EnrollmentStatus.PENDING,)
    no_access_text = gettext_lazy("These enrollments are not waiting for approval and are left as they are:")

    @classmethod
    def get_queryset(cls, model, object_ids):
        ids = [pk for pk in object_ids if str(pk).isdigit()]
        return list(enrollment_listing_queryset().filter(pk__in=ids).order_by("cohort__code", "user__full_name"))

    def get_all_objects_in_listing_query(self, parent_id):
        return filtered_enrollments(self.request).values_list("pk", flat=True)

    def check_perm(self, obj):
        return obj.status in self.applies_to

    def object_context(self, obj):
        return {"item": obj, "inspect_url": reverse("enrollment_enrollments:inspect", args=[obj.pk])}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action": self}

    def service_kwargs(self) -> dict:
        """Further keyword arguments for the service, from the confirmation form."""
        return {}

    def get_execution_context(self):
        return {"user": self.request.user, "reason": self.cleaned_form.cleaned_data.get("reason", ""),
                "action": self, "extra": self.service_kwargs()}

    @classmethod
    def execute_action(cls, objects, user=None, reason="", action=None, extra=None, **kwargs):
        service = getattr(services, cls.service_name)
        done, refused = 0, []
        for enrollment in objects:
            try:
                service(enrollment=enrollment, actor=user, reason=reason, **(extra or {}))
            except EnrollmentError as error:
                refused.append(f"{enrollment.user}: {error}")
            else:
                done += 1
        if action is not None:
            action.refused = refused
        return done, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        for refusal in getattr(self, "refused", []):
            messages.warning(self.request, refusal)
        return self.success_text(num_parent_objects)


class ApproveBulkAction(EnrollmentBulkAction):
    display_name = gettext_lazy("Approve")
    action_type = "approve"
    aria_label = gettext_lazy("Approve the selected enrollments")
    action_priority = 10
    service_name = "enrollment_approve"
    confirm_text = gettext_lazy("Approve these enrollments? Each person gets a place if one is free, otherwise "
                                "joins the waitlist, and receives an e-mail.")

    def success_text(self, count: int) -> str:
        return ngettext("%(count)d enrollment approved.", "%(count)d enrollments approved.", count) % {"count": count}


class RejectBulkAction(EnrollmentBulkAction):
    display_name = gettext_lazy("Reject")
    action_type = "reject"
    aria_label = gettext_lazy("Reject the selected enrollments")
    action_priority = 20
    classes = {"serious"}
    service_name = "enrollment_reject"
    confirm_text = gettext_lazy("Reject these enrollments? Each person receives an e-mail.")

    def success_text(self, count: int) -> str:
        return ngettext("%(count)d enrollment rejected.", "%(count)d enrollments rejected.", count) % {"count": count}


class CancelBulkAction(EnrollmentBulkAction):
    display_name = gettext_lazy("Cancel enrollments")
    action_type = "cancel"
    aria_label = gettext_lazy("Cancel the selected enrollments")
    action_priority = 30
    classes = {"serious"}
    service_name = "enrollment_cancel"
    applies_to = CANCELLABLE_STATUSES
    no_access_text = gettext_lazy("These enrollments are already closed and are left as they are:")
    confirm_text = gettext_lazy("Cancel these enrollments? Each person receives an e-mail, and every freed place is "
                                "offered to the waitlist.")

    def success_text(self, count: int) -> str:
        return ngettext("%(count)d enrollment cancelled.", "%(count)d enrollments cancelled.", count) % {
            "count": count}


class MoveBulkAction(EnrollmentBulkAction):
    display_name = gettext_lazy("Move to another cohort")
    action_type = "move"
    aria_label = gettext_lazy("Move the selected enrollments to another cohort")
    action_priority = 40
    form_class = BulkMoveForm
    service_name = "enrollment_move"
    applies_to = CANCELLABLE_STATUSES
    no_access_text = gettext_lazy("These enrollments are already closed and are left as they are:")
    confirm_text = gettext_lazy("Move these people to the cohort chosen below? A person holding a place gets a "
                                "place there or stays where they are; each receives an e-mail.")

    def service_kwargs(self) -> dict:
        return {"to_cohort": self.cleaned_form.cleaned_data["to_cohort"]}

    def success_text(self, count: int) -> str:
        return ngettext("%(count)d enrollment moved.", "%(count)d enrollments moved.", count) % {"count": count}
