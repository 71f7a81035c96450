"""WSGI entry point for gunicorn: `gunicorn oskus.wsgi`.

Two fronts answer before Django handles the request: a calendar app's re-poll of an unchanged personal feed
(enrollment/calendar/front.py) and an anonymous hit of the page cache (courses/caching.py). Calendar files go
to a handler with only the middleware they need (oskus/lean.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oskus.settings.production")
_django = get_wsgi_application()

from courses.caching import PageCacheFront  # noqa: E402 - needs the settings get_wsgi_application() set up
from enrollment.calendar.front import PersonalFeedFront  # noqa: E402
from oskus.lean import LeanDispatch  # noqa: E402

application = PersonalFeedFront(PageCacheFront(LeanDispatch(_django)))
