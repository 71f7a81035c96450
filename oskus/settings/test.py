"""Test settings: fast hashing, captured e-mail, tasks run immediately."""

import os

from .base import *  # noqa: F403

SECRET_KEY = "test-only-key"
# A fixed credential-signing key for tests (base64url of 32 bytes); never generate one.
CREDENTIALS_SIGNING_KEY = "dGVzdC1vbmx5LWNyZWRlbnRpYWwtc2lnbmluZy1rZXk"
CREDENTIALS_SIGNING_KEY_GENERATE = False
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
OUTBOX_RELAY = True  # as in production (PostgreSQL), on SQLite too: tests with the database backend call the relay
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "oskus-test"}}
ACCOUNT_RATE_LIMITS = False  # individual tests switch them on where they are the subject
# Tests log staff in with force_login (no second factor); tests/security switch the requirement on.
OSKUS_STAFF_MFA_REQUIRED = False
PRIVATE_MEDIA_ROOT = os.environ.get("TEST_PRIVATE_MEDIA_ROOT", "/tmp/oskus-test-private-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": private_storage_settings(PRIVATE_MEDIA_ROOT),  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT", "/tmp/oskus-test-media")
# The locmem cache outlives each test's rolled-back database; tests of the page cache switch it on.
OSKUS_PAGE_CACHE = False
OSKUS_MY_TRAININGS_CACHE = False
SESSION_ENGINE = "django.contrib.sessions.backends.db"
