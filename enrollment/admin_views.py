"""Coordinator tools in the Wagtail admin: cohorts with inline sessions, the enrollments listing with filters,
bulk approve / reject / cancel / move, CSV / XLSX export, the CSV import with its dry run, and a per-cohort overview.

Thin by design: views parse input and call `enrollment.services` (every enrollment change), `imports`,
`exports` or the read functions below. Only coordinators and administrators get in: the Wagtail admin
asks for `wagtailadmin.access_admin`, the generic views for the model permissions of the Coordinators
group, and the custom views and bulk actions for `accounts.roles.is_coordinator`.
"""

import base64
import binascii

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import View
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import DeleteView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import ListingButton

from accounts.models import County, Profession
from accounts.roles import is_coordinator

from . import exports, imports
from .admin_forms import BulkMoveForm, BulkReasonForm, CohortAdminForm, ImportConfirmForm, ImportUploadForm
from .exceptions import EnrollmentError
from .models import SEAT_STATUSES, Cohort, CohortStatus, Enrollment, EnrollmentStatus, Session
from .services import cohort_cancel, cohort_notify_changed, waitlist_offer_next

IMPORT_SALT = "enrollment.import"
IMPORT_MAX_AGE = 60 * 60  # a checked file may be confirmed within an hour
SESSION_NOTIFY_FIELDS = {"starts_at", "ends_at", "venue", "online_url", "status"}


def require_coordinator(request) -> None:
    """Refuse (403) anyone who is not a coordinator or an administrator."""
    if not is_coordinator(request.user):
        raise PermissionDenied


# --- reads (constant number of queries) ----------------------------------------------------------

def cohort_overview(*, cohort_id: int) -> dict:
    """Everything the per-cohort page shows, in six queries whatever the number of enrollments."""
    cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=cohort_id)
    counts = dict(Enrollment.objects.filter(cohort_id=cohort.pk).values_list("status")
                  .annotate(n=Count("id")).values_list("status", "n"))
    taken = sum(counts.get(status, 0) for status in SEAT_STATUSES)
    waitlist = list(Enrollment.objects.filter(cohort_id=cohort.pk, status=EnrollmentStatus.WAITLISTED)
                    .select_related("user").order_by("waitlist_joined_at", "id"))
    pending = list(Enrollment.objects.filter(cohort_id=cohort.pk, status=EnrollmentStatus.PENDING)
                   .select_related("user").order_by("created_at", "id"))
    sessions = list(Session.objects.filter(cohort_id=cohort.pk).select_related("venue").order_by("starts_at"))
    trainers = list(cohort.trainers.order_by("full_name", "email"))
    return {
        "cohort": cohort,
        "status_counts": [(label, counts.get(value, 0), value) for value, label in EnrollmentStatus.choices],
        "taken": taken,
        "free_places": max(cohort.capacity - taken, 0),
        "waitlist": waitlist,
        "pending": pending,
        "sessions": sessions,
        "trainers": trainers,
    }


def _local_datetime(name: str):
    def get(instance):
        value = getattr(instance, name)
        return date_format(timezone.localtime(value), "d.m.Y H:i") if value else ""

    return get


def enrollment_listing_queryset():
    return Enrollment.objects.select_related("user__profile__municipality__county", "cohort__course")


# --- cohorts ---------------------------------------------------------------------------------------

class CohortIndexView(IndexView):
    def get_base_queryset(self):
        return (super().get_base_queryset().select_related("course").annotate(
            taken=Count("enrollments", filter=Q(enrollments__status__in=SEAT_STATUSES)),
            waiting=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.WAITLISTED)),
            pending=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.PENDING)),
        ))

    @cached_property
    def columns(self):
        title = self._get_title_column("code")
        return [
            title,
            Column("course", label=gettext_lazy("Course"), accessor="course.title"),
            Column("status", label=gettext_lazy("Status"), accessor="get_status_display", sort_key="status"),
            Column("capacity", label=gettext_lazy("Places"), sort_key="capacity"),
            Column("taken", label=gettext_lazy("Taken"), sort_key="taken"),
            Column("waiting", label=gettext_lazy("Wait-listed"), sort_key="waiting"),
            Column("pending", label=gettext_lazy("Pending approval"), sort_key="pending"),
            # A plain date: DateColumn shows "time since", which reads wrongly for a date in the future.
            Column("registration_closes", label=gettext_lazy("Registration closes"), sort_key="registration_closes",
                   accessor=_local_datetime("registration_closes")),
        ]

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(ListingButton(_("Overview"), url=reverse("enrollment_cohorts:overview", args=[instance.pk]),
                                     icon_name="view", priority=5))
        buttons.append(ListingButton(_("Import participants"),
                                     url=reverse("enrollment_cohorts:import", args=[instance.pk]),
                                     icon_name="upload", priority=40))
        return buttons


