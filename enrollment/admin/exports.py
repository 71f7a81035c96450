"""Enrollment lists as CSV and XLSX for coordinators.

Only what a coordinator needs to run a cohort goes out: name, e-mail, organisation, profession, municipality
and county, cohort, status and dates. Answers to the sign-up questions (they may hold health or dietary
data) go out only on request (`with_answers`) and only in one cohort's list, which the listing view decides
(`EnrollmentIndexView.as_spreadsheet`: the "with answers" download of the cohort page); anything else from
the profile stays in the system. The rows come from ONE query, whatever their number. Cells that a
spreadsheet would read as a formula are written as text (CSV injection).
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from ..attendance.selectors import ANSWER_LABELS
from ..models import Enrollment

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0) if value else None


def _profile(enrollment):
    return getattr(enrollment.user, "profile", None)


def columns(*, with_answers: bool = False) -> list[tuple[str, Callable[[Enrollment], object]]]:
    """(heading, value getter) for every exported column, headings translated to the active language; with
    `with_answers`, one more column per sign-up question (attendance.selectors.ANSWER_LABELS)."""

    def municipality(e):
        profile = _profile(e)
        return profile.municipality.name if profile and profile.municipality_id else ""

    def county(e):
        profile = _profile(e)
        return profile.municipality.county.name if profile and profile.municipality_id else ""

    return [
        (_("Name"), lambda e: e.user.full_name),
        (_("E-mail"), lambda e: e.user.email),
        (_("Organisation"), lambda e: _profile(e).organisation if _profile(e) else ""),
        (_("Profession"), lambda e: _profile(e).get_profession_display() if _profile(e) else ""),
        (_("Municipality"), municipality),
        (_("County"), county),
        (_("Course"), lambda e: e.cohort.course.title),
        (_("Cohort"), lambda e: e.cohort.code),
        (_("Status"), lambda e: e.get_status_display()),
        (_("Enrolled"), lambda e: _local(e.created_at)),
        (_("Joined the waitlist"), lambda e: _local(e.waitlist_joined_at)),
        (_("Offer expires"), lambda e: _local(e.offer_expires_at)),
    ] + ([(str(label), _answer(key)) for key, label in ANSWER_LABELS.items()] if with_answers else [])


def _answer(key: str) -> Callable[[Enrollment], str]:
    return lambda e: str((e.answers or {}).get(key) or "")


def export_queryset(queryset: QuerySet) -> QuerySet:
    """The enrollments with everything the columns read, joined in the same query."""
    return queryset.select_related("user__profile__municipality__county", "cohort__course")


def rows(queryset: QuerySet, *, with_answers: bool = False) -> Iterator[list]:
    """The heading row, then one row per enrollment (one database query in all).

    Headings and labels are translated to the language active when this is called, even when the rows are
    produced later (a streamed response runs after the view has returned).
    """
    language = translation.get_language()

    def generate():
        with translation.override(language):
            cols = columns(with_answers=with_answers)
            yield [heading for heading, _getter in cols]
            for enrollment in export_queryset(queryset).iterator(chunk_size=500):
                yield [getter(enrollment) for _heading, getter in cols]

    return generate()


def _safe_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    def write(self, value):
        return value


def csv_lines(data: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte-order mark, so that spreadsheet programs read the file as UTF-8
    for row in data:
        yield writer.writerow([_safe_text(value) for value in row])


def xlsx_bytes(data: Iterable[list], *, title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    for row in data:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value if hasattr(value, "strftime") else (
                "" if value is None else str(value)))
            if cell.data_type == "f":  # never a formula: keep the text as it is
                cell.data_type = "s"
            if hasattr(value, "strftime"):
                cell.number_format = "yyyy-mm-dd hh:mm"
            cells.append(cell)
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_response(queryset: QuerySet, *, filename: str, with_answers: bool = False) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows(queryset, with_answers=with_answers)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(queryset: QuerySet, *, filename: str, with_answers: bool = False) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(rows(queryset, with_answers=with_answers), title=_("Enrollments")),
                            content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
