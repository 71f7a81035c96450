"""The anonymous page cache: hits, who is never served from it, and invalidation on publish and seat changes."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import caching
from courses.pages import ProgrammePart
from tests import factories
from tests.courses.conftest import cohort_with_session
from tests.wsgi import chain

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


def test_cached_pages_carry_no_csrf_token_and_the_language_switch_needs_none(site_tree, page_cache):
    """A cached page is the same bytes for every visitor: no per-visitor token in it. The one form anonymous
    visitors see on these pages, the language switch, changes nothing but the language and works without."""
    from django.test import Client

    course = factories.CoursePageFactory()
    Client().get(course.url)  # someone else fills the cache
    visitor = Client(enforce_csrf_checks=True)

    response = visitor.get(course.url)
    html = response.content.decode()

    assert response["X-Page-Cache"] == "hit"
    assert "csrfmiddlewaretoken" not in html
    assert 'action="/i18n/setlang/"' in html
    switched = visitor.post("/i18n/setlang/", {"language": "en", "next": course.url})
    assert switched.status_code == 302
    assert switched["Location"] == "/en" + course.url


def test_a_page_with_a_csrf_token_is_never_stored(rf, page_cache):
    """Were a cacheable page ever to carry a form with a token, storing it would hand one visitor's token to
    all: such a response is passed on and not stored."""
    from django.http import HttpResponse

    def view(request):
        response = HttpResponse('<form method="post"><input type="hidden" name="csrfmiddlewaretoken" '
                                'value="abc"></form>')
        caching.mark_cacheable(request, response)
        return response

    middleware = caching.AnonymousPageCacheMiddleware(view)
    for _ in range(2):
        response = middleware(rf.get("/kursused/vorm/", HTTP_HOST="testserver"))
        assert response["X-Page-Cache"] == "miss"
    assert not [key for key in caching._cache()._cache if "oskus:page:" in key]


def test_post_requests_and_previews_are_not_cached(client, site_tree, page_cache):
    course = factories.CoursePageFactory()

    client.post(course.url)
    response = client.get(course.url)

    assert response["X-Page-Cache"] == "miss"


# --- before the expensive middleware, one round trip, canonical keys, per-page invalidation (issue 16) ---------

def test_the_page_cache_answers_before_sessions_locale_csrf_auth_and_messages(settings):
    order = settings.MIDDLEWARE
    cache_at = order.index("courses.caching.AnonymousPageCacheMiddleware")
    assert cache_at == 0, "first: a hit needs none of the others (their headers are stored with the page)"
    for name in ("django.contrib.sessions.middleware.SessionMiddleware",
                 "django.middleware.locale.LocaleMiddleware",
                 "django.middleware.csrf.CsrfViewMiddleware",
                 "oskus.security.middleware.AuthenticationMiddleware",
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


def test_a_repeated_hit_reads_only_the_versions_and_keeps_the_page_in_the_process(client, site_tree, page_cache,
                                                                                 monkeypatch,
                                                                                 django_capture_on_commit_callbacks):
    """The shared cache stays the authority (its versions decide), but the ~100 kB page itself is kept in the
    process for the next visitor: a repeated hit moves a few bytes, not the page."""
    course = factories.CoursePageFactory(title="Kohalik koopia")
    url = course.url
    client.get(url)
    client.get(url)  # the first hit copies the page into the process
    asked = []
    backend = caching._cache()

    class Recorder:
        def __getattr__(self, name):
            method = getattr(backend, name)
            return lambda keys, *args, **kwargs: asked.append(list(keys)) or method(keys, *args, **kwargs)

    monkeypatch.setattr(caching, "_cache", Recorder)
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit" and "Kohalik koopia" in response.content.decode()
    assert len(asked) == 1 and not [key for key in asked[0] if key.startswith("oskus:page:")], asked

    with django_capture_on_commit_callbacks(execute=True):
        course.title = "Kohalik koopia, uus"
        course.save_revision().publish()
    monkeypatch.setattr(caching, "_cache", lambda: backend)
    fresh = client.get(url)
    assert fresh["X-Page-Cache"] == "miss" and "Kohalik koopia, uus" in fresh.content.decode()


def test_the_process_copy_expires_with_the_shared_entry(client, site_tree, page_cache, settings, monkeypatch):
    """Past the entry's lifetime the process no longer trusts its copy: the page is read from the shared cache
    again (and is gone when the shared entry is gone)."""
    url = factories.CoursePageFactory().url
    client.get(url)
    client.get(url)  # the copy is made
    asked = []
    backend = caching._cache()
    real_get_many = backend.get_many
    monkeypatch.setattr(backend, "get_many", lambda keys, *a, **k: asked.append(list(keys)) or real_get_many(keys))
    later = caching.time.monotonic() + settings.OSKUS_PAGE_CACHE_SECONDS + 1
    monkeypatch.setattr(caching.time, "monotonic", lambda: later)

    assert client.get(url)["X-Page-Cache"] == "hit"
    assert [key for key in asked[-1] if key.startswith("oskus:page:")], "the page itself is read again"
    backend.delete_many([key for key in asked[-1] if key.startswith("oskus:page:")])
    later += settings.OSKUS_PAGE_CACHE_SECONDS + 1
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_a_hit_keeps_the_headers_of_the_middleware_it_skips(client, site_tree, page_cache):
    url = factories.CoursePageFactory().url  # (a request leaves its language active in the test's thread)
    first = client.get(url)
    second = client.get("/en" + url)
    hit = client.get("/en" + url)
    assert hit["X-Page-Cache"] == "hit"
    assert hit["X-Frame-Options"] == first["X-Frame-Options"]
    assert hit["Content-Language"] == "en" == second["Content-Language"]
    assert '<html lang="en">' in hit.content.decode()


def test_a_hit_carries_the_security_and_csp_headers_of_the_page_it_stored(client, site_tree, page_cache):
    url = factories.CoursePageFactory().url
    first = client.get(url)
    hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit"
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy",
                   "Cross-Origin-Opener-Policy", "X-Frame-Options", "Content-Type", "Vary"):
        assert hit[header] == first[header], header
    assert "Set-Cookie" not in hit.headers


def test_plain_http_is_redirected_to_https_not_served_from_the_cache(client, site_tree, page_cache, settings):
    from django.test import Client

    url = factories.CoursePageFactory().url
    client.get(url, secure=True)
    assert client.get(url, secure=True)["X-Page-Cache"] == "hit"
    settings.SECURE_SSL_REDIRECT = True
    visitor = Client()  # SecurityMiddleware reads the setting when the handler loads it
    response = visitor.get(url)
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert visitor.get(url, secure=True)["X-Page-Cache"] == "hit"


def test_static_files_and_the_projects_own_views_are_not_looked_up_in_the_page_cache(rf, page_cache,
                                                                                      monkeypatch):
    """Only Wagtail's pages are ever stored: a calendar feed, a log-in page or the health check would cost a
    cache round trip for nothing."""
    calls = []
    monkeypatch.setattr(caching, "_cache", lambda: calls.append("cache"))
    for path in ("/static/css/site.css", "/calendar/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG.ics",
                 "/en/calendar/abc.ics", "/accounts/login/", "/ru/accounts/login/", "/healthz", "/sitemap.xml",
                 "/trainer/", "/.well-known/did.json", "/admin/pages/3/edit/"):
        assert caching.lookup_key(rf.get(path).META) is None, path
    assert calls == []
    for path in ("/", "/koolitused/", "/en/koolitused/kursus/", "/kalender-kursus/", "/healthz-kursus/"):
        assert caching.lookup_key(rf.get(path).META) is not None, path


# --- the WSGI front: a hit answered before Django handles the request at all -------------------------------------

def _wsgi_get(application, path, **environ):
    from wsgiref.util import setup_testing_defaults

    env = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_HOST": "testserver", **environ}
    setup_testing_defaults(env)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    answer["body"] = b"".join(application(env, start_response))
    return answer


def test_the_wsgi_front_answers_a_hit_without_calling_django(client, site_tree, page_cache):
    url = factories.CoursePageFactory(title="Eesliini kursus").url
    stored = client.get(url)
    django_calls = []

    def django_app(environ, start_response):
        django_calls.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"django"]

    front = caching.PageCacheFront(django_app)
    hit = _wsgi_get(front, url)
    head = _wsgi_get(front, url, REQUEST_METHOD="HEAD")

    assert django_calls == []
    assert hit["status"] == "200 OK"
    assert hit["headers"]["X-Page-Cache"] == "hit"
    assert "Eesliini kursus" in hit["body"].decode()
    assert hit["headers"]["Content-Security-Policy"] == stored["Content-Security-Policy"]
    assert int(hit["headers"]["Content-Length"]) == len(hit["body"])
    assert head["body"] == b"" and head["headers"]["Content-Length"] == hit["headers"]["Content-Length"]


def test_the_wsgi_front_passes_on_whatever_it_may_not_answer(client, site_tree, page_cache, settings):
    url = factories.CoursePageFactory().url
    client.get(url)
    django_calls = []

    def django_app(environ, start_response):
        django_calls.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"django"]

    front = caching.PageCacheFront(django_app)
    assert _wsgi_get(front, url, HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=abc")["body"] == b"django"
    assert _wsgi_get(front, url, REQUEST_METHOD="POST")["body"] == b"django"
    assert _wsgi_get(front, "/kursused/pole-veel/")["body"] == b"django"  # a miss
    assert _wsgi_get(front, url, HTTP_HOST="other.example")["body"] == b"django"  # never stored for that host
    assert len(django_calls) == 4


def test_the_production_wsgi_application_is_behind_the_front():
    import oskus.wsgi

    # Outermost the feed's front (it only looks at conditional GETs of a feed), then the page cache's.
    assert [type(item).__name__ for item in chain(oskus.wsgi.application)][:3] == [
        "PersonalFeedFront", "PageCacheFront", "LeanDispatch"]


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


def test_which_pages_show_a_course_is_remembered_until_the_page_tree_changes(site_tree, page_cache, monkeypatch,
                                                                              django_capture_on_commit_callbacks):
    course = factories.CoursePageFactory(title="Meelespeetav", slug="meelespeetav")
    first = caching.course_paths(course.pk)
    assert "/koolitused/meelespeetav/" in first and "/koolitused/" in first
    with CaptureQueriesContext(connection) as queries:
        assert caching.course_paths(course.pk) == first
    assert len(queries.captured_queries) == 0  # an enrollment's invalidation reads no pages

    programme = factories.ProgrammePageFactory(title="Uus programm")
    with django_capture_on_commit_callbacks(execute=True):
        ProgrammePart.objects.create(page=programme, course=course, sort_order=1)
    programme_path = caching._public_paths([programme.url_path]).pop()
    assert programme_path in caching.course_paths(course.pk)  # a new part: the programme shows the course

    with django_capture_on_commit_callbacks(execute=True):
        course.slug = "umber-nimetatud"
        course.save_revision().publish()
    moved = caching.course_paths(course.pk)
    assert "/koolitused/umber-nimetatud/" in moved and "/koolitused/meelespeetav/" not in moved

    later = caching.time.monotonic() + caching._timeout() + 1  # a lost bump lasts no longer than a stored page
    monkeypatch.setattr(caching.time, "monotonic", lambda: later)
    with CaptureQueriesContext(connection) as queries:
        assert caching.course_paths(course.pk) == moved
    assert len(queries.captured_queries) > 0
