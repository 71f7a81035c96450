"""Small project-level views."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


def healthz(request):
    """Load-balancer check: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@csrf_exempt
@require_POST
def language_switch(request):
    """Django's set_language, made to work in both directions with an unprefixed default language.

    Exempt from CSRF: it changes nothing but the language of the page one is sent back to (a local path), and
    a token would make every page that shows the switch different per visitor, which the anonymous page cache
    must not store (courses/caching.py). A forged request can only switch a visitor's language.

    `translate_url` resolves the page under the active language, so from `/en/…` it cannot find its way
    back to Estonian (`/…`). Page paths are the same in every language here (only the prefix differs), so
    the prefix is swapped instead. Only local paths are followed; an unknown language changes nothing.
    """
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()) or not next_url.startswith("/"):
        next_url = "/"
    codes = [code for code, _name in settings.LANGUAGES]
    if language not in codes:
        return redirect(next_url)
    parsed = urlsplit(next_url)
    path = parsed.path
    first = path.split("/")[1]  # "/en/x/" -> "en"; "/" -> ""
    if first in codes and first != settings.LANGUAGE_CODE:
        path = path[len(first) + 1:] or "/"
    if language != settings.LANGUAGE_CODE:
        path = f"/{language}{path}"
    response = redirect(urlunsplit(("", "", path, parsed.query, "")))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                        samesite=settings.LANGUAGE_COOKIE_SAMESITE)
    return response
