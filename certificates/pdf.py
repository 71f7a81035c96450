"""The certificate as an A4 PDF: an HTML template rendered by WeasyPrint, with a QR code to the verify page.

The font is DejaVu Sans (Debian's fonts-dejavu-core, `make run` installs it), embedded in the PDF so that
õ ä ö ü š ž print the same everywhere. CERTIFICATES_FONT_DIR overrides where the .ttf files are.
"""

from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

from accounts.numbers import format_number

DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"


def font_urls() -> dict[str, str]:
    directory = Path(getattr(settings, "CERTIFICATES_FONT_DIR", DEFAULT_FONT_DIR))
    return {
        "regular": (directory / "DejaVuSans.ttf").as_uri(),
        "bold": (directory / "DejaVuSans-Bold.ttf").as_uri(),
    }


def qr_data_uri(url: str) -> str:
    """The verification URL as an SVG QR code (error correction M), for an <img> in the PDF."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=1, border=4, dark="#1b2327")


def _dates(certificate) -> str:
    end = f"{certificate.completed_on:%d.%m.%Y}"
    if certificate.started_on and certificate.started_on != certificate.completed_on:
        return f"{certificate.started_on:%d.%m.%Y}–{end}"
    return end


def certificate_text(certificate) -> str:
    """The course's certificate text with its variables filled from the certificate's own facts.

    {course} the title on the certificate, {hours} the course's academic hours (a programme's total),
    {attended_hours} the hours the holder attended (as printed in the facts), {dates} the training's dates.
    Anything else in braces, and a fixed sentence without variables, is printed as it was written.
    """
    if not certificate.course_id or not certificate.course.certificate_text:
        return ""
    return certificate.course.certificate_sentence(
        course=certificate.title, hours=format_number(certificate.course.academic_hours),
        attended_hours=format_number(certificate.academic_hours), dates=_dates(certificate))


def render_certificate_html(certificate, *, language: str) -> str:
    with translation.override(language):
        return render_to_string("certificates/pdf/certificate.html", {
            "certificate": certificate, "text": certificate_text(certificate), "fonts": font_urls(),
            "qr": qr_data_uri(certificate.verification_url),
            "verification_url": certificate.verification_url, "site_url": settings.SITE_URL,
        })


def render_certificate_pdf(certificate, *, language: str = "et") -> bytes:
    html = render_certificate_html(certificate, language=language)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