class CohortEditView(EditView):
    """Saves through the services what they own: raising the capacity offers places to the waitlist,
    cancelling cancels every enrollment (with e-mails), and changed session times or places are told to
    the participants."""

    def save_instance(self):
        with transaction.atomic():
            stored = Cohort.objects.select_for_update().get(pk=self.object.pk)
            instance = self.form.instance
            cancelling = instance.status == CohortStatus.CANCELLED and stored.status != CohortStatus.CANCELLED
            if cancelling:
                instance.status = stored.status  # cohort_cancel sets it, with the enrollments
            sessions_changed = self._sessions_changed()
            instance = super().save_instance()
            self.outcome = []
            if cancelling:
                count = cohort_cancel(cohort=instance, actor=self.request.user)
                self.outcome.append(_("The cohort was cancelled; %(count)d enrollments were cancelled and the "
                                      "participants told.") % {"count": count})
            elif instance.capacity > stored.capacity:
                offered = waitlist_offer_next(cohort=instance, actor=self.request.user)
                if offered:
                    self.outcome.append(_("%(count)d places were offered to the waitlist.") % {"count": len(offered)})
            if sessions_changed and not cancelling:
                told = cohort_notify_changed(cohort=instance)
                if told:
                    self.outcome.append(_("%(count)d participants were told about the changed sessions.")
                                        % {"count": told})
        instance.refresh_from_db()
        return instance

    def _sessions_changed(self) -> bool:
        formset = self.form.formsets.get("sessions")
        if formset is None:
            return False
        for form in formset.forms:
            if form.instance.pk is None:
                if form.has_changed() and not formset._should_delete_form(form):
                    return True
            elif formset._should_delete_form(form) or SESSION_NOTIFY_FIELDS & set(form.changed_data):
                return True
        return False

    def get_success_message(self):
        message = super().get_success_message()
        extra = " ".join(getattr(self, "outcome", []))
        return f"{message} {extra}".strip() if message else extra


class CohortDeleteView(DeleteView):
    """A cohort with enrollments is never deleted (their history must stay): cancel it instead."""

    def dispatch(self, request, *args, **kwargs):
        if Enrollment.objects.filter(cohort_id=self.object.pk).exists():
            messages.error(request, _("This cohort has enrollments and cannot be deleted; set its status to "
                                      "“Cancelled” instead, which tells the participants."))
            return redirect(reverse("enrollment_cohorts:edit", args=[self.object.pk]))
        return super().dispatch(request, *args, **kwargs)


class CoordinatorView(View):
    """Base for the custom admin views: 403 for everyone but coordinators and administrators."""

    def dispatch(self, request, *args, **kwargs):
        require_coordinator(request)
        return super().dispatch(request, *args, **kwargs)


class CohortOverviewView(CoordinatorView):
    template_name = "enrollment/admin/cohort_overview.html"

    def get(self, request, pk):
        context = cohort_overview(cohort_id=pk)
        cohort = context["cohort"]
        listing = reverse("enrollment_enrollments:index") + f"?cohort={cohort.pk}"
        context.update({
            "page_title": str(cohort),
            "header_title": _("Cohort %(code)s") % {"code": cohort.code},
            "edit_url": reverse("enrollment_cohorts:edit", args=[cohort.pk]),
            "import_url": reverse("enrollment_cohorts:import", args=[cohort.pk]),
            "listing_url": listing,
            "csv_url": listing + "&export=csv",
            "xlsx_url": listing + "&export=xlsx",
            "pending_url": listing + f"&status={EnrollmentStatus.PENDING}",
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": _("Home")},
                {"url": reverse("enrollment_cohorts:index"), "label": _("Cohorts")},
                {"url": "", "label": cohort.code},
            ],
        })
        return TemplateResponse(request, self.template_name, context)


