"""A report's table: what the page shows, the chart reads and the CSV / XLSX downloads write (the same rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    total: list | None = None
    # A short note under the title: what the figures mean.
    note: str = ""
    # Extra facts for pictures of the table, e.g. the EHAK code of each county name (the map).
    codes: dict = field(default_factory=dict)
    # A table shown a page at a time (the programme's people): its rows in all pages, this page and how many.
    count: int | None = None
    page: int = 1
    pages: int = 1

    @property
    def row_count(self) -> int:
        """Rows in the whole table (every page), without the heading and the total: what a download holds."""
        return len(self.rows) if self.count is None else self.count

    def all_rows(self) -> list[list]:
        """The heading, the rows and the total row: exactly what a download holds."""
        return [list(self.columns), *self.rows, *([self.total] if self.total else [])]


def rate(part, whole) -> Decimal | None:
    """`part` of `whole` in per cent with one decimal (half up); None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
