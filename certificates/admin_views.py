"""Coordinator pages inside the Wagtail admin: certificates (issue by hand, revoke), the trainer register
(CSV export) and the lineage of a course. Every view checks is_coordinator; others get 403."""

import csv

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import is_coordinator
from courses.pages import CoursePage

from . import selectors, services
from .exceptions import CertificateError
from .forms import IssueForm, ReasonForm, RegisterFilterForm
from .models import Certificate, TrainerQualification


def _require_coordinator(request):
    if not is_coordinator(request.user):
        raise PermissionDenied


def certificate_list(request):
    _require_coordinator(request)
    query = request.GET.get("q", "").strip()
    page = Paginator(selectors.certificates_for_admin(query=query), 50).get_page(request.GET.get("page"))
    return render(request, "certificates/admin/certificates.html", {"page": page, "query": query})


def certificate_issue(request):
    _require_coordinator(request)
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            certificate = services.certificate_issue_exception(
                user=data["user"], course=data["course"], programme=data["programme"], reason=data["reason"],
                actor=request.user, completed_on=data["completed_on"], academic_hours=data["academic_hours"])
        except CertificateError as error:
            form.add_error(None, error.message)
        else:
            from django.contrib import messages

            messages.success(request, _("Certificate %(number)s issued.") % {"number": certificate.number})
            return redirect("certificates_admin:list")
    return render(request, "certificates/admin/form.html", {
        "form": form, "title": _("Issue a certificate by hand"), "submit": _("Issue")})


def certificate_revoke(request, pk):
    _require_coordinator(request)
    certificate = get_object_or_404(Certificate, pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(certificate=certificate, reason=form.cleaned_data["reason"],
                                        actor=request.user)
        except CertificateError as error:
            form.add_error(None, error.message)
        else:
            from django.contrib import messages

            messages.success(request, _("Certificate %(number)s revoked.") % {"number": certificate.number})
            return redirect("certificates_admin:list")
    return render(request, "certificates/admin/form.html", {
        "form": form, "title": _("Revoke certificate %(number)s") % {"number": certificate.number},
        "submit": _("Revoke"), "certificate": certificate})


def qualification_suspend(request, pk):
    _require_coordinator(request)
    qualification = get_object_or_404(TrainerQualification, pk=pk)
    if qualification.suspended_at is not None:
        if request.method == "POST":
            services.qualification_reinstate(qualification=qualification, actor=request.user)
            return redirect("certificates_admin:register")
        return render(request, "certificates/admin/form.html", {
            "form": None, "title": _("Reinstate the qualification of %(name)s") % {
                "name": qualification.user.get_full_name()}, "submit": _("Reinstate")})
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.qualification_suspend(qualification=qualification, reason=form.cleaned_data["reason"],
                                           actor=request.user)
        except CertificateError as error:
            form.add_error(None, error.message)
        else:
            return redirect("certificates_admin:register")
    return render(request, "certificates/admin/form.html", {
        "form": form, "title": _("Suspend the qualification of %(name)s") % {
            "name": qualification.user.get_full_name()}, "submit": _("Suspend")})


def trainer_register(request):
    _require_coordinator(request)
    form = RegisterFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"course_id": data["course"].pk if data["course"] else None,
                   "county_id": data["county"].pk if data["county"] else None, "status": data["status"]}
    qualifications = selectors.trainer_register(**filters)
    if request.GET.get("format") == "csv":
        return _register_csv(qualifications)
    return render(request, "certificates/admin/register.html", {
        "form": form, "qualifications": qualifications, "csv_query": _with_csv(request)})


def _with_csv(request) -> str:
    query = request.GET.copy()
    query["format"] = "csv"
    return query.urlencode()


def _register_csv(qualifications) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="trainers-{timezone.localdate():%Y-%m-%d}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8 (õ, ä, ö, ü, š, ž)
    writer = csv.writer(response)
    writer.writerow([_("Name"), _("E-mail"), _("County"), _("Course"), _("Status"), _("Granted"), _("Valid until"),
                     _("Earned in cohort"), _("Trained by")])
    for q in qualifications:
        writer.writerow([q.user.get_full_name(), q.user.email, selectors.county_of(q.user), q.course.title,
                         q.status_label, q.granted_at.isoformat(), q.valid_until.isoformat(),
                         q.source_cohort.code if q.source_cohort_id else "",
                         "; ".join(t.get_full_name() for t in q.source_trainers.all())])
    return response


def lineage_index(request):
    _require_coordinator(request)
    courses = CoursePage.objects.filter(qualifications__isnull=False).distinct().order_by("title")
    return render(request, "certificates/admin/lineage_index.html", {"courses": courses})


def lineage(request, course_id):
    _require_coordinator(request)
    course = get_object_or_404(CoursePage, pk=course_id)
    return render(request, "certificates/admin/lineage.html", {
        "course": course, "lineage": selectors.lineage_for_course(course=course)})
