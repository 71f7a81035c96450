"""The programme page shows each part's coming dates with an enroll link; the home page's cards show the next
dates and the academic hours. Both read dates through courses.schedule in a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.courses.conftest import cohort_with_session

pytestmark = pytest.mark.django_db


def _queries(client, url) -> tuple[int, str]:
    from django.core.cache import cache

    cache.clear()  # the anonymous page cache would answer the second request without a query
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _programme(catalogue, n_parts: int, title: str):
    programme = factories.ProgrammePageFactory(title=title, parent=catalogue)
    courses = []
    for n in range(n_parts):
        course = factories.CoursePageFactory(title=f"{title} osa {n}", parent=catalogue,
                                             academic_hours=Decimal("7.5"))
        cohort_with_session(course, days=10 + n, venue=factories.VenueFactory())
        cohort_with_session(course, days=60 + n, status="planned")
        factories.ProgrammePartFactory(page=programme, course=course, sort_order=n)
        courses.append(course)
    factories.ProgrammePartFactory(page=programme, course=None, kind="study_trip", title="Õppereis",
                                   academic_hours=Decimal("8"), sort_order=n_parts)
    return programme, courses


def test_programme_page_shows_each_parts_dates_and_enroll_links(catalogue, client):
    programme, courses = _programme(catalogue, 2, "Arenguprogramm")
    closed = cohort_with_session(courses[1], days=90, status="planned")
    _count, html = _queries(client, programme.url)
    for course in courses:
        open_cohort = course.cohorts.filter(status="open").get()
        start = timezone.localtime(open_cohort.sessions.get().starts_at)
        assert f"{start:%-d}.{start:%-m}.{start:%Y}" in html
        assert reverse("enroll", args=[open_cohort.pk]) in html
    assert reverse("enroll", args=[closed.pk]) not in html  # not open for enrollment: dates, no link
    assert html.count('class="part-runs"') == 2  # the study trip has no dates of its own


def test_programme_page_queries_do_not_grow_with_its_parts(catalogue, client):
    small, _ = _programme(catalogue, 1, "Väike programm")
    large, _ = _programme(catalogue, 6, "Suur programm")
    _queries(client, small.url)  # warm the per-process caches (site root paths)
    small_count, _ = _queries(client, small.url)
    large_count, html = _queries(client, large.url)
    assert html.count('class="part-runs"') == 6
    assert large_count == small_count


def test_home_page_cards_show_next_dates_and_hours_in_constant_queries(site_tree, client):
    catalogue = site_tree["catalogue"]
    home = site_tree["home"]

    def add(n):
        for i in range(n):
            course = factories.CoursePageFactory(title=f"Kursus {n}-{i}", parent=catalogue,
                                                 academic_hours=Decimal("7.5"))
            cohort_with_session(course, days=12 + i)

    add(1)
    programme, _ = _programme(catalogue, 1, "Programm")
    _queries(client, home.url)  # warm the per-process caches (site root paths)
    small, html = _queries(client, home.url)
    start = timezone.localtime(timezone.now() + dt.timedelta(days=12))
    assert f"{start:%-d}.{start:%-m}.{start:%Y}" in html
    assert "7,5" in html and "15,5" in html  # a course's hours, a programme's total (7.5 + 8)
    assert html.count('class="catalogue-facts"') == 3
    add(5)
    large, html = _queries(client, home.url)
    assert html.count('class="catalogue-facts"') == 8
    assert large == small
