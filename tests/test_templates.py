"""Pages carry no inline scripts, inline event handlers or inline styles: behaviour and looks come from static
files (so a Content-Security-Policy without 'unsafe-inline' can be switched on without breaking a page)."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tests import factories

ROOT = Path(__file__).resolve().parent.parent
PAGE_TEMPLATES = ("site/templates", "enrollment/templates", "courses/templates", "certificates/templates",
                  "accounts/templates")
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
# Templates WeasyPrint turns into PDFs never reach a browser: their stylesheet stays beside them.
PDF_TEMPLATES = {"certificates/templates/certificates/pdf/certificate.html",
                 "enrollment/templates/enrollment/attendance/signin_sheet.html"}
# E-mails must carry their styles inline (mail programs drop stylesheets).
STYLE_ALLOWED = {"enrollment/templates/enrollment/email/message.html"}


def _templates():
    for folder in PAGE_TEMPLATES:
        yield from sorted((ROOT / folder).rglob("*.html"))


@pytest.mark.parametrize("path", list(_templates()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_event_handler_or_style(path):
    text = path.read_text()
    assert not INLINE_SCRIPT.search(text), "move the script into a static .js file"
    assert not EVENT_HANDLER.search(text), "attach the handler from a static .js file"
    if str(path.relative_to(ROOT)) not in STYLE_ALLOWED:
        assert not STYLE_ATTRIBUTE.search(text), "move the style into a static .css file"
    if str(path.relative_to(ROOT)) not in PDF_TEMPLATES | STYLE_ALLOWED:
        assert not STYLE_ELEMENT.search(text), "move the <style> element into a static .css file"


@pytest.mark.django_db
def test_the_check_in_code_display_refreshes_from_a_static_script(client, site_tree, trainer):
    cohort = factories.CohortFactory(trainers=[trainer], status="running")
    started = timezone.now() - dt.timedelta(hours=1)
    session = factories.SessionFactory(cohort=cohort, starts_at=started, ends_at=started + dt.timedelta(hours=6))
    client.force_login(trainer)
    html = client.get(reverse("attendance_checkin_display", args=[session.pk])).content.decode()

    assert 'id="checkin"' in html and "data-feed=" in html
    assert not INLINE_SCRIPT.search(html)
    sources = re.findall(r'<script src="/static/([^"]+)" defer></script>', html)
    assert sources == ["enrollment/checkin_display.js"]
    assert "setInterval" in Path(finders.find(sources[0])).read_text()


def test_the_error_page_takes_its_looks_from_a_stylesheet():
    html = render_to_string("500.html")  # as django.views.defaults.server_error renders it: no context
    assert '<link rel="stylesheet" href="/static/css/error.css">' in html
    assert "body {" in Path(finders.find("css/error.css")).read_text()
