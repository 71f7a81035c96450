"""A second Django handler with only the middleware that token-addressed files need, for the WSGI application.

Calendar apps re-poll the personal feed every few minutes with its address as the only key, and the cohort and
session .ics files are public: sessions, CSRF, authentication, messages, allauth and the staff checks do nothing
for them but cost most of a conditional GET. ``LeanDispatch`` sends those paths (``settings.LEAN_PATHS``,
matched without the language prefix) to a handler built from ``settings.LEAN_MIDDLEWARE`` and every other path
to Django's usual handler. Both are Django's own WSGIHandler, so exceptions, 404 pages and signals are
handled as for any request.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler, get_path_info

from courses.caching import split_language


class LeanWSGIHandler(WSGIHandler):
    """Django's WSGI handler over ``settings.LEAN_MIDDLEWARE`` instead of ``settings.MIDDLEWARE``."""

    def load_middleware(self, is_async=False):
        # BaseHandler reads settings.MIDDLEWARE; it is swapped only while this handler is built (at start-up,
        # before any request), then put back.
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.LEAN_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full
        self.middleware_paths = list(settings.LEAN_MIDDLEWARE)


class LeanDispatch:
    """WSGI application: lean paths to the lean handler, the rest to `application` (Django's handler)."""

    def __init__(self, application):
        self.application = application
        self.lean = LeanWSGIHandler()
        self.paths = re.compile("|".join(f"(?:{pattern})" for pattern in settings.LEAN_PATHS)) \
            if settings.LEAN_PATHS else None

    def is_lean(self, environ) -> bool:
        return self.paths is not None and self.paths.match(split_language(get_path_info(environ))[1]) is not None

    def __call__(self, environ, start_response):
        handler = self.lean if self.is_lean(environ) else self.application
        return handler(environ, start_response)
