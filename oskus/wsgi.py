"""WSGI entry point for gunicorn: `gunicorn oskus.wsgi`.

Anonymous hits of the page cache are answered by its front before Django handles the request
(courses/caching.py); calendar files go to a handler with only the middleware they need (oskus/lean.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oskus.settings.production")
_django = get_wsgi_application()

from courses.caching import PageCacheFront  # noqa: E402 - needs the settings get_wsgi_application() set up
from oskus.lean import LeanDispatch  # noqa: E402

application = PageCacheFront(LeanDispatch(_django))
