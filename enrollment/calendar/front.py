"""WSGI front for the personal feed's re-polls: an unchanged feed is answered 304 before Django handles the request.

Calendar apps re-fetch a subscribed feed every few minutes with the ETag they hold; nearly every answer is
"not modified". The view (feeds.personal_feed_view) decides that from one query, but under load most of a
304's time went to Django around it: building the request, the middleware, resolving the URL and, at the start
of every request, the connection health check's extra round trip to the database. ``PersonalFeedFront`` asks
the same question (``personal_feed_validator``, the same prepared statement, in the language of the URL) and
answers a match itself.

It never invents an answer Django would not give: the headers of its 304 are those of a 304 Django itself
answered for the same language and scheme, recorded from that response (a 304's headers do not depend on
the person: ETag aside, they come from the middleware and the view's constants). Until Django has answered one,
and for anything else (no If-None-Match, another ETag, an unknown or revoked token, a host Django refuses, a
database error), the request goes on to Django unchanged.
"""

from __future__ import annotations

import re
import time

from django.conf import settings
from django.core.handlers.wsgi import get_path_info
from django.db import Error, connection
from django.http.request import split_domain_port, validate_host
from django.utils import translation
from django.utils.http import parse_etags

from courses.caching import raw_host, request_is_secure, split_language
from enrollment.calendar.selectors import personal_feed_validator
from enrollment.calendar.tokens import LIVE_TOKEN_PATTERN

FEED_PATH = re.compile(rf"/calendar/(?P<token>{LIVE_TOKEN_PATTERN})\.ics")
# The ETag and Last-Modified are the feed's (a 304 for a matching ETag has no Last-Modified; one for "*" has);
# Date, Server and the length are the server's.
NOT_RECORDED = {"etag", "last-modified", "date", "server", "content-length"}


def _feed_token(environ) -> tuple[str, str] | None:
    """(language, token) of a conditional GET or HEAD of a personal feed; None for any other request."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if not if_none_match or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    language, path = split_language(get_path_info(environ))
    match = FEED_PATH.fullmatch(path)
    return (language, match["token"]) if match else None


def _matches(if_none_match: str, etag: str) -> bool:
    """Whether the client holds exactly this version (weak comparison, RFC 9110 13.1.2); "*" goes to Django."""
    quoted = f'"{etag}"'
    return any(tag.removeprefix("W/") == quoted for tag in parse_etags(if_none_match))


def _host_allowed(environ) -> bool:
    domain, _port = split_domain_port(raw_host(environ))
    return bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)


def _close_if_obsolete() -> None:
    """CONN_MAX_AGE as Django applies it between requests (which the front bypasses): an expired connection is
    closed and the next query opens a new one; never one inside a transaction (a test's). The health check
    Django adds at a request's start is not repeated here: a broken connection fails the query, and the
    request then goes on to Django, which checks and reconnects."""
    close_at = connection.close_at
    if (connection.connection is not None and not connection.in_atomic_block and close_at is not None
            and time.monotonic() >= close_at):
        connection.close()


class PersonalFeedFront:
    """WSGI application: 304 for a personal feed the client already holds, everything else to `application`."""

    def __init__(self, application):
        self.application = application
        # (language, HTTPS) -> the headers of Django's own 304 for a personal feed, without its ETag.
        self.headers: dict[tuple[str, bool], list[tuple[str, str]]] = {}

    def __call__(self, environ, start_response):
        found = _feed_token(environ)
        if found is None:
            return self.application(environ, start_response)
        language, token = found
        shape = (language, request_is_secure(environ))
        template = self.headers.get(shape)
        if template is None:
            return self.application(environ, self._recording(shape, start_response))
        etag = self._current_etag(environ, language, token)
        if etag is None:
            return self.application(environ, start_response)
        start_response("304 Not Modified", [*template, ("ETag", f'"{etag}"')])
        return []

    def _current_etag(self, environ, language: str, token: str) -> str | None:
        """The feed's current ETag when the client's If-None-Match holds it; None when Django must answer."""
        if not _host_allowed(environ):
            return None
        try:
            _close_if_obsolete()
            with translation.override(language):
                state = personal_feed_validator(token=token)
        except Error:  # any database error, a closed connection (InterfaceError) too
            return None
        if state is None or not _matches(environ["HTTP_IF_NONE_MATCH"], state.etag):
            return None
        return state.etag

    def _recording(self, shape, start_response):
        """start_response that keeps the headers of Django's first 304 for this language and scheme."""

        def recording_start_response(status, headers, exc_info=None):
            names = {name.lower() for name, _value in headers}
            if status.startswith("304 ") and "etag" in names and "set-cookie" not in names:
                self.headers.setdefault(shape, [(name, value) for name, value in headers
                                                if name.lower() not in NOT_RECORDED])
            return start_response(status, headers, exc_info)

        return recording_start_response
