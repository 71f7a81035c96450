"""Calendar files go through the WSGI application's lean handler: only the middleware they need, the same answers."""

import pytest

from oskus.lean import LeanDispatch
from tests import factories
from tests.enrollment.calendar.helpers import confirmed, feed_url, make_session
from tests.wsgi import call, layer

pytestmark = pytest.mark.django_db


def _dispatch(application) -> LeanDispatch:
    return layer(application, LeanDispatch)


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

