"""Coordinator tools in the Wagtail admin, under one "Certificates" menu: certificates (listing with filters
and search, inspect with history, issue by hand, revoke, re-issue), the trainer register (listing with
filters, CSV / XLSX export, inspect with history, suspend, reinstate) and the lineage of each course.

Thin by design: views parse input and call `certificates.services` (every write) or `certificates.selectors`
(every read). Only coordinators and administrators get in: the Wagtail admin asks for
`wagtailadmin.access_admin`, the generic views for the model permissions of the Coordinators group, and
every view here first for `accounts.roles.require_coordinator` (PermissionDenied, which the Wagtail admin
answers with a redirect to its dashboard, or 403 for a script).
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from django_filters import BooleanFilter, ChoiceFilter, ModelChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import BaseListingView, IndexView, InspectView, WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import HeaderButton, ListingButton

from accounts.admin_viewsets import ReadOnlyViewSetMixin
from accounts.models import County
from accounts.roles import CoordinatorRequiredMixin, is_coordinator
from courses.pages import CoursePage, ProgrammePage

from . import selectors, services
from .exceptions import CertificateError
from .forms import IssueForm, ReasonForm, ReissueForm
from .models import ISSUED_BY_HAND, Certificate, CertificateStatus, QualificationStatus, TrainerQualification

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class CoordinatorMenuItem(MenuItem):
    """A menu entry shown only to coordinators and administrators."""

    def is_shown(self, request):
        return is_coordinator(request.user)


class ModelOnlyViewSetMixin(ReadOnlyViewSetMixin):
    """Certificates' read-only viewsets, shown in the menu to coordinators only."""

    @cached_property
    def menu_item_class(self):
        return CoordinatorMenuItem


class CoordinatorFormView(CoordinatorRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """A form in the admin's look for one coordinator action; the subclass calls one service in `act()`.

    A refusal by the service (CertificateError) is shown on the form and changes nothing.
    """

    template_name = "certificates/admin/form.html"
    header_icon = "doc-full"
    submit_button_label = ""
    parent_label = ""
    parent_url_name = ""
    object = None

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items,
                {"url": reverse(self.parent_url_name), "label": self.parent_label},
                {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action_url": self.request.get_full_path(),
                "submit_button_label": self.submit_button_label, "object": self.object}

    def get_object(self):
        """The object the action is about (None for none); read only after the permission check."""
        return None

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def act(self, data):
        """Call the service; return the message to show after it succeeded."""
        raise NotImplementedError

    def form_valid(self, form):
        try:
            message = self.act(form.cleaned_data)
        except CertificateError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.get_success_url())


# --- certificates ----------------------------------------------------------------------------------

class CertificateFilterSet(WagtailFilterSet):
    status = ChoiceFilter(label=gettext_lazy("Status"), choices=CertificateStatus.choices, method="filter_status")
    course = ModelChoiceFilter(label=gettext_lazy("Course"), queryset=CoursePage.objects.filter(
        certificates__isnull=False, locale__language_code=settings.LANGUAGE_CODE).distinct().order_by("title"))
    programme = ModelChoiceFilter(label=gettext_lazy("Programme"), queryset=ProgrammePage.objects.filter(
        certificates__isnull=False, locale__language_code=settings.LANGUAGE_CODE).distinct().order_by("title"))
    by_hand = BooleanFilter(label=gettext_lazy("Issued by hand"), method="filter_by_hand")

    class Meta:
        model = Certificate
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(selectors.certificate_status_q(value))

    def filter_by_hand(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(ISSUED_BY_HAND) if value else queryset.exclude(ISSUED_BY_HAND)


def _certificate_issued(certificate) -> str:
    issued = timezone.localtime(certificate.issued_at).strftime("%d.%m.%Y")
    return f"{issued} ({_('by hand')})" if certificate.issued_by_hand else issued


def _certificate_status(certificate) -> str:
    if certificate.revoked_reason:
        return f"{certificate.status_label}: {certificate.revoked_reason}"
    return str(certificate.status_label)


class CertificateIndexView(CoordinatorRequiredMixin, IndexView):
    page_title = gettext_lazy("Certificates")

    def get_base_queryset(self):
        return selectors.certificates_for_admin()

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "number", label=gettext_lazy("Number"), sort_key="number", get_url=self.get_inspect_url),
            Column("holder_name", label=gettext_lazy("Holder"), sort_key="holder_name"),
            Column("title", label=gettext_lazy("Training"), sort_key="title"),
            Column("issued_at", label=gettext_lazy("Issued"), sort_key="issued_at", accessor=_certificate_issued),
            Column("status", label=gettext_lazy("Status"), accessor=_certificate_status),
        ]

    @cached_property
    def header_buttons(self):
        return [HeaderButton(_("Issue by hand"), url=reverse("certificates_admin:issue"), icon_name="plus")]

    def get_list_more_buttons(self, instance):
        return [*super().get_list_more_buttons(instance), *certificate_buttons(instance)]


