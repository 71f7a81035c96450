"""Whole-page cache for anonymous visitors of the catalogue, course and programme pages.

How it works:
- The page types opt in: their ``serve`` marks the response (``mark_cacheable``); nothing else is stored.
- ``AnonymousPageCacheMiddleware`` (last in MIDDLEWARE) answers a GET from the cache when the visitor has
  no session cookie (so is not logged in) and no pending flash messages. The key is the host, the active
  language and the full path with its query string (filters and page number), under a **version number**.
- Invalidation bumps the version: every cached page is then stale at once. A bump happens when a page is
  published, unpublished, moved or deleted, when a snippet changes, and (connected by the scheduling app
  itself) whenever cohorts, sessions or enrollments change: free places and dates are shown in the
  catalogue, the course page and programme pages. Bumps happen after the commit.
- CSRF tokens are cut out before storing and a fresh token for the visitor is put back when serving, so
  forms on cached pages (the language switch, enroll buttons) keep working.

With more than one server process the cache must be shared (set REDIS_URL); with the per-process
LocMemCache a bump reaches only the process that made it, and other processes serve stale copies until
``OSKUS_PAGE_CACHE_SECONDS`` expire.
"""

from __future__ import annotations

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from wagtail.signals import page_published, page_unpublished, post_page_move

VERSION_KEY = "oskus:pagecache:version"
CSRF_PLACEHOLDER = "__oskus_csrf_token__"
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
MARK = "_oskus_page_cache"


def enabled() -> bool:
    return bool(getattr(settings, "OSKUS_PAGE_CACHE", True))


def _cache():
    return caches[getattr(settings, "OSKUS_PAGE_CACHE_ALIAS", "default")]


def _timeout() -> int:
    return int(getattr(settings, "OSKUS_PAGE_CACHE_SECONDS", 600))


def current_version() -> int:
    cache = _cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        # Start from the clock so that entries written before the version key was lost are never reused.
        version = int(time.time() * 1000)
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def invalidate_all() -> None:
    """Make every cached page stale (a version bump; old entries expire on their own)."""
    cache = _cache()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, int(time.time() * 1000), None)


def mark_cacheable(request, response) -> None:
    """Let the middleware store this response (only the page types that opt in call this)."""
    if getattr(request, "is_preview", False):
        return
    setattr(response, MARK, True)


def _request_is_cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD") or not enabled():
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return True


def cache_key(request, version: int) -> str:
    raw = "|".join([request.get_host(), translation.get_language() or "", request.get_full_path()])
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"oskus:page:{version}:{digest}"


class AnonymousPageCacheMiddleware:
    """Serve and store the rendered pages that opted in, for visitors who are not logged in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _request_is_cacheable(request):
            return self.get_response(request)
        version = current_version()
        key = cache_key(request, version)
        cache = _cache()
        stored = cache.get(key)
        if stored is not None:
            return self._from_cache(request, stored)
        response = self.get_response(request)
        if (request.method == "GET" and getattr(response, MARK, False) and response.status_code == 200
                and not response.cookies and not getattr(response, "streaming", False)):
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            content = CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", response.content.decode(response.charset))
            cache.set(key, (content, response.get("Content-Type")), _timeout())
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _from_cache(request, stored):
        content, content_type = stored
        if CSRF_PLACEHOLDER in content:
            content = content.replace(CSRF_PLACEHOLDER, get_token(request))
        response = HttpResponse(content, content_type=content_type)
        response["X-Page-Cache"] = "hit"
        response["Content-Language"] = translation.get_language() or settings.LANGUAGE_CODE
        return response


# --- signal receivers (connected in CoursesConfig.ready) ------------------------------------------

def invalidate_after_commit() -> None:
    """Bump once the current transaction commits (at once outside one). Not before the commit: a page rendered
    from the old rows in between would be stored under the new version and served as current."""
    transaction.on_commit(invalidate_all)


def on_change(sender=None, **kwargs) -> None:
    invalidate_after_commit()


def connect_signals() -> None:
    """Bump the version on anything of courses a cached page shows. The scheduling app connects its own models
    to ``on_change`` (see EnrollmentConfig.ready): courses names no model of a higher app."""
    page_published.connect(on_change, dispatch_uid="courses.caching.published")
    page_unpublished.connect(on_change, dispatch_uid="courses.caching.unpublished")
    post_page_move.connect(on_change, dispatch_uid="courses.caching.moved")
    watched = ["courses.Topic", "courses.TargetGroup", "courses.Provider", "courses.Venue",
               "courses.ProgrammePart", "courses.HomePage", "courses.CourseIndexPage", "courses.CoursePage",
               "courses.ProgrammePage", "wagtailcore.Page"]
    for label in watched:
        post_save.connect(on_change, sender=label, dispatch_uid=f"courses.caching.save.{label}")
        post_delete.connect(on_change, sender=label, dispatch_uid=f"courses.caching.delete.{label}")
    m2m_changed.connect(on_change, dispatch_uid="courses.caching.m2m")
