"""Production: every secret from the environment; refuses to start without them."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters.")
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")
# The key that signs credentials must be the same on every server and survive deployments (never generated).
CREDENTIALS_SIGNING_KEY_GENERATE = False
if not (os.environ.get("CREDENTIALS_SIGNING_KEY") or os.environ.get("CREDENTIALS_SIGNING_KEY_FILE")):
    raise ImproperlyConfigured("CREDENTIALS_SIGNING_KEY or CREDENTIALS_SIGNING_KEY_FILE must be set in production "
                               "(the Ed25519 key that signs certificates' credentials, see docs/operations.md).")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": private_storage_settings(PRIVATE_MEDIA_ROOT),  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The proxy serves MEDIA_ROOT; private files inside it would be public again.
if Path(PRIVATE_MEDIA_ROOT).resolve().is_relative_to(Path(MEDIA_ROOT).resolve()):  # noqa: F405
    raise ImproperlyConfigured("PRIVATE_MEDIA_ROOT must not be inside MEDIA_ROOT.")
if PRIVATE_MEDIA_SERVE not in ("", "x-accel-redirect", "x-sendfile"):  # noqa: F405
    raise ImproperlyConfigured('PRIVATE_MEDIA_SERVE must be "", "x-accel-redirect" or "x-sendfile".')

# The page and My trainings caches must be shared by every process (a change on one must reach all): without
# Redis they are off, whatever the environment says.
if not REDIS_URL:  # noqa: F405
    OSKUS_PAGE_CACHE = False
    OSKUS_MY_TRAININGS_CACHE = False
