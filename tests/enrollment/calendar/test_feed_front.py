"""The personal feed's WSGI front: a re-poll of an unchanged feed is answered 304 before Django, from the one
validator query and with exactly the headers Django's own 304 carries; everything else goes on to Django."""

import time

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from enrollment.calendar import front as feed_front
from enrollment.calendar.front import PersonalFeedFront
from enrollment.calendar.services import calendar_feed_revoke
from oskus.lean import LeanDispatch
from tests import factories
from tests.enrollment.calendar.helpers import confirmed, feed_url, make_session
from tests.wsgi import call, layer

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(application, monkeypatch):
    """The production application, with the requests that reached Django counted."""
    dispatch = layer(application, LeanDispatch)
    seen = []
    original = LeanDispatch.__call__

    def counting(self, environ, start_response):
        seen.append(environ["PATH_INFO"])
        return original(self, environ, start_response)

    monkeypatch.setattr(LeanDispatch, "__call__", counting)
    feed_front_layer = layer(application, PersonalFeedFront)
    monkeypatch.setattr(feed_front_layer, "headers", {})  # each test starts with nothing recorded
    return {"app": application, "django": seen, "dispatch": dispatch}


@pytest.fixture
def feed(site_tree, specialist):
    cohort = factories.CohortFactory(title="Kevadrühm")
    make_session(cohort)
    confirmed(specialist, cohort)
    return {"user": specialist, "cohort": cohort, "url": feed_url(specialist)}


def _etag(app, url):
    full = call(app, url)
    assert full["status"] == 200
    return full["headers"]["ETag"]


@pytest.mark.postgres  # the one validator statement; SQLite's portable validator reads six
def test_a_repoll_is_answered_by_the_front_with_djangos_own_headers_from_one_query(counted, feed):
    app, url = counted["app"], feed["url"]
    etag = _etag(app, url)
    by_django = call(app, url, HTTP_IF_NONE_MATCH=etag)  # the first 304 is Django's; its headers are kept
    reached = len(counted["django"])
    connection.close_at = time.monotonic() - 1  # older than CONN_MAX_AGE, as late in a long suite: kept open
    with CaptureQueriesContext(connection) as queries:
        by_front = call(app, url, HTTP_IF_NONE_MATCH=etag)
    head = call(app, url, REQUEST_METHOD="HEAD", HTTP_IF_NONE_MATCH=f"W/{etag}, \"other\"")

    assert by_django["status"] == by_front["status"] == head["status"] == 304
    assert len(counted["django"]) == reached  # neither reached Django
    assert by_front["headers"] == by_django["headers"] == head["headers"]
    assert by_front["headers"]["ETag"] == etag and by_front["body"] == b""
    assert by_front["headers"]["Cache-Control"] == "private, no-cache"
    assert by_front["headers"]["Content-Security-Policy"] and by_front["headers"]["X-Content-Type-Options"]
    assert len(queries) == 1 and "oskus_feed_validator" in queries[0]["sql"]


def test_everything_but_an_unchanged_feed_goes_to_django(counted, feed, specialist):
    app, url = counted["app"], feed["url"]
    etag = _etag(app, url)
    call(app, url, HTTP_IF_NONE_MATCH=etag)  # recorded
    english_etag = _etag(app, "/en" + url)
    before = len(counted["django"])

    answers = {
        "another version": call(app, url, HTTP_IF_NONE_MATCH='"not-this-one"'),
        "any version": call(app, url, HTTP_IF_NONE_MATCH="*"),
        "the Estonian ETag under /en/": call(app, "/en" + url, HTTP_IF_NONE_MATCH=etag),
        "a host Django refuses": call(app, url, HTTP_IF_NONE_MATCH=etag, HTTP_HOST="evil.example"),
        "no If-None-Match": call(app, url),
    }
    assert answers["another version"]["status"] == 200
    assert answers["the Estonian ETag under /en/"]["headers"]["ETag"] == english_etag
    assert len(counted["django"]) == before + len(answers)  # each of them reached Django

    make_session(feed["cohort"])  # the feed changed: the old ETag is answered with the new feed
    changed = call(app, url, HTTP_IF_NONE_MATCH=etag)
    assert changed["status"] == 200 and changed["headers"]["ETag"] != etag

    new_etag = changed["headers"]["ETag"]
    call(app, url, HTTP_IF_NONE_MATCH=new_etag)
    calendar_feed_revoke(user=specialist)  # a revoked address stops at once, even for a client holding the ETag
    assert call(app, url, HTTP_IF_NONE_MATCH=new_etag)["status"] == 404