class CohortImportView(CoordinatorView):
    """Upload -> dry run (every bad row reported, nothing written) -> confirm (all rows, atomically)."""

    template_name = "enrollment/admin/cohort_import.html"

    def _context(self, cohort, **extra):
        return {
            "cohort": cohort,
            "page_title": _("Import participants"),
            "header_title": _("Import participants into %(code)s") % {"code": cohort.code},
            "overview_url": reverse("enrollment_cohorts:overview", args=[cohort.pk]),
            "columns": [
                ("email", _("E-mail address of the participant; an existing account is used, otherwise one is "
                            "created (without a password).")),
                ("full_name", _("First and last name; needed for new participants.")),
                ("municipality", _("One of Estonia's 79 municipalities, written as in the list "
                                   "(e.g. “Võru vald”, “Tartu linn”).")),
                ("profession", _("One of: %(codes)s (or the profession's name in Estonian or English).")
                 % {"codes": ", ".join(code for code, _label in Profession.choices)}),
                ("organisation", _("Optional: the employer organisation.")),
            ],
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": _("Home")},
                {"url": reverse("enrollment_cohorts:index"), "label": _("Cohorts")},
                {"url": reverse("enrollment_cohorts:overview", args=[cohort.pk]), "label": cohort.code},
                {"url": "", "label": _("Import participants")},
            ],
            **extra,
        }

    def get(self, request, pk):
        cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=pk)
        return TemplateResponse(request, self.template_name, self._context(cohort, form=ImportUploadForm()))

    def post(self, request, pk):
        cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=pk)
        if "payload" in request.POST:
            return self._confirm(request, cohort)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return TemplateResponse(request, self.template_name, self._context(cohort, form=form), status=400)
        data = form.cleaned_data["file"]
        report = imports.import_check(cohort=cohort, data=data)
        confirm = None
        if report.is_clean:
            payload = signing.dumps({"cohort": cohort.pk, "data": base64.b64encode(data).decode("ascii")},
                                    salt=IMPORT_SALT, compress=True)
            confirm = ImportConfirmForm(initial={"payload": payload})
        return TemplateResponse(request, self.template_name,
                                self._context(cohort, form=ImportUploadForm(), report=report, confirm=confirm))

    def _confirm(self, request, cohort):
        form = ImportConfirmForm(request.POST)
        try:
            if not form.is_valid():
                raise signing.BadSignature
            payload = signing.loads(form.cleaned_data["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
            if payload.get("cohort") != cohort.pk:
                raise signing.BadSignature
            data = base64.b64decode(payload["data"], validate=True)
        except (signing.BadSignature, binascii.Error, ValueError, KeyError, TypeError):
            messages.error(request, _("The checked file could not be read back (it is too old or was changed). "
                                      "Please upload it again."))
            return TemplateResponse(request, self.template_name,
                                    self._context(cohort, form=ImportUploadForm()), status=400)
        try:
            result = imports.import_run(cohort=cohort, data=data, actor=request.user)
        except imports.ImportInvalid as invalid:
            messages.error(request, _("Nothing was imported: the file or the cohort changed since the check."))
            return TemplateResponse(request, self.template_name,
                                    self._context(cohort, form=ImportUploadForm(), report=invalid.report),
                                    status=409)
        messages.success(request, _("%(count)d participants were enrolled (%(new)d new accounts).")
                         % {"count": len(result.enrollments), "new": result.created_users})
        return redirect("enrollment_cohorts:overview", pk=cohort.pk)


class CohortViewSet(ModelViewSet):
    model = Cohort
    name = "enrollment_cohorts"
    url_prefix = "enrollment/cohorts"
    icon = "date"
    menu_label = gettext_lazy("Cohorts")
    menu_order = 100
    add_to_admin_menu = False
    copy_view_enabled = False
    index_view_class = CohortIndexView
    edit_view_class = CohortEditView
    delete_view_class = CohortDeleteView
    search_fields = ["code", "title", "course__title"]
    search_backend_name = None
    list_filter = ["status", "policy"]
    ordering = ["-created_at"]

    edit_handler = ObjectList([
        MultiFieldPanel([
            FieldPanel("course", help_text=gettext_lazy("The course page this cohort is a run of.")),
            FieldRowPanel([FieldPanel("code"), FieldPanel("title")]),
            FieldPanel("status", help_text=gettext_lazy(
                "Participants can enroll only while the cohort is open. Choosing “Cancelled” cancels every "
                "enrollment and tells the participants.")),
        ], heading=gettext_lazy("Course")),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("capacity"), FieldPanel("policy")]),
            FieldRowPanel([
                FieldPanel("registration_opens", help_text=gettext_lazy("Empty: open now.")),
                FieldPanel("registration_closes", help_text=gettext_lazy(
                    "Empty: open until the cohort starts. Must be after the opening.")),
            ]),
            FieldRowPanel([FieldPanel("cancellation_cutoff_hours"), FieldPanel("offer_hours", help_text=gettext_lazy(
                "A wait-listed person offered a freed place has this long to accept it."))]),
        ], heading=gettext_lazy("Places and registration")),
        MultiFieldPanel([
            FieldPanel("eligible_counties", help_text=gettext_lazy(
                "Empty: every county (or the course's own list, if it has one).")),
            FieldPanel("eligible_professions"),
            FieldPanel("prerequisite_courses", help_text=gettext_lazy(
                "People must have completed these courses before they can enroll.")),
        ], heading=gettext_lazy("Who may enroll")),
        FieldPanel("trainers"),
        InlinePanel("sessions", heading=gettext_lazy("Sessions"), label=gettext_lazy("Session"), panels=[
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at", help_text=gettext_lazy(
                "Must be after the start."))]),
            FieldRowPanel([FieldPanel("venue"), FieldPanel("online_url")]),
            FieldRowPanel([FieldPanel("academic_hours_override"), FieldPanel("mandatory"), FieldPanel("status")]),
        ]),
    ], base_form_class=CohortAdminForm)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("overview/<int:pk>/", CohortOverviewView.as_view(), name="overview"),
            path("import/<int:pk>/", CohortImportView.as_view(), name="import"),
        ]


