"""Bench-only: sessions of people who logged in before the run (run inside Django).

A log-in writes the session row and, with the `cached_db` engine (production with REDIS_URL), the same data
into the cache; later requests read it from there. Creating thousands through the log-in form would take
minutes, so the rows are written in one batch and the cache in one `set_many`.
"""

import datetime as dt
import secrets
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session as HttpSession
from django.core.cache import caches
from django.utils import timezone


def logged_in_sessions(users) -> list[str]:
    """One new session key per user, in the order given."""
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore()
    expire = timezone.now() + dt.timedelta(days=1)
    keys, rows, cached = [], [], {}
    for user in users:
        key = secrets.token_hex(16)
        data = {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "accounts.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash()}
        rows.append(HttpSession(session_key=key, session_data=store.encode(data), expire_date=expire))
        if hasattr(engine.SessionStore, "cache_key_prefix"):
            cached[engine.SessionStore(session_key=key).cache_key] = data
        keys.append(key)
    HttpSession.objects.bulk_create(rows)
    if cached:
        caches[settings.SESSION_CACHE_ALIAS].set_many(cached, 86400)
    return keys
