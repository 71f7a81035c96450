"""The anonymous page cache: hits, who is never served from it, and invalidation on publish and seat changes."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import caching
from tests import factories
from tests.courses.conftest import cohort_with_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.OSKUS_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def test_second_anonymous_visit_is_served_from_the_cache_without_queries(client, site_tree, page_cache):
    course = factories.CoursePageFactory(title="Vahemälu kursus")

    first = client.get(course.url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(course.url)

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert len(queries.captured_queries) == 0
    assert "Vahemälu kursus" in second.content.decode()


def test_filters_and_languages_are_cached_separately(client, site_tree, page_cache):
    catalogue = site_tree["catalogue"]
    factories.CoursePageFactory(title="Digiõpe Alfa", format="online")
    factories.CoursePageFactory(title="Klassiruum Beeta", format="in_person")

    client.get(catalogue.url)
    online = client.get(catalogue.url, {"format": "online"})
    english = client.get("/en" + catalogue.url)

    assert online["X-Page-Cache"] == "miss"
    assert "Digiõpe Alfa" in online.content.decode() and "Klassiruum Beeta" not in online.content.decode()
    assert english["X-Page-Cache"] == "miss"
    assert '<html lang="en">' in english.content.decode()


def test_logged_in_visitors_are_never_served_from_or_stored_in_the_cache(client, site_tree, specialist, page_cache):
    course = factories.CoursePageFactory()
    client.force_login(specialist)

    client.get(course.url)
    response = client.get(course.url)

    assert "X-Page-Cache" not in response
    client.logout()
    client.cookies.clear()
    assert client.get(course.url)["X-Page-Cache"] == "miss"


def test_publishing_a_new_revision_invalidates_the_cached_page_and_catalogue(client, site_tree, page_cache,
                                                                            django_capture_on_commit_callbacks):
    course = factories.CoursePageFactory(title="Vana pealkiri")
    catalogue = site_tree["catalogue"]
    client.get(course.url)
    client.get(catalogue.url)

    course.title = "Uus pealkiri"
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision().publish()

    assert "Uus pealkiri" in client.get(course.url).content.decode()
    assert "Uus pealkiri" in client.get(catalogue.url).content.decode()


def test_unpublishing_removes_the_page_from_the_cache(client, site_tree, page_cache,
                                                      django_capture_on_commit_callbacks):
    course = factories.CoursePageFactory()
    assert client.get(course.url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        course.unpublish()

    assert client.get(course.url).status_code == 404


def test_a_new_enrollment_changes_the_free_places_shown(client, site_tree, page_cache,
                                                        django_capture_on_commit_callbacks):
    course = factories.CoursePageFactory()
    cohort = cohort_with_session(course, capacity=3, seats=1)
    catalogue = site_tree["catalogue"]
    assert client.get(catalogue.url).context["items"][0].free_places == 2

    with django_capture_on_commit_callbacks(execute=True):
        factories.EnrollmentFactory(cohort=cohort, status="confirmed")

    response = client.get(catalogue.url)
    assert response["X-Page-Cache"] == "miss"
    assert response.context["items"][0].free_places == 1


def test_a_change_makes_every_cached_page_stale_after_the_commit(client, site_tree, page_cache,
                                                         django_capture_on_commit_callbacks):
    course = factories.CoursePageFactory()
    client.get(course.url)
    assert client.get(course.url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        caching.invalidate_after_commit()
    assert client.get(course.url)["X-Page-Cache"] == "hit", "nothing is stale before the commit"

    for callback in callbacks:
        callback()

    assert client.get(course.url)["X-Page-Cache"] == "miss"


def test_cached_pages_carry_a_fresh_csrf_token_that_works(site_tree, page_cache):
    from django.test import Client

    course = factories.CoursePageFactory()
    Client().get(course.url)  # someone else fills the cache
    visitor = Client(enforce_csrf_checks=True)

    response = visitor.get(course.url)
    html = response.content.decode()

    assert response["X-Page-Cache"] == "hit"
    assert caching.CSRF_PLACEHOLDER not in html
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    switched = visitor.post("/i18n/setlang/", {"csrfmiddlewaretoken": token, "language": "en", "next": "/"})
    assert switched.status_code == 302


def test_post_requests_and_previews_are_not_cached(client, site_tree, page_cache):
    course = factories.CoursePageFactory()

    client.post(course.url)
    response = client.get(course.url)

    assert response["X-Page-Cache"] == "miss"
