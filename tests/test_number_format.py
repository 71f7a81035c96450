"""One number format per language: Estonian writes "15,56 / 32" and "48,6 %", English "15.56 / 32" and
"48.6 %"; never both on one page. Every place that shows hours or percentages goes through accounts.numbers."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from accounts.numbers import format_number, format_percent
from enrollment.attendance.completion import CourseProgress
from tests import factories

pytestmark = pytest.mark.django_db

# Numbers with a decimal point or a decimal comma: "15.56", "48,6".
POINT = re.compile(r"(?<![\d.,])\d+\.\d+(?![\d.])")
COMMA = re.compile(r"(?<![\d.,])\d+,\d+(?![\d,])")


@pytest.mark.parametrize(("language", "expected"), [
    ("et", ["15,56", "32", "48,6", "7,5", "0", "1234,5", ""]),
    ("en", ["15.56", "32", "48.6", "7.5", "0", "1234.5", ""]),
])
def test_format_number_uses_the_active_language(language, expected):
    values = [Decimal("15.555"), Decimal("32.00"), Decimal("48.60"), 7.5, Decimal("0.00"), Decimal("1234.5"), None]
    with translation.override(language):
        assert [format_number(v) for v in values] == expected
        assert format_number(Decimal("48.625"), 1) == expected[2]
        assert format_percent(Decimal("48.6")) == expected[2]
        sep = expected[2][2]
        assert Template("{% load format_tags %}{{ v|number }}|{{ p|percent }}|{{ q|percent }}").render(
            Context({"v": Decimal("15.555"), "p": Decimal("48.6"), "q": Decimal("50.0")})
        ) == f"{expected[0]}|{expected[2]}|50{sep}0"


def test_a_progress_shows_its_figures_in_the_active_language():
    progress = CourseProgress(course=None, enrollment=None, attended_hours=Decimal("15.56"),
                              total_hours=Decimal("32"), required_percent=80)
    with translation.override("et"):
        assert (progress.attended_display, progress.total_display) == ("15,56", "32")
    with translation.override("en"):
        assert (progress.attended_display, progress.total_display) == ("15.56", "32")


@pytest.fixture
def ledger(site_tree, coordinator):
    """A person who attended 15.56 of a 32-hour course (48.6 %), and a 7.5-hour course in a programme."""
    catalogue = site_tree["catalogue"]
    course = factories.CoursePageFactory(title="Lapse heaolu", academic_hours=Decimal("32"), parent=catalogue)
    short = factories.CoursePageFactory(title="Lühikursus", academic_hours=Decimal("7.5"), parent=catalogue)
    programme = factories.ProgrammePageFactory(title="Arenguprogramm", parent=catalogue)
    factories.ProgrammePartFactory(page=programme, course=course, sort_order=0)
    factories.ProgrammePartFactory(page=programme, course=short, sort_order=1)
    cohort = factories.CohortFactory(course=course, status="running", trainers=[coordinator])
    start = timezone.now() - dt.timedelta(days=1)
    session = factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=12),
                                       academic_hours_override=Decimal("16"))
    factories.SessionFactory(cohort=cohort, starts_at=start + dt.timedelta(days=9),
                             ends_at=start + dt.timedelta(days=9, hours=12), academic_hours_override=Decimal("16"))
    person = factories.UserFactory()
    enrollment = factories.EnrollmentFactory(cohort=cohort, user=person, status="confirmed")
    factories.AttendanceFactory(enrollment=enrollment, session=session, status="late", minutes_missed=20)
    return {"person": person, "cohort": cohort, "course": course, "short": short, "programme": programme}


def _pages(client, ledger, coordinator, language):
    page_urls = {name: ledger[name].url for name in ("short", "programme")}  # Estonian: no prefix
    with translation.override(language):
        client.force_login(ledger["person"])
        html = {"my-hours": client.get(reverse("attendance_progress")).content.decode(),
                "my-trainings": client.get(reverse("my_trainings")).content.decode()}
        client.logout()
        for name in ("short", "programme"):
            prefix = "/en" if language == "en" else ""
            html[name] = client.get(prefix + page_urls[name]).content.decode()
        client.force_login(coordinator)
        html["close"] = client.get(reverse("attendance_cohort_close", args=[ledger["cohort"].pk])).content.decode()
        html["overview"] = client.get(
            reverse("enrollment_cohorts:overview", args=[ledger["cohort"].pk])).content.decode()
    return html


def _visible_text(html: str) -> str:
    """The text people read: no attributes (data-total, widths and versions are for machines), no scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]*>", " ", html)


def test_every_page_shows_hours_and_percentages_in_one_format(client, ledger, coordinator):
    for language, other in (("et", POINT), ("en", COMMA)):
        pages = {name: _visible_text(html) for name, html in _pages(client, ledger, coordinator, language).items()}
        sep = "," if language == "et" else "."
        assert f"15{sep}56" in pages["my-hours"] and f"48{sep}6" in pages["my-hours"], language
        assert f"15{sep}56" in pages["my-trainings"] and f"48{sep}6" in pages["my-trainings"], language
        assert f"7{sep}5" in pages["short"], language
        assert f"39{sep}5" in pages["programme"], language
        assert f"48{sep}6" in pages["close"] and f"15{sep}56" in pages["close"], language
        wrong = {name: found for name, text in pages.items() if (found := other.findall(text))}
        assert wrong == {}, language
