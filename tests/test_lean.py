"""Calendar files go through the WSGI application's lean handler: only the middleware they need, the same answers."""

from wsgiref.util import setup_testing_defaults

import pytest
from django.core import signals
from django.db import close_old_connections

from oskus.lean import LeanDispatch
from tests import factories
from tests.enrollment.calendar.helpers import confirmed, feed_url, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    """The production WSGI application; the connection stays open between requests, as the test client keeps
    it (the test's transaction lives on it)."""
    import oskus.wsgi

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield oskus.wsgi.application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def call(application, path, **environ):
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_HOST": "testserver", **environ}
    setup_testing_defaults(env)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    answer["body"] = b"".join(application(env, start_response))
    return answer


def _dispatch(application) -> LeanDispatch:
    return application.application  # PageCacheFront -> LeanDispatch


def test_calendar_files_and_only_they_take_the_lean_handler(application):
    dispatch = _dispatch(application)
    for path in ("/calendar/abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG.ics", "/en/calendar/x.ics",
                 "/calendar/cohort/kevad-2026.ics", "/ru/calendar/session/3f2b.ics"):
        assert dispatch.is_lean({"PATH_INFO": path}), path
    for path in ("/calendar/settings/", "/my-trainings/", "/koolitused/kalender.ics/", "/accounts/login/"):
        assert not dispatch.is_lean({"PATH_INFO": path}), path
    lean = dispatch.lean.middleware_paths
    for skipped in ("SessionMiddleware", "CsrfViewMiddleware", "AuthenticationMiddleware", "MessageMiddleware",
                    "AccountMiddleware", "StaffSessionMiddleware", "PrivateCacheMiddleware"):
        assert not [name for name in lean if name.endswith(skipped)], skipped
    assert "django.middleware.security.SecurityMiddleware" in lean


def test_the_personal_feed_answers_the_same_through_the_lean_handler(application, site_tree, specialist):
    cohort = factories.CohortFactory(title="Kevadrühm")
    make_session(cohort)
    confirmed(specialist, cohort)
    url = feed_url(specialist)

    full = call(application, url)
    again = call(application, url, HTTP_IF_NONE_MATCH=full["headers"]["ETag"])
    english = call(application, "/en" + url)
    unknown = call(application, "/calendar/" + "x" * 43 + ".ics")

    assert full["status"] == 200 and b"BEGIN:VEVENT" in full["body"] and b"Kevadr" in full["body"]
    assert full["headers"]["Content-Security-Policy"] and full["headers"]["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in full["headers"]
    assert again["status"] == 304 and again["body"] == b""
    assert english["status"] == 200 and b"my trainings" in english["body"]
    assert unknown["status"] == 404 and b"<html" in unknown["body"]  # the site's own 404 page, no stack trace