# --- enrollments -----------------------------------------------------------------------------------

class EnrollmentFilterSet(WagtailFilterSet):
    cohort = ModelChoiceFilter(label=gettext_lazy("Cohort"),
                               queryset=Cohort.objects.select_related("course").order_by("-created_at"))
    status = ChoiceFilter(label=gettext_lazy("Status"), choices=EnrollmentStatus.choices)
    county = ModelChoiceFilter(label=gettext_lazy("County"), field_name="user__profile__municipality__county",
                               queryset=County.objects.order_by("name"))
    profession = ChoiceFilter(label=gettext_lazy("Profession"), field_name="user__profile__profession",
                              choices=Profession.choices)

    class Meta:
        model = Enrollment
        fields = []


ENROLLMENT_SEARCH_FIELDS = ["user__full_name", "user__email"]


def filtered_enrollments(request):
    """The listing's queryset with the request's filters and search applied (for "select all" bulk actions)."""
    queryset = enrollment_listing_queryset()
    filters = EnrollmentFilterSet(request.GET, queryset=queryset, request=request)
    if filters.is_valid():
        queryset = filters.qs
    query = (request.GET.get("q") or "").strip()
    if query:
        condition = Q()
        for name in ENROLLMENT_SEARCH_FIELDS:
            condition |= Q(**{f"{name}__icontains": query})
        queryset = queryset.filter(condition)
    return queryset


