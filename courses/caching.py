"""Whole-page cache for anonymous visitors of the catalogue, course and programme pages.

How it works:
- The page types opt in: their ``serve`` marks the response (``mark_cacheable``) with the query parameters the
  page understands; nothing else is stored.
- ``AnonymousPageCacheMiddleware`` sits right after the security and static-file middleware, before sessions,
  locale, CSRF, authentication, messages and allauth, none of which an anonymous hit needs. It answers a GET
  or HEAD when the visitor has no session cookie (so is not logged in) and no pending flash messages, in ONE
  cache round trip: ``get_many`` of the entry, the global version and the page's version. The entry key is the
  host, the language (from the URL prefix, as LocaleMiddleware decides it) and the page path with a canonical
  query: only registered parameters, non-empty, sorted, so ``?utm_source=…`` neither misses nor creates an
  entry; a parameter the page itself does not understand is answered but never stored.
- Invalidation is per page: each path (without its language prefix) has a version; an entry is served only
  while the versions it was stored with are current. A change bumps the versions of exactly the pages that
  show it, after the commit: a publish, unpublish or move bumps the page, its parent (the catalogue) and,
  for a course, the programmes that contain it; the scheduling app calls ``invalidate_course`` when a cohort,
  session or enrollment changes (free places and dates). Snippets, programme parts and deletions bump the
  global version (rare, and shown on many pages). Versions are read before rendering, so a page rendered from
  old rows can never be stored as current.
- The CSRF token is cut out before storing and a fresh one for the visitor is put back when serving, with the
  CSRF cookie set as Django's middleware would, so forms on cached pages keep working; the headers that the
  skipped middleware set when the page was rendered are stored with it.

The cache must be shared by every server process (REDIS_URL); production settings turn the page cache off
without it.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

GLOBAL_VERSION_KEY = "oskus:pagever:*"
CSRF_PLACEHOLDER = "__oskus_csrf_token__"
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
MARK = "_oskus_page_cache"
NOT_STORED_HEADERS = {"set-cookie", "x-page-cache", "content-length"}
# Query parameters some cacheable page understands (pages register theirs; everything else is dropped).
QUERY_PARAMS: set[str] = set()


def register_query_params(*names: str) -> None:
    QUERY_PARAMS.update(names)


def enabled() -> bool:
    return bool(getattr(settings, "OSKUS_PAGE_CACHE", True))


def _cache():
    return caches[getattr(settings, "OSKUS_PAGE_CACHE_ALIAS", "default")]


def _timeout() -> int:
    return int(getattr(settings, "OSKUS_PAGE_CACHE_SECONDS", 600))


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_token() -> str:
    return uuid.uuid4().hex


def path_version_key(path: str) -> str:
    return f"oskus:pagever:{_digest(path)}"


def split_language(path: str) -> tuple[str, str]:
    """(language, path without its language prefix); unprefixed paths are the default language."""
    first = path.split("/")[1] if path.startswith("/") else ""
    codes = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    if first in codes:
        return first, path[len(first) + 1:] or "/"
    return settings.LANGUAGE_CODE, path


def canonical_query(query) -> list[tuple[str, str]]:
    pairs = ((name, (query.get(name) or "").strip()) for name in QUERY_PARAMS)
    return sorted((name, value) for name, value in pairs if value)


def entry_key(host: str, language: str, path: str, query: list[tuple[str, str]]) -> str:
    return f"oskus:page:{_digest('|'.join([host, language, path, urlencode(query)]))}"


def mark_cacheable(request, response, *, params=()) -> None:
    """Let the middleware store this response; `params`: the query parameters this page understands."""
    if getattr(request, "is_preview", False):
        return
    setattr(response, MARK, frozenset(params))


def _request_is_cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD") or not enabled():
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


class AnonymousPageCacheMiddleware:
    """Serve and store the rendered pages that opted in, for visitors who are not logged in."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        if not _request_is_cacheable(request):
            return self.get_response(request)
        language, path = split_language(request.path_info)
        query = canonical_query(request.GET)
        key = entry_key(request.get_host(), language, path, query)
        version_keys = (GLOBAL_VERSION_KEY, path_version_key(path))
        cache = _cache()
        found = cache.get_many([key, *version_keys])  # the one round trip of a hit
        versions = [found.get(version_key) for version_key in version_keys]
        stored = found.get(key)
        if stored is not None and None not in versions and stored["versions"] == versions:
            return self._from_cache(request, stored)
        for index, version_key in enumerate(version_keys):
            if versions[index] is None:
                token = _new_token()
                versions[index] = token if cache.add(version_key, token, None) else cache.get(version_key, token)
        response = self.get_response(request)
        understood = getattr(response, MARK, None)
        if understood is None or response.status_code != 200 or getattr(response, "streaming", False):
            return response
        if request.method == "GET" and {name for name, _value in query} <= understood:
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            content = CSRF_INPUT.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", response.content.decode(response.charset))
            headers = {name: value for name, value in response.items() if name.lower() not in NOT_STORED_HEADERS}
            cache.set(key, {"versions": versions, "content": content, "headers": headers}, _timeout())
        response["X-Page-Cache"] = "miss"
        return response

    def _from_cache(self, request, stored):
        content = stored["content"]
        if CSRF_PLACEHOLDER in content:
            self.csrf.process_request(request)  # reads the visitor's CSRF cookie, as the skipped middleware would
            content = content.replace(CSRF_PLACEHOLDER, get_token(request))
        response = HttpResponse(content)
        for name, value in stored["headers"].items():
            response[name] = value
        response["X-Page-Cache"] = "hit"
        return self.csrf.process_response(request, response)  # sets the CSRF cookie when the token is new


