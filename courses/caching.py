"""Whole-page cache for anonymous visitors of the catalogue, course and programme pages.

How it works:
- The page types opt in: their ``serve`` marks the response (``mark_cacheable``) with the query parameters the
  page understands; nothing else is stored.
- ``PageCacheFront`` wraps the WSGI application (oskus/wsgi.py): an anonymous hit is answered from the stored
  bytes before Django builds a request. ``AnonymousPageCacheMiddleware``, first in MIDDLEWARE, answers hits
  where there is no front (runserver, tests) and stores misses with every header the other middleware set
  (security, CSP, language, Vary). Both answer a GET or HEAD when the visitor has no session cookie (so is
  not logged in) and no pending flash messages, is not asking for a static file and is on HTTPS where that is
  required, in ONE cache round trip: ``get_many`` of the entry, the global version and the page's version
  (the front hands its result on to the middleware, so a miss is one round trip too). The entry key is the
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
- A stored page is the same bytes for every visitor: a response that holds a CSRF token is never stored (the
  language switch, the one form anonymous visitors see on these pages, needs none: oskus/views.py).

The cache must be shared by every server process (REDIS_URL); production settings turn the page cache off
without it.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import uuid
from collections import OrderedDict
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.handlers.wsgi import get_path_info
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.http.cookie import parse_cookie
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import cache_writes

GLOBAL_VERSION_KEY = "oskus:pagever:*"
CSRF_FIELD = b'name="csrfmiddlewaretoken"'
MARK = "_oskus_page_cache"
LOOKUP = "oskus.page_cache.lookup"  # the front's lookup, handed to the middleware in the WSGI environ
NOT_STORED_HEADERS = {"set-cookie", "x-page-cache", "content-length"}
# Query parameters some cacheable page understands (pages register theirs; everything else is dropped).
QUERY_PARAMS: set[str] = set()


def register_query_params(*names: str) -> None:
    QUERY_PARAMS.update(names)


def enabled() -> bool:
    return bool(getattr(settings, "OSKUS_PAGE_CACHE", True))


def _alias() -> str:
    return getattr(settings, "OSKUS_PAGE_CACHE_ALIAS", "default")


def _cache():
    return caches[_alias()]


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


def request_is_secure(meta) -> bool:
    """Django's HttpRequest.is_secure() from the environ alone."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = meta.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return meta.get("wsgi.url_scheme") == "https"