def test_a_database_error_in_the_front_leaves_the_answer_to_django(counted, feed, monkeypatch):
    app, url = counted["app"], feed["url"]
    etag = _etag(app, url)
    call(app, url, HTTP_IF_NONE_MATCH=etag)

    def broken(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(feed_front, "personal_feed_validator", broken)
    before = len(counted["django"])
    answer = call(app, url, HTTP_IF_NONE_MATCH=etag)
    assert answer["status"] == 304 and len(counted["django"]) == before + 1


def test_a_response_with_a_cookie_is_never_kept_as_the_template(monkeypatch):
    def django(environ, start_response):
        start_response("304 Not Modified", [("ETag", '"a"'), ("Set-Cookie", "x=1")])
        return []

    front = PersonalFeedFront(django)
    call(front, "/calendar/" + "a" * 43 + ".ics", HTTP_IF_NONE_MATCH='"a"')
    assert front.headers == {}
    monkeypatch.setattr(front, "application", lambda environ, start_response: (
        start_response("304 Not Modified", [("ETag", '"a"'), ("Cache-Control", "private, no-cache")]) or []))
    call(front, "/calendar/" + "a" * 43 + ".ics", HTTP_IF_NONE_MATCH='"a"')
    assert front.headers == {("et", False): [("Cache-Control", "private, no-cache")]}


def test_an_expired_connection_is_closed_as_between_django_requests(monkeypatch):
    class Connection:
        connection, close_at, closed, in_atomic_block = object(), 0.0, False, False

        def close(self):
            self.closed = True

    expired, fresh, in_transaction = Connection(), Connection(), Connection()
    fresh.close_at = float("inf")
    in_transaction.in_atomic_block = True  # never closed under a transaction (a test's, in the suite)
    for fake in (expired, fresh, in_transaction):
        monkeypatch.setattr(feed_front, "connection", fake)
        feed_front._close_if_obsolete()
    assert expired.closed and not fresh.closed and not in_transaction.closed


def test_a_closed_connection_leaves_the_answer_to_django(counted, feed, monkeypatch):
    from django.db import InterfaceError

    app, url = counted["app"], feed["url"]
    etag = _etag(app, url)
    call(app, url, HTTP_IF_NONE_MATCH=etag)

    def closed(**kwargs):
        raise InterfaceError("connection already closed")  # not a DatabaseError: Error is the common base

    monkeypatch.setattr(feed_front, "personal_feed_validator", closed)
    before = len(counted["django"])
    assert call(app, url, HTTP_IF_NONE_MATCH=etag)["status"] == 304 and len(counted["django"]) == before + 1


def test_the_recorded_headers_never_carry_one_feeds_last_modified(counted, feed, specialist):
    app, url = counted["app"], feed["url"]
    etag = _etag(app, url)
    star = call(app, url, HTTP_IF_NONE_MATCH="*")  # Django's 304 for "any version" carries Last-Modified
    assert star["status"] == 304 and "Last-Modified" in star["headers"]
    by_front = call(app, url, HTTP_IF_NONE_MATCH=etag)
    assert by_front["status"] == 304 and "Last-Modified" not in by_front["headers"]
    assert by_front["headers"]["ETag"] == etag
