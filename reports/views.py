"""The "Reports" section of the Wagtail admin: one page per report with its filters, tables, charts and map, and
each table as CSV / XLSX. Coordinators and administrators only (accounts.roles.require_coordinator); views parse
the filters, call one selector and render."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from accounts.roles import CoordinatorRequiredMixin

from . import selectors
from .estonia_map import county_map
from .exports import download
from .scope import Scope

REPORTS = {
    "participants": (gettext_lazy("Participants"), selectors.participants),
    "delivery": (gettext_lazy("Delivery"), selectors.delivery),
    "programme": (gettext_lazy("Programme progress"), selectors.programme_progress),
    "cascade": (gettext_lazy("Cascade reach"), selectors.cascade),
    "trends": (gettext_lazy("Trends"), selectors.trends),
}
# Which tables are drawn, and how: (table key, chart kind, label column, value columns).
CHARTS = {
    "participants": [("profession", "bar", 0, [1, 2])],
    "delivery": [("delivery", "bar", 0, [6, 10])],
    "cascade": [("generation", "bar", 1, [4])],
    "trends": [("trends", "line", 0, [1, 4]), ("trends", "bar", 0, [3])],
}


def _tables(report: str, scope: Scope):
    try:
        _title, read = REPORTS[report]
    except KeyError:
        raise Http404
    return read(scope)


def _number(value):
    return None if value is None or value == "" else float(value)


def chart_spec(table, kind: str, label_column: int, value_columns: list[int]) -> dict:
    """What reports.js gives Chart.js: the table's own figures, never other ones."""
    return {
        "type": kind,
        "title": table.title,
        "labels": [str(row[label_column]) for row in table.rows],
        "datasets": [{"label": str(table.columns[i]), "data": [_number(row[i]) for row in table.rows]}
                     for i in value_columns],
    }


class ReportView(CoordinatorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/admin/report.html"
    header_icon = "table"

    def get_page_title(self):
        if self.kwargs["report"] not in REPORTS:
            raise Http404
        return str(REPORTS[self.kwargs["report"]][0])

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": reverse("reports:index"), "label": _("Reports")},
                {"url": "", "label": self.get_page_title()}]

    @cached_property
    def scope_and_form(self):
        return Scope.from_query(self.request.GET)

    def get_context_data(self, **kwargs):
        report = self.kwargs["report"]
        scope, form = self.scope_and_form
        tables = _tables(report, scope)
        query = scope.query_string()
        charts = []
        for index, (key, kind, label_column, value_columns) in enumerate(CHARTS.get(report, [])):
            table = tables.get(key)
            if table is not None and table.rows:
                charts.append({"id": f"chart-{index}", "data_id": f"chart-{index}-data", "table_key": key,
                               "title": table.title, "spec": chart_spec(table, kind, label_column, value_columns)})
        county = tables.get("county")
        return {
            **super().get_context_data(**kwargs),
            "report": report, "title": REPORTS[report][0], "reports": [(k, v[0]) for k, v in REPORTS.items()],
            "form": form, "tables": list(tables.values()), "charts": charts, "query": query,
            "map": county_map({county.codes[row[0]]: row[1] for row in county.rows if row[0] in county.codes},
                              {code: name for name, code in county.codes.items()}) if county else None,
        }


class ReportIndexView(CoordinatorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/admin/index.html"
    header_icon = "table"
    page_title = gettext_lazy("Reports")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reports": [(k, v[0]) for k, v in REPORTS.items()]}


class ReportDownloadView(CoordinatorRequiredMixin, View):
    def get(self, request, report: str, table: str, fmt: str):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        scope, _form = Scope.from_query(request.GET)
        tables = _tables(report, scope)
        if table not in tables:
            raise Http404
        filename = f"{report}-{table}-{scope.at:%Y%m%d}"
        return download(tables[table], fmt=fmt, filename=filename)

