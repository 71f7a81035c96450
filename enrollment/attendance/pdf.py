"""The printable sign-in sheet (A4 PDF, WeasyPrint) for sessions held without devices."""

from django.template.loader import render_to_string
from django.utils import timezone


def signin_sheet(*, session, rows, trainers) -> bytes:
    """Render the sheet: names, organisation, a signature column; the trainers sign at the bottom."""
    from weasyprint import HTML  # imported lazily: loading Pango is slow and only this view needs it

    html = render_to_string("enrollment/attendance/signin_sheet.html", {
        "session": session, "cohort": session.cohort, "rows": rows, "trainers": trainers,
        "starts": timezone.localtime(session.starts_at), "ends": timezone.localtime(session.ends_at),
    })
    return HTML(string=html).write_pdf()
