"""The enrollments listing: read-only (enrollments change only through the services), with filters, search,
the detail page with the full history, and CSV / XLSX download of the filtered rows."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet

from accounts.admin_viewsets import ReadOnlyViewSetMixin
from accounts.audit import personal_data_viewed
from accounts.models import County, Profession

from ..attendance.selectors import answer_items
from ..models import Cohort, Enrollment, EnrollmentStatus
from . import exports


def enrollment_listing_queryset():
    """Enrollments with everything the listing, the detail page and the bulk actions show, in one query."""
    return Enrollment.objects.select_related("user__profile__municipality__county", "cohort__course")


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
    if not filters.is_valid():
        return queryset.none()  # a broken filter narrows to nothing, never widens to everybody
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

    def filter_queryset(self, queryset):
        """Wagtail ignores invalid filters (the whole list); for people's data a broken filter shows nobody."""
        if self.filters and not self.filters.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)

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
        """The filtered rows; with `answers=1` AND one cohort chosen, also the sign-up answers (one cohort's
        participant list for its coordinators: never across cohorts)."""
        filename = "enrollments"
        with_answers = False
        cohort_id = self.request.GET.get("cohort")
        if cohort_id and cohort_id.isdigit():
            code = Cohort.objects.filter(pk=int(cohort_id)).values_list("code", flat=True).first()
            filename = f"enrollments-{slugify(code or cohort_id)}"
            with_answers = code is not None and self.request.GET.get("answers") == "1"
            if with_answers:
                queryset = queryset.filter(cohort_id=int(cohort_id))
                filename += "-answers"
        personal_data_viewed(self.request, what="participant_export",
                             subject_ids=queryset.values_list("user_id", flat=True))
        if spreadsheet_format == self.FORMAT_XLSX:
            return exports.xlsx_response(queryset, filename=filename, with_answers=with_answers)
        return exports.csv_response(queryset, filename=filename, with_answers=with_answers)


def _county(enrollment):
    profile = getattr(enrollment.user, "profile", None)
    return profile.municipality.county.name if profile and profile.municipality_id else ""


def _profession(enrollment):
    profile = getattr(enrollment.user, "profile", None)
    return profile.get_profession_display() if profile else ""


class EnrollmentInspectView(InspectView):
    """One enrollment with its sign-up answers and its full history (who, when, from, to, why)."""

    template_name = "enrollment/admin/enrollment_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(enrollment_listing_queryset(), pk=self.pk)

    def get_fields(self):
        return ["user", "cohort", "status", "created_at", "waitlist_joined_at", "offer_expires_at"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = list(self.object.events.select_related("actor").order_by("at", "id"))
        context["status_labels"] = dict(EnrollmentStatus.choices)
        context["answers"] = answer_items(self.object.answers)  # coordinators only: the viewset's permissions
        personal_data_viewed(self.request, what="enrollment_detail", obj=self.object, subject_ids=[self.object.user_id])
        return context


class EnrollmentViewSet(ReadOnlyViewSetMixin, ModelViewSet):
    """A read-only listing: enrollments change only through the services (bulk actions, import, the site)."""

    model = Enrollment
    name = "enrollment_enrollments"
    url_prefix = "enrollment/enrollments"
    icon = "group"
    menu_label = gettext_lazy("Enrollments")
    menu_order = 200
    index_view_class = EnrollmentIndexView
    inspect_view_class = EnrollmentInspectView
    filterset_class = EnrollmentFilterSet
    search_fields = ENROLLMENT_SEARCH_FIELDS
    ordering = ["-created_at", "-id"]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]

