"""The anonymous page cache: hits, who is never served from it, and invalidation on publish and seat changes."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import caching
from courses.pages import ProgrammePart
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


# --- before the expensive middleware, one round trip, canonical keys, per-page invalidation (issue 16) ---------

def test_the_page_cache_answers_before_sessions_locale_csrf_auth_and_messages(settings):
    order = settings.MIDDLEWARE
    cache_at = order.index("courses.caching.AnonymousPageCacheMiddleware")
    for name in ("django.contrib.sessions.middleware.SessionMiddleware",
                 "django.middleware.locale.LocaleMiddleware",
                 "django.middleware.csrf.CsrfViewMiddleware",
                 "django.contrib.auth.middleware.AuthenticationMiddleware",
                 "django.contrib.messages.middleware.MessageMiddleware",
                 "allauth.account.middleware.AccountMiddleware"):
        assert cache_at < order.index(name), name


def test_a_hit_is_one_cache_round_trip(client, site_tree, page_cache, monkeypatch):
    url = factories.CoursePageFactory().url
    client.get(url)
    calls = []
    backend = caching._cache()

    class Recorder:
        """The cache as the middleware sees it: every call it makes is one round trip (get_many is MGET)."""

        def __getattr__(self, name):
            method = getattr(backend, name)
            return lambda *args, **kwargs: calls.append(name) or method(*args, **kwargs)

    monkeypatch.setattr(caching, "_cache", Recorder)
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert calls == ["get_many"]


def test_a_hit_keeps_the_headers_of_the_middleware_it_skips(client, site_tree, page_cache):
    url = factories.CoursePageFactory().url  # (a request leaves its language active in the test's thread)
    first = client.get(url)
    second = client.get("/en" + url)
    hit = client.get("/en" + url)
    assert hit["X-Page-Cache"] == "hit"
    assert hit["X-Frame-Options"] == first["X-Frame-Options"]
    assert hit["Content-Language"] == "en" == second["Content-Language"]
    assert '<html lang="en">' in hit.content.decode()


def test_junk_query_parameters_neither_miss_nor_create_entries(client, site_tree, page_cache):
    catalogue = site_tree["catalogue"]
    factories.CoursePageFactory(format="online")
    client.get(catalogue.url, {"format": "online", "topic": ""})
    entries = len([key for key in caching._cache()._cache if "oskus:page:" in key])
    for junk in ("utm_source=abc", "fbclid=1&utm_medium=x", "gclid=zz"):
        response = client.get(f"{catalogue.url}?{junk}&format=online")
        assert response["X-Page-Cache"] == "hit", junk
    reordered = client.get(f"{catalogue.url}?topic=&format=online")
    assert reordered["X-Page-Cache"] == "hit"
    assert len([key for key in caching._cache()._cache if "oskus:page:" in key]) == entries == 1


def test_parameters_a_page_does_not_understand_are_not_stored(client, site_tree, page_cache):
    url = factories.CoursePageFactory().url
    for value in ("a", "b", "c"):
        assert client.get(url, {"q": value})["X-Page-Cache"] == "miss"
    assert not [key for key in caching._cache()._cache if "oskus:page:" in key]


def test_an_enrollment_makes_stale_only_the_pages_that_show_its_course(client, site_tree, page_cache,
                                                                       django_capture_on_commit_callbacks):
    catalogue = site_tree["catalogue"]
    changed, other = factories.CoursePageFactory(title="Muutuv"), factories.CoursePageFactory(title="Teine")
    programme = factories.ProgrammePageFactory(title="Programm")
    ProgrammePart.objects.create(page=programme, course=changed, sort_order=1)
    cohort = cohort_with_session(changed, capacity=3)
    for page in (changed, other, programme, catalogue):
        client.get(page.url)
        assert client.get(page.url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        factories.EnrollmentFactory(cohort=cohort, status="confirmed")

    assert client.get(changed.url)["X-Page-Cache"] == "miss"
    assert client.get(catalogue.url)["X-Page-Cache"] == "miss"
    assert client.get(programme.url)["X-Page-Cache"] == "miss"
    assert client.get(other.url)["X-Page-Cache"] == "hit"
    assert client.get("/en" + other.url)["X-Page-Cache"] == "miss"  # never stored in English before


def test_moving_a_page_makes_its_old_and_new_places_stale(client, site_tree, page_cache,
                                                          django_capture_on_commit_callbacks):
    course = factories.CoursePageFactory(slug="liikuv")
    old_url = course.url
    client.get(old_url)
    assert client.get(old_url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        course.slug = "liikunud"
        course.save_revision().publish()
    old = client.get(old_url)
    assert old.get("X-Page-Cache") != "hit"
    assert old.status_code == 301 and old["Location"] == "/koolitused/liikunud/"  # Wagtail's automatic redirect
    assert client.get("/koolitused/liikunud/")["X-Page-Cache"] == "miss"


def test_production_has_no_page_cache_without_a_shared_cache():
    import os
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent.parent
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "PAGE_CACHE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"DJANGO_SETTINGS_MODULE": "oskus.settings.production", "SECRET_KEY": secrets.token_urlsafe(60),
                "ALLOWED_HOSTS": "oskus.ee", "DATABASE_URL": "postgres://x@127.0.0.1:1/x",
                "CREDENTIALS_SIGNING_KEY": "dGVzdC1vbmx5LWNyZWRlbnRpYWwtc2lnbmluZy1rZXk"})
    code = "from django.conf import settings; print(settings.OSKUS_PAGE_CACHE, settings.OSKUS_MY_TRAININGS_CACHE)"
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["False", "False"], result.stderr