class EnrollmentIndexView(IndexView):
    template_name = "enrollment/admin/enrollment_index.html"

    def get_base_queryset(self):
        return enrollment_listing_queryset()

    @cached_property
    def columns(self):
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="enrollment"),
            TitleColumn("participant", label=gettext_lazy("Participant"), accessor="user.full_name",
                        sort_key="user__full_name", get_url=self.get_inspect_url,
                        get_title_id=lambda instance: f"enrollment_{instance.pk}_title"),
            Column("email", label=gettext_lazy("E-mail"), accessor="user.email", sort_key="user__email"),
            Column("cohort", label=gettext_lazy("Cohort"), accessor="cohort.code", sort_key="cohort__code"),
            Column("status", label=gettext_lazy("Status"), accessor="get_status_display", sort_key="status"),
            Column("county", label=gettext_lazy("County"), accessor=_county),
            Column("profession", label=gettext_lazy("Profession"), accessor=_profession),
            DateColumn("created_at", label=gettext_lazy("Enrolled"), sort_key="created_at"),
        ]

    @cached_property
    def show_export_buttons(self):
        return True

    def as_spreadsheet(self, queryset, spreadsheet_format):
        filename = "enrollments"
        cohort_id = self.request.GET.get("cohort")
        if cohort_id and cohort_id.isdigit():
            code = Cohort.objects.filter(pk=int(cohort_id)).values_list("code", flat=True).first()
            filename = f"enrollments-{slugify(code or cohort_id)}"
        if spreadsheet_format == self.FORMAT_XLSX:
            return exports.xlsx_response(queryset, filename=filename)
        return exports.csv_response(queryset, filename=filename)


def _county(enrollment):
    profile = getattr(enrollment.user, "profile", None)
    return profile.municipality.county.name if profile and profile.municipality_id else ""


def _profession(enrollment):
    profile = getattr(enrollment.user, "profile", None)
    return profile.get_profession_display() if profile else ""


class EnrollmentInspectView(InspectView):
    """One enrollment with its full history (who, when, from, to, why)."""

    template_name = "enrollment/admin/enrollment_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(enrollment_listing_queryset(), pk=self.pk)

    def get_fields(self):
        return ["user", "cohort", "status", "created_at", "waitlist_joined_at", "offer_expires_at"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = list(self.object.events.select_related("actor").order_by("at", "id"))
        context["status_labels"] = dict(EnrollmentStatus.choices)
        return context


class EnrollmentViewSet(ModelViewSet):
    """A read-only listing: enrollments change only through the services (bulk actions, import, the site)."""

    model = Enrollment
    name = "enrollment_enrollments"
    url_prefix = "enrollment/enrollments"
    icon = "group"
    menu_label = gettext_lazy("Enrollments")
    menu_order = 200
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = EnrollmentIndexView
    inspect_view_class = EnrollmentInspectView
    filterset_class = EnrollmentFilterSet
    search_fields = ENROLLMENT_SEARCH_FIELDS
    search_backend_name = None
    ordering = ["-created_at", "-id"]
    list_per_page = 50
    exclude_form_fields = []

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in ("add_url_name", "edit_url_name", "delete_url_name", "copy_url_name", "history_url_name",
                     "usage_url_name"):
            view_kwargs[name] = None
        return view_kwargs

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]

    def register_admin_url_finder(self):
        """No edit view: the admin's "edit" links for an enrollment have nowhere to go."""


class EnrollmentViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Enrollment")
    menu_icon = "group"
    menu_order = 250
    items = (CohortViewSet, EnrollmentViewSet)

# --- bulk actions ----------------------------------------------------------------------------------

class EnrollmentBulkAction(BulkAction):
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

    def dispatch(self, request, *args, **kwargs):
        require_coordinator(request)
        return super().dispatch(request, *args, **kwargs)

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
        from . import services

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


# Statuses a coordinator may cancel or move (the services' CANCELLABLE).
ACTIVE_UNFINISHED = (EnrollmentStatus.PENDING, EnrollmentStatus.CONFIRMED, EnrollmentStatus.WAITLISTED,
                     EnrollmentStatus.OFFERED)


class CancelBulkAction(EnrollmentBulkAction):
    display_name = gettext_lazy("Cancel enrollments")
    action_type = "cancel"
    aria_label = gettext_lazy("Cancel the selected enrollments")
    action_priority = 30
    classes = {"serious"}
    service_name = "enrollment_cancel"
    applies_to = ACTIVE_UNFINISHED
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
    applies_to = ACTIVE_UNFINISHED
    no_access_text = gettext_lazy("These enrollments are already closed and are left as they are:")
    confirm_text = gettext_lazy("Move these people to the cohort chosen below? A person holding a place gets a "
                                "place there or stays where they are; each receives an e-mail.")

    def service_kwargs(self) -> dict:
        return {"to_cohort": self.cleaned_form.cleaned_data["to_cohort"]}

    def success_text(self, count: int) -> str:
        return ngettext("%(count)d enrollment moved.", "%(count)d enrollments moved.", count) % {"count": count}
