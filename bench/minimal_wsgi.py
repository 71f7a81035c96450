"""Bench-only WSGI entry point of the minimal application: `gunicorn bench.minimal_wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.minimal_settings"
application = get_wsgi_application()
