"""A report's table as CSV or XLSX: the rows of `Table.all_rows()`, the same figures the page shows.

CSV through enrollment's writer (a byte-order mark, cells a spreadsheet would read as a formula written as text);
XLSX keeps numbers as numbers and every text cell as text, never a formula. The download served at once and the
one built in the background (reports/downloads.py) go through `write`, so their bytes agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import BinaryIO

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from enrollment.admin.exports import XLSX_CONTENT_TYPE, csv_lines

from .tables import Table

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_CONTENT_TYPE}


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _counted(rows: list[list], on_row: Callable[[int], None] | None) -> Iterator[list]:
    for index, row in enumerate(rows, start=1):
        yield row
        if on_row is not None:
            on_row(index)


def write(table: Table, fmt: str, target: BinaryIO, *, on_row: Callable[[int], None] | None = None) -> int:
    """Write the table to `target` as `fmt`; `on_row(n)` after each of the n rows written (heading and total
    included). Returns the number of rows written."""
    rows = table.all_rows()
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=(table.title[:31] or "Report").replace("/", "-").replace(":", ""))
        for row in _counted(rows, on_row):
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value if _is_number(value) else ("" if value is None else str(value)))
                if cell.data_type == "f":  # never a formula: the text stays as written
                    cell.data_type = "s"
                cells.append(cell)
            sheet.append(cells)
        workbook.save(target)
    else:
        for line in csv_lines(_counted(rows, on_row)):
            target.write(line.encode("utf-8"))
    return len(rows)


def xlsx_bytes(table: Table) -> bytes:
    import io

    output = io.BytesIO()
    write(table, "xlsx", output)
    return output.getvalue()


def download(table: Table, *, fmt: str, filename: str) -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(table), content_type=CONTENT_TYPES["xlsx"])
    else:
        response = StreamingHttpResponse((line.encode("utf-8") for line in csv_lines(table.all_rows())),
                                         content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