# --- invalidation (receivers connected in CoursesConfig.ready; enrollment calls invalidate_course) ---------

def invalidate_all() -> None:
    """Make every cached page stale (a new global version; old entries expire on their own)."""
    _cache().set(GLOBAL_VERSION_KEY, _new_token(), None)


def invalidate_paths(paths) -> None:
    """Make the pages at these paths (without language prefix) stale."""
    paths = set(paths)
    if paths:
        token = _new_token()
        _cache().set_many({path_version_key(path): token for path in paths}, None)


def _public_paths(url_paths) -> set[str]:
    """Wagtail url_paths (which start with the site root's) -> the paths visitors use, for every site."""
    result = set()
    roots = Site.get_site_root_paths()
    for url_path in url_paths:
        for root in roots:
            if url_path.startswith(root.root_path):
                result.add("/" + url_path[len(root.root_path):])
    return result


def _with_parents(url_paths) -> set[str]:
    """The pages and their parents (a course or programme is listed on its parent, the catalogue)."""
    result = set()
    for url_path in url_paths:
        result.add(url_path)
        parent = url_path.rstrip("/").rsplit("/", 1)[0] + "/"
        if parent != "/":
            result.add(parent)
    return result


def paths_showing_courses(page_ids) -> set[str]:
    """Public paths of these pages and of their translations (every language), the programmes that contain them
    (in every language: a translated programme's parts point at the source course) and their catalogues (one
    query)."""
    ids = [pk for pk in page_ids if pk]
    if not ids:
        return set()
    # Indexed lookups in one statement (an OR across the join would scan every page): the pages' translation
    # keys, every page with one of those keys, and the programmes whose parts show one of them.
    keys = Page.objects.filter(pk__in=ids).values("translation_key")
    versions = Page.objects.filter(translation_key__in=keys).values("pk")
    pages = Page.objects.filter(translation_key__in=keys).order_by().values_list("url_path", flat=True)
    programmes = (Page.objects.filter(programmepage__parts__course_id__in=versions).order_by()
                  .values_list("url_path", flat=True))  # no ORDER BY inside a UNION (SQLite refuses it)
    return _public_paths(_with_parents(pages.union(programmes)))


def invalidate_course(course_id: int) -> None:
    """The course's runs changed (dates, free places): its page, its programmes and the catalogue go stale after
    the commit. The scheduling app calls this for its own models. Nothing to do while the page cache is off."""
    if enabled():
        transaction.on_commit(lambda: invalidate_paths(paths_showing_courses([course_id])))


def invalidate_after_commit() -> None:
    """Bump the global version once the current transaction commits (at once outside one). Not before the
    commit: a page rendered from the old rows in between would be stored under the new version."""
    transaction.on_commit(invalidate_all)


def on_change(sender=None, **kwargs) -> None:
    invalidate_after_commit()


def on_page_published(sender=None, instance=None, **kwargs) -> None:
    page_id = instance.pk
    transaction.on_commit(lambda: invalidate_paths(paths_showing_courses([page_id])))


def on_page_moved(sender=None, instance=None, url_path_before="", url_path_after="", **kwargs) -> None:
    url_paths = [path for path in (url_path_before, url_path_after) if path]
    page_id = instance.pk
    transaction.on_commit(lambda: invalidate_paths(
        _public_paths(_with_parents(url_paths)) | paths_showing_courses([page_id])))


def on_m2m_changed(sender=None, **kwargs) -> None:
    if sender is not None and sender._meta.app_label == "courses":
        invalidate_after_commit()


def connect_signals() -> None:
    """Publishing, unpublishing and moving a page make its pages stale; snippets, programme parts, changed slugs
    and deletions everything. Saving a draft (Wagtail autosaves often) changes nothing visitors see. The
    scheduling app calls ``invalidate_course`` for its own models: courses names no model of a higher app."""
    page_published.connect(on_page_published, dispatch_uid="courses.caching.published")
    page_unpublished.connect(on_page_published, dispatch_uid="courses.caching.unpublished")
    post_page_move.connect(on_page_moved, dispatch_uid="courses.caching.moved")
    page_slug_changed.connect(on_change, dispatch_uid="courses.caching.slug")  # its subpages' paths change too
    for label in ("courses.Topic", "courses.TargetGroup", "courses.Provider", "courses.Venue",
                  "courses.ProgrammePart"):
        post_save.connect(on_change, sender=label, dispatch_uid=f"courses.caching.save.{label}")
        post_delete.connect(on_change, sender=label, dispatch_uid=f"courses.caching.delete.{label}")
    for label in ("courses.HomePage", "courses.CourseIndexPage", "courses.CoursePage", "courses.ProgrammePage",
                  "wagtailcore.Page"):
        post_delete.connect(on_change, sender=label, dispatch_uid=f"courses.caching.delete.{label}")
    m2m_changed.connect(on_m2m_changed, dispatch_uid="courses.caching.m2m")
