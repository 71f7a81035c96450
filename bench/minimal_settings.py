"""Bench-only: the smallest Django application worth comparing with, the benchmark's honest yardstick.

Only SecurityMiddleware and CommonMiddleware, one view returning "ok" (bench/minimal_urls.py), no apps, no
database, no templates, no sessions. `bench/pages.py` serves it with `bench/minimal_wsgi.py` in its own
gunicorn with the same worker settings as the project's, and divides every page by it (`ratio_to_django=`).
"""

import os

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
ROOT_URLCONF = "bench.minimal_urls"
WSGI_APPLICATION = "bench.minimal_wsgi.application"
INSTALLED_APPS: list[str] = []
DATABASES: dict = {}
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
USE_TZ = True
USE_I18N = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