def certificate_buttons(certificate) -> list[ListingButton]:
    """PDF, the public page, and the coordinator actions that apply to the certificate now."""
    buttons = [
        ListingButton(_("PDF"), url=reverse("certificate_pdf", args=[certificate.number]), icon_name="download",
                      priority=30),
        ListingButton(_("Verify"), url=certificate.verification_path, icon_name="link-external", priority=31),
    ]
    if certificate.revoked_at is None:
        if certificate.user.get_full_name() != certificate.holder_name:
            buttons.append(ListingButton(_("Re-issue"), url=reverse("certificates_admin:reissue",
                                                                    args=[certificate.pk]),
                                         icon_name="rotate", priority=40))
        buttons.append(ListingButton(_("Revoke"), url=reverse("certificates_admin:revoke", args=[certificate.pk]),
                                     icon_name="cross", priority=50))
    return buttons


class FactsInspectView(CoordinatorRequiredMixin, InspectView):
    """An inspect page that writes dates as on the certificates (local time) and empty facts as a dash."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, dt.datetime):
            return date_format(timezone.localtime(value), "d.m.Y H:i")
        if isinstance(value, dt.date):
            return date_format(value, "d.m.Y")
        if value is None or value == "":
            return "–"
        return value


class CertificateInspectView(FactsInspectView):
    """One certificate with every fact printed on it, who issued or revoked it, and its earlier versions."""

    template_name = "certificates/admin/certificate_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(selectors.certificates_for_admin().select_related("issued_by", "revoked_by"),
                                 pk=self.pk)

    def get_fields(self):
        return ["number", "code", "holder_name", "user", "title", "course", "programme", "cohort_code",
                "started_on", "completed_on", "academic_hours", "provider_name", "trainer_names", "issued_at",
                "issued_by", "exception_reason", "version", "expires_at", "revoked_at", "revoked_by",
                "revoked_reason"]

    def get_code_display_value(self):
        return self.object.code_display

    def get_trainer_names_display_value(self):
        return ", ".join(self.object.trainer_names) or "–"

    @cached_property
    def header_more_buttons(self):
        return [*super().header_more_buttons, *certificate_buttons(self.object)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_label"] = _certificate_status(self.object)
        context["revisions"] = list(self.object.revisions.select_related("actor").order_by("version"))
        return context


class CertificateIssueView(CoordinatorFormView):
    form_class = IssueForm
    page_title = gettext_lazy("Issue a certificate by hand")
    submit_button_label = gettext_lazy("Issue")
    parent_label = gettext_lazy("Certificates")
    parent_url_name = "certificates_admin:index"

    def act(self, data):
        self.object = services.certificate_issue_exception(
            user=data["user"], course=data["course"], programme=data["programme"], reason=data["reason"],
            actor=self.request.user, completed_on=data["completed_on"], academic_hours=data["academic_hours"])
        return _("Certificate %(number)s issued.") % {"number": self.object.number}

    def get_success_url(self):
        return reverse("certificates_admin:inspect", args=[self.object.pk])


class CertificateObjectFormView(CoordinatorFormView):
    """An action on one certificate (revoke, re-issue)."""

    parent_label = gettext_lazy("Certificates")
    parent_url_name = "certificates_admin:index"

    def get_object(self):
        return get_object_or_404(Certificate.objects.select_related("user"), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.object)

    def get_success_url(self):
        return reverse("certificates_admin:inspect", args=[self.object.pk])


class CertificateRevokeView(CertificateObjectFormView):
    form_class = ReasonForm
    page_title = gettext_lazy("Revoke a certificate")
    submit_button_label = gettext_lazy("Revoke")

    def act(self, data):
        services.certificate_revoke(certificate=self.object, reason=data["reason"], actor=self.request.user)
        return _("Certificate %(number)s revoked.") % {"number": self.object.number}


class CertificateReissueView(CertificateObjectFormView):
    """A new version with the holder's current name; the number and the verification code stay."""

    form_class = ReissueForm
    page_title = gettext_lazy("Re-issue a certificate")
    submit_button_label = gettext_lazy("Re-issue")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "name_change": {
            "before": self.object.holder_name, "after": self.object.user.get_full_name()}}

    def act(self, data):
        certificate = services.certificate_reissue(certificate=self.object, actor=self.request.user,
                                                   reason=data["reason"])
        return _("Certificate %(number)s re-issued as version %(version)d.") % {
            "number": certificate.number, "version": certificate.version}


