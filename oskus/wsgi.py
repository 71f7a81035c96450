"""WSGI entry point for gunicorn: `gunicorn oskus.wsgi`.

Two fronts answer before Django handles the request: a calendar app's re-poll of an unchanged personal feed
(enrollment/calendar/front.py) and an anonymous hit of the page cache (courses/caching.py). Calendar files go
to a handler with only the middleware they need (oskus/lean.py).

Each worker loads its URLconf, its reverse() tables and translation catalogues here, at start, instead of on its
first requests: a burst of enrollments meeting fresh workers otherwise waited while each imported every app's
views and the Wagtail admin's URLs and compiled their patterns in each language (~2 s of CPU, bench/README.md)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from django.utils import translation

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oskus.settings.production")
_django = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - imports the URLconf and, with it, every view module
for _code, _name in settings.LANGUAGES:
    translation.trans_real.translation(_code)  # the language's catalogues, merged once per process
    with translation.override(_code):
        get_resolver().reverse_dict  # noqa: B018 - reverse() tables and every pattern's regex, per language

from courses.caching import PageCacheFront  # noqa: E402 - needs the settings get_wsgi_application() set up
from enrollment.calendar.front import PersonalFeedFront  # noqa: E402
from oskus.lean import LeanDispatch  # noqa: E402

application = PersonalFeedFront(PageCacheFront(LeanDispatch(_django)))
