"""The catalogue page: filters that combine, search, pagination, cohort facts and a constant query count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import County
from tests import factories
from tests.courses.conftest import cohort_with_session, quick_course

pytestmark = pytest.mark.django_db


def titles(response) -> set[str]:
    return {item.page.title for item in response.context["items"]}


def test_catalogue_lists_courses_and_programmes_with_next_cohort_and_free_places(catalogue, client):
    course = factories.CoursePageFactory(title="Eakate vaimne tervis")
    cohort_with_session(course, days=40, capacity=12, seats=3)
    cohort_with_session(course, days=10, capacity=5, seats=5)
    cohort_with_session(course, days=20, capacity=8, status="cancelled")  # not offered: ignored
    programme = factories.ProgrammePageFactory(title="Kagu-Eesti programm")
    factories.ProgrammePartFactory(page=programme, course=course)

    response = client.get(catalogue.url)

    assert response.status_code == 200
    items = {item.page.title: item for item in response.context["items"]}
    assert set(items) == {"Eakate vaimne tervis", "Kagu-Eesti programm"}
    item = items["Eakate vaimne tervis"]
    assert item.free_places == 9  # (12 - 3) + (5 - 5)
    assert item.next_cohort.starts_at.date() == (timezone.now() + dt.timedelta(days=10)).date()
    assert items["Kagu-Eesti programm"].kind == "programme"
    assert items["Kagu-Eesti programm"].total_hours == course.academic_hours
    assert "Vabad kohad" in response.content.decode()  # "Free places" in Estonian


def test_free_places_count_only_seat_statuses(catalogue, client):
    course = factories.CoursePageFactory()
    cohort = cohort_with_session(course, capacity=4, seats=1)
    for status in ("offered", "completed", "not_completed"):
        factories.EnrollmentFactory(cohort=cohort, status=status)
    for status in ("pending", "waitlisted", "cancelled", "declined", "expired", "rejected"):
        factories.EnrollmentFactory(cohort=cohort, status=status)

    item = client.get(catalogue.url).context["items"][0]

    assert item.free_places == 0


def test_filters_combine_with_and(catalogue, client):
    mental, family = factories.TopicFactory(slug="mental"), factories.TopicFactory(slug="family")
    social, police = factories.TargetGroupFactory(slug="social"), factories.TargetGroupFactory(slug="police")
    voru = County.objects.get(name="Võru maakond")
    tartu = County.objects.get(name="Tartu maakond")
    a = factories.CoursePageFactory(title="A", format="online", language="et",
                                    m2m={"topics": [mental], "target_groups": [social], "eligible_counties": [voru]})
    b = factories.CoursePageFactory(title="B", format="in_person", language="et",
                                    m2m={"topics": [mental], "target_groups": [police]})
    c = factories.CoursePageFactory(title="C", format="online", language="ru",
                                    m2m={"topics": [family], "target_groups": [social], "eligible_counties": [tartu]})
    cohort_with_session(a, days=10, capacity=5, seats=5)  # full
    cohort_with_session(b, days=60, capacity=5, seats=1)
    cohort_with_session(c, days=12, capacity=5)

    url = catalogue.url
    assert titles(client.get(url)) == {"A", "B", "C"}
    assert titles(client.get(url, {"topic": "mental"})) == {"A", "B"}
    assert titles(client.get(url, {"topic": "mental", "format": "online"})) == {"A"}
    assert titles(client.get(url, {"target_group": "social", "language": "ru"})) == {"C"}
    # County: courses open to every county (no counties chosen) match every county.
    assert titles(client.get(url, {"county": voru.pk})) == {"A", "B"}
    assert titles(client.get(url, {"county": voru.pk, "topic": "mental", "target_group": "police"})) == {"B"}
    assert titles(client.get(url, {"free": "on"})) == {"B", "C"}
    assert titles(client.get(url, {"free": "on", "format": "online"})) == {"C"}
    soon = (timezone.now() + dt.timedelta(days=30)).date().isoformat()
    assert titles(client.get(url, {"date_to": soon})) == {"A", "C"}
    assert titles(client.get(url, {"date_to": soon, "free": "on"})) == {"C"}
    assert titles(client.get(url, {"date_from": soon})) == {"B"}
    assert titles(client.get(url, {"topic": "family", "date_from": soon})) == set()


def test_programme_matches_filters_through_its_courses_and_own_counties(catalogue, client):
    topic = factories.TopicFactory(slug="addiction")
    course = factories.CoursePageFactory(title="Sõltuvused", m2m={"topics": [topic]})
    voru = County.objects.get(name="Võru maakond")
    programme = factories.ProgrammePageFactory(title="Programm", m2m={"eligible_counties": [voru]})
    factories.ProgrammePartFactory(page=programme, course=course)
    harju = County.objects.get(name="Harju maakond")

    assert titles(client.get(catalogue.url, {"topic": "addiction"})) == {"Sõltuvused", "Programm"}
    assert titles(client.get(catalogue.url, {"topic": "addiction", "county": harju.pk})) == {"Sõltuvused"}


def test_search_finds_by_summary_and_combines_with_filters(catalogue, client):
    factories.CoursePageFactory(title="Perepesa", summary="Perekeskuse töötajatele, süsteemne tagasiside.",
                                format="in_person")
    factories.CoursePageFactory(title="Juhtimine", summary="Meeskonna juhtimine.", format="online")

    assert titles(client.get(catalogue.url, {"q": "perekeskuse"})) == {"Perepesa"}
    assert titles(client.get(catalogue.url, {"q": "juhtimine"})) == {"Juhtimine"}
    assert titles(client.get(catalogue.url, {"q": "juhtimine", "format": "in_person"})) == set()


def test_filter_state_is_kept_in_the_form_and_pagination_links(catalogue, client):
    topic = factories.TopicFactory(slug="shared")
    for n in range(25):
        quick_course(catalogue, n, m2m={"topics": [topic]})

    first = client.get(catalogue.url, {"topic": "shared"})
    second = client.get(catalogue.url, {"topic": "shared", "page": 2})

    assert len(first.context["items"]) == 20
    assert len(second.context["items"]) == 5
    html = first.content.decode()
    assert 'href="?topic=shared&amp;page=2"' in html
    assert '<option value="shared" selected>' in html


def test_invalid_filter_values_are_reported_and_ignored(catalogue, client):
    factories.CoursePageFactory(title="A")

    response = client.get(catalogue.url, {"topic": "no-such-topic", "date_from": "2026-13-45",
                                          "date_to": "2020-01-01", "county": "x", "page": "x"})

    assert response.status_code == 200
    assert titles(response) == {"A"} or titles(response) == set()
    form = response.context["filter_form"]
    assert {"topic", "date_from", "county"} <= set(form.errors)


def test_date_range_end_before_start_is_refused_with_a_message(catalogue, client):
    factories.CoursePageFactory(title="A")

    response = client.get(catalogue.url, {"date_from": "2026-12-01", "date_to": "2026-11-01"})

    assert "date_to" in response.context["filter_form"].errors
    assert titles(response) == {"A"}  # the broken range is ignored


def _count_queries(client, url, params=None) -> int:
    client.get(url, params or {})  # warm the per-process caches (site root paths, catalogue URL)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_catalogue_and_course_page_run_the_same_queries_for_5_and_500_courses(
        catalogue, client, django_assert_max_num_queries):
    topic = factories.TopicFactory(slug="t")
    group = factories.TargetGroupFactory(slug="g")
    county = County.objects.get(name="Võru maakond")
    provider = factories.ProviderFactory()
    venue = factories.VenueFactory()

    def add(start, stop):
        for n in range(start, stop):
            course = quick_course(catalogue, n, provider=provider,
                                  m2m={"topics": [topic], "target_groups": [group], "eligible_counties": [county]})
            if n % 50 == 0:
                cohort_with_session(course, days=5 + n % 30, seats=2, venue=venue)
                cohort_with_session(course, days=40, seats=1, venue=venue)
        return course

    course = add(0, 5)
    programme = factories.ProgrammePageFactory(title="Arenguprogramm")  # sorts first: on page 1 both times
    factories.ProgrammePartFactory(page=programme, course=course)
    filtered = {"topic": "t", "target_group": "g", "county": county.pk, "free": "on", "date_from": "2020-01-01"}
    searched = {**filtered, "q": "kursus"}
    small = [_count_queries(client, catalogue.url), _count_queries(client, catalogue.url, filtered),
             _count_queries(client, course.url), _count_queries(client, programme.url)]
    small_search = _count_queries(client, catalogue.url, searched)

    add(5, 500)
    large = [_count_queries(client, catalogue.url), _count_queries(client, catalogue.url, filtered),
             _count_queries(client, course.url), _count_queries(client, programme.url)]
    large_search = _count_queries(client, catalogue.url, searched)

    assert large == small
    # Search asks the search backend first; its own queries may differ by one with the number of hits
    # (seen with SQLite's FTS backend), but never grow with the rows.
    assert large_search <= small_search + 1
    with django_assert_max_num_queries(30):
        client.get(catalogue.url, searched)
    with django_assert_max_num_queries(20):
        client.get(course.url)