class CertificateViewSet(ModelOnlyViewSetMixin, ModelViewSet):
    """Certificates change only through the services: issue by hand, revoke, re-issue."""

    model = Certificate
    name = "certificates_admin"
    url_prefix = "certificates"
    icon = "doc-full"
    menu_label = gettext_lazy("Certificates")
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    filterset_class = CertificateFilterSet
    search_fields = ["number", "holder_name", "title", "user__email"]
    ordering = ["-issued_at", "-id"]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("issue/", CertificateIssueView.as_view(), name="issue"),
            path("revoke/<int:pk>/", CertificateRevokeView.as_view(), name="revoke"),
            path("reissue/<int:pk>/", CertificateReissueView.as_view(), name="reissue"),
        ]


# --- trainer register ------------------------------------------------------------------------------

class QualificationFilterSet(WagtailFilterSet):
    course = ModelChoiceFilter(label=gettext_lazy("Course"), queryset=CoursePage.objects.filter(
        qualifications__isnull=False, locale__language_code=settings.LANGUAGE_CODE).distinct().order_by("title"))
    county = ModelChoiceFilter(label=gettext_lazy("County"), field_name="user__profile__municipality__county",
                               queryset=County.objects.order_by("name"))
    status = ChoiceFilter(label=gettext_lazy("Status"), choices=QualificationStatus.choices, method="filter_status")

    class Meta:
        model = TrainerQualification
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(selectors.qualification_status_q(value))


def _trained_by(qualification) -> str:
    return ", ".join(t.get_full_name() for t in qualification.source_trainers.all())


def _county(qualification) -> str:
    return selectors.county_of(qualification.user)


class QualificationIndexView(CoordinatorRequiredMixin, IndexView):
    """The trainer register; exports the filtered rows as CSV (UTF-8 with a BOM, for spreadsheets) or XLSX."""

    page_title = gettext_lazy("Trainer register")
    list_export = ["name", "email", "county", "course", "status", "granted", "valid_until", "cohort", "trainers"]
    export_headings = {
        "name": gettext_lazy("Name"), "email": gettext_lazy("E-mail"), "county": gettext_lazy("County"),
        "course": gettext_lazy("Course"), "status": gettext_lazy("Status"), "granted": gettext_lazy("Granted"),
        "valid_until": gettext_lazy("Valid until"), "cohort": gettext_lazy("Earned in cohort"),
        "trainers": gettext_lazy("Trained by"),
    }

    def get_base_queryset(self):
        return selectors.trainer_register_queryset()

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "trainer", label=gettext_lazy("Trainer"), accessor="user.full_name", sort_key="user__full_name",
                get_url=self.get_inspect_url),
            Column("county", label=gettext_lazy("County"), accessor=_county),
            Column("course", label=gettext_lazy("Course"), accessor="course.title", sort_key="course__title"),
            Column("status", label=gettext_lazy("Status"), accessor="status_label"),
            DateColumn("valid_until", label=gettext_lazy("Valid until"), sort_key="valid_until",
                       accessor=lambda q: q.valid_until),
            Column("trained_by", label=gettext_lazy("Trained by"), accessor=_trained_by),
        ]

    @cached_property
    def show_export_buttons(self):
        return True

    def get_filename(self):
        return f"trainers-{timezone.localdate():%Y-%m-%d}"

    def to_row_dict(self, item):
        return {
            "name": item.user.get_full_name(), "email": item.user.email, "county": _county(item),
            "course": item.course.title, "status": str(item.status_label), "granted": item.granted_at,
            "valid_until": item.valid_until, "cohort": item.source_cohort.code if item.source_cohort_id else "",
            "trainers": "; ".join(t.get_full_name() for t in item.source_trainers.all()),
        }

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV and isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            return "'" + value  # a spreadsheet must not read a name as a formula (CSV injection)
        return value

    def stream_csv(self, queryset):
        yield "\ufeff"  # so that spreadsheet programs read UTF-8 (õ, ä, ö, ü, š, ž)
        yield from super().stream_csv(queryset)

    def get_list_more_buttons(self, instance):
        return [*super().get_list_more_buttons(instance), *qualification_buttons(instance)]


def qualification_buttons(qualification) -> list[ListingButton]:
    if qualification.suspended_at is None:
        return [ListingButton(_("Suspend"), url=reverse("certificates_trainers:suspend", args=[qualification.pk]),
                              icon_name="lock", priority=40)]
    return [ListingButton(_("Reinstate"), url=reverse("certificates_trainers:reinstate", args=[qualification.pk]),
                          icon_name="lock-open", priority=40)]