def raw_host(meta) -> str:
    """The host as Django's get_host() reads it (validated by Django before anything is stored under it)."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in meta:
        return meta["HTTP_X_FORWARDED_HOST"]
    if "HTTP_HOST" in meta:
        return meta["HTTP_HOST"]
    host, port = meta.get("SERVER_NAME", ""), str(meta.get("SERVER_PORT", ""))
    return host if port == ("443" if request_is_secure(meta) else "80") else f"{host}:{port}"


def _key_and_path(meta) -> tuple[str, str] | None:
    """The cache key of a request that may be answered from the page cache, from its WSGI environ alone (the
    front and the middleware must agree); None for a request that may not: not GET or HEAD, a session or
    flash-message cookie (logged in, or a message pending), a static or media file, or plain HTTP that
    SecurityMiddleware will redirect. With the key, the path without its language prefix."""
    if meta.get("REQUEST_METHOD") not in ("GET", "HEAD") or not enabled():
        return None
    path_info = get_path_info(meta)
    if path_info.startswith(_SKIPPED_PREFIXES()):
        return None
    if settings.SECURE_SSL_REDIRECT and not request_is_secure(meta):
        return None
    cookie = meta.get("HTTP_COOKIE", "")
    if cookie:
        cookies = parse_cookie(cookie)
        if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
            return None
    language, path = split_language(path_info)
    if _served_by_django(path):
        return None
    query_string = meta.get("QUERY_STRING", "")
    query = canonical_query(QueryDict(query_string)) if query_string else []  # most hits have none
    return entry_key(raw_host(meta), language, path, query), path


def lookup_key(meta) -> str | None:
    """The cache key of a request that may be answered from the page cache (see `_key_and_path`), or None."""
    found = _key_and_path(meta)
    return None if found is None else found[0]


# The pages this process served last: key -> (monotonic expiry, entry). The shared cache stays the authority (a
# copy is served only while the versions it was stored with are current there); the copy saves moving the page
# itself (~100 kB) from Redis and unpickling it on every hit.
_LOCAL: OrderedDict[str, tuple[float, dict]] = OrderedDict()


def _local_size() -> int:
    return int(getattr(settings, "OSKUS_PAGE_CACHE_LOCAL_ENTRIES", 200))


_LOCAL_LOCK = threading.Lock()  # threaded workers share the copies


def _local_get(key: str) -> dict | None:
    with _LOCAL_LOCK:
        copy = _LOCAL.get(key)
        if copy is None:
            return None
        if copy[0] <= time.monotonic():
            del _LOCAL[key]
            return None
        _LOCAL.move_to_end(key)
        return copy[1]


def _local_put(key: str, stored: dict) -> None:
    if _local_size() <= 0:
        return
    with _LOCAL_LOCK:
        _LOCAL[key] = (time.monotonic() + _timeout(), stored)
        _LOCAL.move_to_end(key)
        while len(_LOCAL) > _local_size():
            _LOCAL.popitem(last=False)


def lookup(meta):
    """(key, [global version, page version], stored entry or None) in ONE cache round trip, or None when the
    request may not be answered from the cache. The entry counts only while both versions are current; when
    this process holds a copy of it, only the versions are read."""
    found = _key_and_path(meta)
    if found is None:
        return None
    key, path = found
    version_keys = (GLOBAL_VERSION_KEY, path_version_key(path))
    local = _local_get(key)
    found = _cache().get_many([*version_keys] if local is not None else [key, *version_keys])
    versions = [found.get(version_key) for version_key in version_keys]
    if local is not None and None not in versions and local["versions"] == versions:
        return key, versions, local
    stored = found.get(key) if local is None else _cache().get(key)  # the copy is stale: a second look
    if stored is None or None in versions or stored.get("versions") != versions or "body" not in stored:
        return key, versions, None
    _local_put(key, stored)
    return key, versions, stored


def _SKIPPED_PREFIXES() -> tuple[str, ...]:  # noqa: N802 - a constant that follows the settings
    return tuple(prefix for prefix in (settings.STATIC_URL, settings.MEDIA_URL) if prefix and prefix != "/")


_REGEX_LITERAL = re.compile(r"(?:[\w\-/]|\\\.)*")


def _literal(pattern) -> tuple[str, bool]:
    """(the fixed start of a URL pattern, whether that is all of it): ("calendar/", False) for
    "calendar/<token>.ics", ("sitemap.xml", True) for "sitemap.xml"; ("", False) for a language prefix."""
    if isinstance(pattern, LocalePrefixPattern):
        return "", False
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        literal = text.split("<", 1)[0]
        return literal, literal == text
    body = text.removeprefix("^")
    literal = _REGEX_LITERAL.match(body).group(0)
    return literal.replace("\\.", "."), body[len(literal):] in ("", "$", "\\Z")


def _django_routes(patterns, prefix: str = "") -> tuple[set[str], set[str]]:
    """(path prefixes, exact paths) that the project's own views answer, without the language prefix. Prefixes
    are whole path segments ("/calendar/"), so no page is ever mistaken for a view by a shared first letter."""
    prefixes, exact = set(), set()
    for entry in patterns:
        literal, whole = _literal(entry.pattern)
        joined = prefix + literal
        if isinstance(entry, URLResolver):
            inner_prefixes, inner_exact = _django_routes(entry.url_patterns, joined)
            prefixes |= inner_prefixes
            exact |= inner_exact
        elif whole and joined:
            exact.add("/" + joined)
        elif "/" in joined:
            prefixes.add("/" + joined.rsplit("/", 1)[0] + "/")
    return prefixes, exact


_ROUTES: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {}


def _served_by_django(path: str) -> bool:
    """Whether a path (without language prefix) belongs to the project's own views, which are never cached:
    the calendar feeds, accounts, the trainer's pages… A page of Wagtail's behind such a prefix is only passed
    on (never wrong, at most not cached). Read from the URL map once per process."""
    urlconf = settings.ROOT_URLCONF
    if urlconf not in _ROUTES:
        prefixes, exact = _django_routes(get_resolver(urlconf).url_patterns)
        _ROUTES[urlconf] = (tuple(sorted(prefixes)), frozenset(exact))
    prefixes, exact = _ROUTES[urlconf]
    return path in exact or path.startswith(prefixes)


class AnonymousPageCacheMiddleware:
    """Serve and store the rendered pages that opted in, for visitors who are not logged in.

    First in MIDDLEWARE: a hit needs none of the others, and a stored page keeps the headers they set when it
    was rendered (security, CSP, language, Vary). Under gunicorn ``PageCacheFront`` answers hits even before
    Django; this middleware answers them elsewhere (runserver, tests) and stores every miss."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = request.META.pop(LOOKUP, None) or lookup(request.META)
        if found is None:
            return self.get_response(request)
        key, versions, stored = found
        if stored is not None:
            return _response_from(stored, head=request.method == "HEAD")
        cache = _cache()
        version_keys = (GLOBAL_VERSION_KEY, path_version_key(split_language(get_path_info(request.META))[1]))
        for index, version_key in enumerate(version_keys):
            if versions[index] is None:
                token = _new_token()
                versions[index] = token if cache.add(version_key, token, None) else cache.get(version_key, token)
        response = self.get_response(request)
        understood = getattr(response, MARK, None)
        if understood is None or response.status_code != 200 or getattr(response, "streaming", False):
            return response
        query = canonical_query(request.GET)
        if request.method == "GET" and {name for name, _value in query} <= understood:
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            body = response.content
            if CSRF_FIELD not in body:  # one visitor's token must never be served to another
                headers = [(name, value) for name, value in response.items()
                           if name.lower() not in NOT_STORED_HEADERS]
                cache.set(key, {"versions": list(versions), "body": body, "headers": headers}, _timeout())
        response["X-Page-Cache"] = "miss"
        return response


