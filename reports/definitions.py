"""Which reports there are and how each table is read for a page or a download: shared by the views and the
background download task, so that both compute a table the same way (the same figures)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy

from . import selectors
from .scope import Scope
from .tables import Table


@dataclass(frozen=True)
class Report:
    title: object
    read: Callable[..., dict[str, Table]]
    # The keys of the tables `read` returns (tests/reports/test_downloads.py checks they agree), so that a
    # download's address is checked without computing the report.
    tables: tuple[str, ...]
    # Read a page at a time on screen: the table grows with the people in it.
    paged: bool = False


REPORTS = {
    "participants": Report(gettext_lazy("Participants"), selectors.participants,
                           ("county", "municipality", "profession", "organisation")),
    "delivery": Report(gettext_lazy("Delivery"), selectors.delivery, ("delivery",)),
    "programme": Report(gettext_lazy("Programme progress"), selectors.programme_progress, ("programme",),
                        paged=True),
    "cascade": Report(gettext_lazy("Cascade reach"), selectors.cascade, ("generation", "year", "trainer")),
    "trends": Report(gettext_lazy("Trends"), selectors.trends, ("trends",)),
}
# Tables that list people by name: their background files are deleted whenever someone's data is erased.
NAMED_TABLES = {("programme", "programme"), ("cascade", "trainer")}
FORMATS = ("csv", "xlsx")


class UnknownTable(LookupError):
    """No such report, table or format (the views answer 404)."""


def get(report: str) -> Report:
    try:
        return REPORTS[report]
    except KeyError:
        raise UnknownTable(report) from None


def tables(report: str, scope: Scope, *, page: int | None = None) -> dict[str, Table]:
    """The report's tables for a page: `page` for a paged report (None: every row)."""
    definition = get(report)
    return definition.read(scope, page=page) if definition.paged else definition.read(scope)


def background_rows() -> int:
    """Tables with more rows than this are downloaded through a background task (REPORTS_BACKGROUND_DOWNLOAD_ROWS)."""
    return int(getattr(settings, "REPORTS_BACKGROUND_DOWNLOAD_ROWS", 5000))


def table_for_download(report: str, table: str, scope: Scope) -> Table:
    """Every row of one table: what the CSV and XLSX hold, at once or in the background."""
    found = tables(report, scope).get(table)
    if found is None:
        raise UnknownTable(table)
    return found


def check(report: str, table: str, fmt: str) -> None:
    """UnknownTable unless the report has that table (asked without computing it) and the format exists."""
    if fmt not in FORMATS or table not in get(report).tables:
        raise UnknownTable(f"{report}/{table}.{fmt}")


def small_table(report: str, table: str, scope: Scope) -> tuple[Table | None, int]:
    """(the table, its rows) when it is small enough to download at once, else (None, its rows).

    The programme's people are counted first (one query) so that a large programme is never computed in the
    request; the other reports' tables are bounded by what they group by and are computed (then reused).
    """
    check(report, table, "csv")
    if report == "programme":
        rows = selectors.programme_people(scope)
        if rows > background_rows():
            return None, rows
    found = table_for_download(report, table, scope)
    if found.row_count > background_rows():
        return None, found.row_count
    return found, found.row_count
