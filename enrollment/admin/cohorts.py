"""The cohort viewset: the listing with place counts (enrollment.places), the create and edit forms with
inline sessions (saved through `enrollment.services`: `cohort_update`, `trainers_assign`), and deleting a
cohort that nobody enrolled in."""

from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from ..exceptions import EnrollmentError
from ..models import Cohort, Enrollment
from ..services import cohort_update, trainers_assign
from .cohort_import import CohortImportView
from .common import local_datetime
from .forms import CohortAdminForm
from .overview import CohortOverviewView, WaitlistActionView


class CohortIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("course").with_place_counts().with_dates()

    @cached_property
    def columns(self):
        title = self._get_title_column("code")
        return [
            title,
            Column("course", label=gettext_lazy("Course"), accessor="course.title"),
            Column("dates", label=gettext_lazy("Dates"), accessor=session_dates, sort_key="first_start"),
            Column("status", label=gettext_lazy("Status"), accessor="get_status_display", sort_key="status"),
            # One "Places" column instead of five: the headers do not wrap, and five of them made the table
            # overflow at 1,280 px. Sorted by free places.
            Column("free_places", label=gettext_lazy("Places"), sort_key="free_places", accessor=places_summary),
            # A plain date: DateColumn shows "time since", which reads wrongly for a date in the future.
            Column("registration_closes", label=gettext_lazy("Registration closes"), sort_key="registration_closes",
                   accessor=local_datetime("registration_closes")),
        ]

    def get_list_more_buttons(self, instance):
        """The row's actions go into Wagtail's "more" menu beside the code (MenuItem, like Edit and Delete):
        a ListingButton would be drawn inline in the title column and squeeze it."""
        buttons = super().get_list_more_buttons(instance)
        buttons.append(MenuItem(_("Overview"), url=reverse("enrollment_cohorts:overview", args=[instance.pk]),
                                icon_name="view", priority=5))
        buttons.append(MenuItem(_("Import participants"),
                                url=reverse("enrollment_cohorts:import", args=[instance.pk]),
                                icon_name="upload", priority=40))
        return sorted(buttons, key=lambda button: button.priority)


def places_summary(cohort):
    """Taken of capacity and free places (places.free_places, from `with_place_counts()`), then the people
    waiting or pending approval when there are any, one per line."""
    lines = [_("%(taken)s / %(capacity)s taken") % {"taken": cohort.seats_taken, "capacity": cohort.capacity},
             _("%(free)s free") % {"free": cohort.free_places}]
    if cohort.waiting:
        lines.append(_("%(count)s wait-listed") % {"count": cohort.waiting})
    if cohort.pending:
        lines.append(_("%(count)s pending approval") % {"count": cohort.pending})
    return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))  # noqa: S308 (a constant)


def session_dates(cohort) -> str:
    """First to last session (from `with_dates()`; cancelled sessions do not count), as local dates."""
    first, last = getattr(cohort, "first_start", None), getattr(cohort, "last_end", None)
    if first is None:
        return "–"
    start, end = date_format(timezone.localtime(first), "d.m.Y"), date_format(timezone.localtime(last), "d.m.Y")
    return start if start == end else f"{start}–{end}"


class RefusalsAsFormErrors:
    """A service's refusal (EnrollmentError) while saving becomes an error on the form: Wagtail's save runs in
    one transaction, so nothing is saved, and the coordinator sees the form again with the reason."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except EnrollmentError as error:
            field = getattr(error, "field", None)
            form.add_error(field if field in form.fields else None, str(error))
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class CohortCreateView(RefusalsAsFormErrors, CreateView):
    """Saves the new cohort and its sessions, then its trainers through `trainers_assign` (the qualification
    rule, checked against the sessions just saved)."""

    def save_instance(self):
        instance = super().save_instance()
        trainers_assign(cohort=instance, trainers=self.form.cleaned_data.get("trainers") or [],
                        actor=self.request.user)
        return instance

    def form_invalid(self, form):
        form.instance.pk = None  # a refused save was rolled back: the cohort does not exist
        return super().form_invalid(form)


class CohortEditView(RefusalsAsFormErrors, EditView):
    """Saves through `cohort_update`: raising the capacity offers places to the waitlist, cancelling cancels
    every enrollment (with e-mails), changed session times or places are told to the participants, and only
    the trainers being added are checked against the qualification rule."""

    def save_instance(self):
        self.outcome = cohort_update(cohort=self.form.instance, actor=self.request.user,
                                     trainers=self.form.cleaned_data.get("trainers"),
                                     write=super().save_instance)
        return self.outcome.cohort

    def get_success_message(self):
        message = super().get_success_message()
        extra = " ".join(self.outcome.messages()) if hasattr(self, "outcome") else ""
        return f"{message} {extra}".strip() if message else extra


class CohortDeleteView(DeleteView):
    """A cohort with enrollments is never deleted (their history must stay): cancel it instead."""

    def dispatch(self, request, *args, **kwargs):
        if Enrollment.objects.filter(cohort_id=self.object.pk).exists():
            messages.error(request, _("This cohort has enrollments and cannot be deleted; set its status to "
                                      "“Cancelled” instead, which tells the participants."))
            return redirect(reverse("enrollment_cohorts:edit", args=[self.object.pk]))
        return super().dispatch(request, *args, **kwargs)


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
    add_view_class = CohortCreateView
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
            path("overview/<int:pk>/waitlist/<int:enrollment_id>/<str:action>/", WaitlistActionView.as_view(),
                 name="waitlist_action"),
        ]
