"""The one way numbers (academic hours, percentages) are shown: in the active language's format.

Estonian writes a decimal comma ("15,56"), English a point ("15.56"). Hours drop trailing zeros ("32", "7,5");
a percentage keeps the digits it was computed with ("50,0 %"). Templates use the filters of
{% load format_tags %} ({{ hours|number }}, {{ progress.percent|percent }}); Python code
that builds text (history reasons, e-mails, PDFs) calls `format_number`. The lowest app with templates holds it,
so every app can use it. Machine-read values (CSV/XLSX cells, data attributes, JSON) are not formatted here.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats


def format_number(value, places: int | None = 2) -> str:
    """`value` rounded to at most `places` decimals, without trailing zeros, in the active locale's format
    (`places=None`: the digits as they are, e.g. a percentage already rounded to one decimal);
    "" for None or a value that is not a number."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
        if places is not None:
            number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP).normalize()
            if number == 0:
                number = Decimal(0)  # not "-0" or "0E-2"
    except (InvalidOperation, ValueError, TypeError):
        return ""
    return formats.number_format(number, use_l10n=True)


def format_percent(value) -> str:
    """A percentage as computed ("48,6", "50,0"), in the active locale's format, without the sign."""
    return format_number(value, None)
