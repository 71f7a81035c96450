"""The "Reports" section of the Wagtail admin: one page per report with its filters, tables, charts and map, and
each table as CSV / XLSX (at once, or for a large table through a background download with a progress page).
Coordinators and administrators only (accounts.roles.require_coordinator); a background download only for the
coordinator who asked. Views parse the filters, call one selector or service and render."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from accounts.roles import CoordinatorRequiredMixin
from certificates.views import _private_file_response

from . import definitions, downloads
from .definitions import REPORTS, UnknownTable
from .estonia_map import county_map
from .exports import CONTENT_TYPES, download
from .scope import Scope

# Which tables are drawn, and how: (table key, chart kind, label column, value columns).
CHARTS = {
    "participants": [("profession", "bar", 0, [1, 2])],
    "delivery": [("delivery", "bar", 0, [6, 10])],
    "cascade": [("generation", "bar", 1, [4])],
    "trends": [("trends", "line", 0, [1, 4]), ("trends", "bar", 0, [3])],
}


def _number(value):
    return None if value is None or value == "" else float(value)


def _page(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


def chart_spec(table, kind: str, label_column: int, value_columns: list[int]) -> dict:
    """What reports.js gives Chart.js: the table's own figures, never other ones."""
    return {
        "type": kind,
        "title": table.title,
        "labels": [str(row[label_column]) for row in table.rows],
        "datasets": [{"label": str(table.columns[i]), "data": [_number(row[i]) for row in table.rows]}
                     for i in value_columns],
    }


class ReportBreadcrumbsMixin:
    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse("reports:index"), "label": _("Reports")},
                {"url": "", "label": self.get_page_title()}]


class ReportView(CoordinatorRequiredMixin, ReportBreadcrumbsMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/admin/report.html"
    header_icon = "table"

    def get_page_title(self):
        try:
            return str(definitions.get(self.kwargs["report"]).title)
        except UnknownTable:
            raise Http404 from None

    @cached_property
    def scope_and_form(self):
        return Scope.from_query(self.request.GET)

    def get_context_data(self, **kwargs):
        report = self.kwargs["report"]
        scope, form = self.scope_and_form
        try:
            tables = definitions.tables(report, scope, page=_page(self.request))
        except UnknownTable:
            raise Http404 from None
        query = scope.query_string()
        charts = []
        for index, (key, kind, label_column, value_columns) in enumerate(CHARTS.get(report, [])):
            table = tables.get(key)
            if table is not None and table.rows:
                charts.append({"id": f"chart-{index}", "data_id": f"chart-{index}-data", "table_key": key,
                               "title": table.title, "spec": chart_spec(table, kind, label_column, value_columns)})
        county = tables.get("county")
        limit = definitions.background_rows()
        return {
            **super().get_context_data(**kwargs),
            "report": report, "title": REPORTS[report].title,
            "reports": [(k, v.title) for k, v in REPORTS.items()],
            "form": form, "tables": list(tables.values()), "charts": charts, "query": query,
            "background": {key for key, table in tables.items() if table.row_count > limit},
            "map": county_map({county.codes[row[0]]: row[1] for row in county.rows if row[0] in county.codes},
                              {code: name for name, code in county.codes.items()}) if county else None,
        }


class ReportIndexView(CoordinatorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/admin/index.html"
    header_icon = "table"
    page_title = gettext_lazy("Reports")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reports": [(k, v.title) for k, v in REPORTS.items()],
                "downloads": downloads.exports_for_user(self.request.user)}


class ReportDownloadView(CoordinatorRequiredMixin, ReportBreadcrumbsMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: the table as a file at once, or (more rows than REPORTS_BACKGROUND_DOWNLOAD_ROWS) a page offering to
    prepare it; POST: record a background download and go to its progress page."""

    template_name = "reports/admin/download_prepare.html"
    header_icon = "download"

    def get_page_title(self):
        return _("Prepare a download")

    def get(self, request, report: str, table: str, fmt: str):
        scope, _form = Scope.from_query(request.GET)
        try:
            definitions.check(report, table, fmt)
            found, rows = definitions.small_table(report, table, scope)
        except UnknownTable:
            raise Http404 from None
        if found is not None:
            return download(found, fmt=fmt, filename=f"{report}-{table}-{scope.at:%Y%m%d}")
        context = self.get_context_data(report_title=REPORTS[report].title, table=table, fmt=fmt.upper(),
                                        rows=rows, query=scope.query_string(),
                                        report_url=reverse("reports:report", args=[report]))
        return self.render_to_response(context)

    def post(self, request, report: str, table: str, fmt: str):
        scope, _form = Scope.from_query(request.GET)
        try:
            export = downloads.export_request(user=request.user, report=report, table=table, fmt=fmt, scope=scope)
        except UnknownTable:
            raise Http404 from None
        return redirect("reports:export", export.pk)


class OwnExportMixin:
    """The background download of the coordinator who asked; 404 for anyone else's."""

    def get_export(self):
        export = downloads.export_of(user=self.request.user, export_id=self.kwargs["pk"])
        if export is None:
            raise Http404
        return export


class ExportView(CoordinatorRequiredMixin, OwnExportMixin, ReportBreadcrumbsMixin, WagtailAdminTemplateMixin,
                 TemplateView):
    """The progress page: a progress bar that reports/download.js keeps up to date, and the link when ready."""

    template_name = "reports/admin/download.html"
    header_icon = "download"

    def get_page_title(self):
        return _("Download")

    def get_context_data(self, **kwargs):
        export = self.get_export()
        return {**super().get_context_data(**kwargs), "export": export,
                "report_title": REPORTS[export.report].title if export.report in REPORTS else export.report,
                "file_url": reverse("reports:export_file", args=[export.pk]),
                "status_url": reverse("reports:export_status", args=[export.pk])}


class ExportStatusView(CoordinatorRequiredMixin, OwnExportMixin, View):
    """What the progress bar polls: state, its label, per cent done and the file's address once ready."""

    def get(self, request, pk: int):
        export = self.get_export()
        ready = downloads.export_for_download(user=request.user, export_id=export.pk) is not None
        return JsonResponse({"state": export.state, "label": export.get_state_display(), "progress": export.progress,
                             "url": reverse("reports:export_file", args=[export.pk]) if ready else None})


class ExportFileView(CoordinatorRequiredMixin, View):
    def get(self, request, pk: int):
        export = downloads.export_for_download(user=request.user, export_id=pk)
        if export is None:
            raise Http404
        filename = f"{export.report}-{export.table}-{export.as_of:%Y%m%d}.{export.format}"
        return _private_file_response(export.file, filename=filename, content_type=CONTENT_TYPES[export.format])