def _response_from(stored, *, head: bool) -> HttpResponse:
    response = HttpResponse(b"" if head else stored["body"])
    for name, value in stored["headers"]:
        response[name] = value
    response["Content-Length"] = str(len(stored["body"]))
    response["X-Page-Cache"] = "hit"
    return response


class PageCacheFront:
    """WSGI front of the application (oskus/wsgi.py): an anonymous hit is answered from the stored bytes and
    headers before Django builds a request or runs any middleware; everything else goes on to Django, with the
    lookup's result handed to the middleware so that a miss is still one cache round trip."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        found = lookup(environ)
        if found is None or found[2] is None:
            if found is not None:
                environ[LOOKUP] = found
            return self.application(environ, start_response)
        stored = found[2]
        body = stored["body"]
        start_response("200 OK", [*stored["headers"], ("Content-Length", str(len(body))), ("X-Page-Cache", "hit")])
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]


# --- invalidation (receivers connected in CoursesConfig.ready; enrollment calls invalidate_course) ---------

def invalidate_all() -> None:
    """Make every cached page stale (a new global version; old entries expire on their own). Its causes
    (snippets, programme parts, slugs, deletions, sites) may change which pages show a course too."""
    _cache().set_many({GLOBAL_VERSION_KEY: _new_token(), TREE_VERSION_KEY: _new_token()}, None)


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


# Which paths show a course changes only with the page tree (publishing, moving, deleting, programme parts,
# sites), while enrollments ask for it on every change of free places: each process keeps the answers of the
# tree version it last read, and every change of the tree gives it a new version (`_bump_tree`).
TREE_VERSION_KEY = "oskus:pagetree"
# (tree version, course) -> (monotonic expiry, paths); the expiry bounds a lost bump (a crash between a commit and
# its after-commit hooks) to the pages' own lifetime.
_COURSE_PATHS: OrderedDict[tuple[str, int], tuple[float, frozenset[str]]] = OrderedDict()
_COURSE_PATHS_SIZE = 2000


_known_tree: str | None = None  # the tree version this process read last


def _tree_version() -> str:
    global _known_tree
    cache = _cache()
    version = cache.get(TREE_VERSION_KEY)
    if version is None:
        token = _new_token()
        version = token if cache.add(TREE_VERSION_KEY, token, None) else cache.get(TREE_VERSION_KEY, token)
    _known_tree = version
    return version


def _bump_tree() -> None:
    _cache().set(TREE_VERSION_KEY, _new_token(), None)


def course_paths(course_id: int) -> frozenset[str]:
    """``paths_showing_courses([course_id])``, remembered by this process while the page tree is unchanged (one
    cache read instead of the query). The tree version is read before the query, so an answer computed from
    the tree before a change is never kept under the version that follows it."""
    tree = _tree_version()
    found = _remembered_paths(tree, course_id)
    if found is None:
        found = frozenset(paths_showing_courses([course_id]))
        with _LOCAL_LOCK:
            _COURSE_PATHS[(tree, course_id)] = (time.monotonic() + _timeout(), found)
            while len(_COURSE_PATHS) > _COURSE_PATHS_SIZE:
                _COURSE_PATHS.popitem(last=False)
    return found


def _remembered_paths(tree: str, course_id: int) -> frozenset[str] | None:
    with _LOCAL_LOCK:
        expires, found = _COURSE_PATHS.get((tree, course_id), (0.0, None))
    return found if found is not None and expires > time.monotonic() else None


def invalidate_course(course_id: int) -> None:
    """The course's runs changed (dates, free places): its page, its programmes and the catalogue go stale after
    the commit. The scheduling app calls this for its own models. Nothing to do while the page cache is off.

    The paths come from this process's memory of the tree version it read last; the tree's version is read back
    with the writes (courses/cache_writes.py: one round trip with the transaction's other versions), and if
    the tree changed meanwhile, the paths of the tree as it is now are made stale too."""
    if not enabled():
        return
    alias, known = _alias(), _known_tree
    paths = _remembered_paths(known, course_id) if known is not None else None
    if paths is None:
        cache_writes.check_after_commit(alias, TREE_VERSION_KEY, lambda _now: invalidate_paths(course_paths(course_id)))
        return
    cache_writes.write_after_commit(alias, {path_version_key(path): _new_token for path in paths})

    def check(now) -> None:
        if now != known:  # the tree changed (or its version was lost) since these paths were found
            invalidate_paths(course_paths(course_id))

    cache_writes.check_after_commit(alias, TREE_VERSION_KEY, check)


def invalidate_after_commit() -> None:
    """Bump the global version once the current transaction commits (at once outside one). Not before the
    commit: a page rendered from the old rows in between would be stored under the new version."""
    transaction.on_commit(invalidate_all)


def on_change(sender=None, **kwargs) -> None:
    invalidate_after_commit()


def _tree_changed(paths) -> None:
    _bump_tree()
    invalidate_paths(paths)


def on_page_published(sender=None, instance=None, **kwargs) -> None:
    page_id = instance.pk
    transaction.on_commit(lambda: _tree_changed(paths_showing_courses([page_id])))


def on_page_moved(sender=None, instance=None, url_path_before="", url_path_after="", **kwargs) -> None:
    url_paths = [path for path in (url_path_before, url_path_after) if path]
    page_id = instance.pk
    transaction.on_commit(lambda: _tree_changed(
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
    post_save.connect(on_change, sender=Site, dispatch_uid="courses.caching.save.site")  # the public paths
    post_delete.connect(on_change, sender=Site, dispatch_uid="courses.caching.delete.site")
    m2m_changed.connect(on_m2m_changed, dispatch_uid="courses.caching.m2m")
