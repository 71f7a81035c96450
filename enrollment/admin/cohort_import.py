"""The CSV import of participants into a cohort: upload -> dry run (every bad row reported, nothing written)
-> confirm (all rows or none). The checking and importing is in `imports`; this view only moves the file."""

import base64
import binascii

from django.core import signing
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View
from wagtail.admin import messages

from accounts.models import Profession
from accounts.roles import CoordinatorRequiredMixin

from ..models import Cohort
from . import imports
from .forms import ImportConfirmForm, ImportUploadForm

IMPORT_SALT = "enrollment.import"
IMPORT_MAX_AGE = 60 * 60  # a checked file may be confirmed within an hour


class CohortImportView(CoordinatorRequiredMixin, View):
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