class QualificationInspectView(FactsInspectView):
    """One qualification with its lineage (cohort, trainers) and its history."""

    template_name = "certificates/admin/qualification_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(selectors.qualifications_with_history(), pk=self.pk)

    def get_fields(self):
        return ["user", "course", "granted_at", "valid_until", "source_cohort", "source_trainers", "certificate",
                "note", "suspended_at", "suspended_reason", "reminder_90_sent_at", "reminder_30_sent_at"]

    def get_source_trainers_display_value(self):
        return _trained_by(self.object) or "–"

    @cached_property
    def header_more_buttons(self):
        return [*super().header_more_buttons, *qualification_buttons(self.object)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_label"] = self.object.status_label
        context["events"] = list(self.object.events.all())
        return context


class QualificationObjectFormView(CoordinatorFormView):
    header_icon = "group"
    parent_label = gettext_lazy("Trainer register")
    parent_url_name = "certificates_trainers:index"

    def get_object(self):
        return get_object_or_404(TrainerQualification.objects.select_related("user", "course"), pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return str(self.object)

    def get_success_url(self):
        return reverse("certificates_trainers:index")


class QualificationSuspendView(QualificationObjectFormView):
    form_class = ReasonForm
    page_title = gettext_lazy("Suspend a qualification")
    submit_button_label = gettext_lazy("Suspend")

    def act(self, data):
        services.qualification_suspend(qualification=self.object, reason=data["reason"], actor=self.request.user)
        return _("The qualification of %(name)s is suspended.") % {"name": self.object.user.get_full_name()}


class QualificationReinstateView(QualificationObjectFormView):
    form_class = forms.Form
    page_title = gettext_lazy("Reinstate a qualification")
    submit_button_label = gettext_lazy("Reinstate")

    def act(self, data):
        services.qualification_reinstate(qualification=self.object, actor=self.request.user)
        return _("The qualification of %(name)s is reinstated.") % {"name": self.object.user.get_full_name()}


class QualificationViewSet(ModelOnlyViewSetMixin, ModelViewSet):
    """Qualifications change only through the services (granted on issue, renewed, suspended, reinstated)."""

    model = TrainerQualification
    name = "certificates_trainers"
    url_prefix = "certificates/trainers"
    icon = "group"
    menu_label = gettext_lazy("Trainer register")
    index_view_class = QualificationIndexView
    inspect_view_class = QualificationInspectView
    filterset_class = QualificationFilterSet
    search_fields = ["user__full_name", "user__email"]
    ordering = ["course__title", "user__full_name", "pk"]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("suspend/<int:pk>/", QualificationSuspendView.as_view(), name="suspend"),
            path("reinstate/<int:pk>/", QualificationReinstateView.as_view(), name="reinstate"),
        ]


# --- lineage ---------------------------------------------------------------------------------------

class LineageIndexView(CoordinatorRequiredMixin, BaseListingView):
    """The courses that have qualified trainers, each leading to its lineage."""

    page_title = gettext_lazy("Trainer lineage")
    header_icon = "site"
    index_url_name = "certificates_lineage:index"
    paginate_by = 50
    verbose_name_plural = gettext_lazy("courses with qualified trainers")

    def get_base_queryset(self):
        return selectors.courses_with_trainers()

    @cached_property
    def columns(self):
        return [
            TitleColumn("title", label=gettext_lazy("Course"),
                        get_url=lambda course: reverse("certificates_lineage:course", args=[course.pk])),
            Column("trainer_count", label=gettext_lazy("Qualified trainers")),
        ]


class LineageCourseView(CoordinatorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    """Who trained whom among the trainers of one course, with counts per generation and county."""

    template_name = "certificates/admin/lineage.html"
    header_icon = "site"
    page_title = gettext_lazy("Trainer lineage")

    @cached_property
    def course(self):
        return get_object_or_404(CoursePage, pk=self.kwargs["course_id"])

    def get_page_subtitle(self):
        return self.course.title

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items,
                {"url": reverse("certificates_lineage:index"), "label": _("Trainer lineage")},
                {"url": "", "label": self.course.title}]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "course": self.course,
                "lineage": selectors.lineage_for_course(course=self.course)}


class LineageViewSet(ViewSet):
    name = "certificates_lineage"
    url_prefix = "certificates/lineage"
    icon = "site"
    menu_label = gettext_lazy("Trainer lineage")

    @cached_property
    def menu_item_class(self):
        return CoordinatorMenuItem

    def get_urlpatterns(self):
        return [
            path("", LineageIndexView.as_view(), name="index"),
            path("<int:course_id>/", LineageCourseView.as_view(), name="course"),
        ]


class CertificatesViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Certificates")
    menu_icon = "doc-full"
    menu_name = "certificates"
    menu_order = 400
    items = (CertificateViewSet, QualificationViewSet, LineageViewSet)
