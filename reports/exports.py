"""A report's table as CSV or XLSX: the rows of `Table.all_rows()`, the same figures the page shows.

CSV through enrollment's writer (a byte-order mark, cells a spreadsheet would read as a formula written as text);
XLSX keeps numbers as numbers and every text cell as text, never a formula.
"""

import io
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from enrollment.admin.exports import XLSX_CONTENT_TYPE, csv_lines

from .tables import Table


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def xlsx_bytes(table: Table) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(table.title[:31] or "Report").replace("/", "-").replace(":", ""))
    for row in table.all_rows():
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value if _is_number(value) else ("" if value is None else str(value)))
            if cell.data_type == "f":  # never a formula: the text stays as written
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def download(table: Table, *, fmt: str, filename: str) -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(table), content_type=XLSX_CONTENT_TYPE)
    else:
        response = StreamingHttpResponse(csv_lines(table.all_rows()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
