"""Attendance of a cohort as CSV and XLSX: one row per participant, one column per session, then the totals."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def _cell(mark) -> str:
    if mark is None:
        return ""
    text = str(mark.get_status_display())
    if mark.minutes_missed:
        text += f" ({mark.minutes_missed} min)"
    return text


def _table(matrix: dict) -> list[list]:
    header = [_("Name"), _("E-mail"), _("Organisation"), _("Status")]
    header += [timezone.localtime(s.starts_at).strftime("%d.%m.%Y %H:%M") for s in matrix["sessions"]]
    header += [_("Attended academic hours"), _("Course academic hours"), _("Attendance (%)"),
               _("Rule met")]
    table = [header]
    for row in matrix["rows"]:
        e, p = row["enrollment"], row["progress"]
        profile = getattr(e.user, "profile", None)
        table.append([e.user.full_name, e.user.email, profile.organisation if profile else "",
                      str(e.get_status_display()), *[_cell(m) for m in row["marks"]],
                      float(p.attended_hours), float(p.total_hours), float(p.percent),
                      _("yes") if p.rule_met else _("no")])
    return table


def _safe(value):
    """Neutralise spreadsheet formulas in user-entered text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def as_csv(matrix: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in _table(matrix):
        writer.writerow([_safe(v) for v in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


def as_xlsx(matrix: dict, *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (title or "attendance")[:31]
    for line in _table(matrix):
        sheet.append([_safe(v) for v in line])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
