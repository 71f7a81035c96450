"""Calendar downloads (public), the personal feed (token only), and the feed settings page (logged in).

Every feed answers GET and HEAD (same status and headers, no body) and conditional requests; a changed
feed is built once and cached under its ETag. The public downloads' ETag is a hash of exactly the data in
the file. The personal feed's ETag comes from `personal_feed_validator`: one query finds the token's owner
and decides between a 304 and the cached body, and only a changed feed is built.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import Profile

from . import ics
from .selectors import (
    cohort_sessions,
    feed_owner,
    personal_feed,
    personal_feed_validator,
    public_cohort,
    public_session,
    sessions_fingerprint,
)
from .services import calendar_feed_is_active, calendar_feed_revoke, calendar_token_regenerate

CONTENT_TYPE = "text/calendar; charset=utf-8"
BODY_CACHE_SECONDS = 24 * 3600


def _conditional(request, etag: str, last_modified, build, *, cache_control: str, filename: str | None = None):
    """304 when the client has this version; otherwise the body (from the cache or `build()`).

    HEAD gets exactly the headers of GET (Content-Length included) and no body.
    """
    quoted = f'"{etag}"'
    stamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=quoted, last_modified=stamp)
    if response is None:
        key = f"oskus:ics:{etag}"
        body = cache.get(key)
        if body is None:
            body = build()
            cache.set(key, body, BODY_CACHE_SECONDS)
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        if request.method == "HEAD":
            response.content = b""
            response["Content-Length"] = str(len(body))
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = quoted
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    response["Cache-Control"] = cache_control
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def personal_feed_view(request, token: str):
    """The personal feed: no log-in; the token is the only key. Unknown or revoked token: 404, no data."""
    state = personal_feed_validator(token=token)  # the one query of an unchanged feed's 304
    if state is None:
        raise Http404
    name = _("Oskus: my trainings")

    def build() -> bytes:
        profile = feed_owner(token=token)
        if profile is None:  # revoked or disabled a moment ago
            raise Http404
        feed = personal_feed(user=profile.user)
        return ics.personal_calendar(entries=feed.entries, offers=feed.offers, name=name)

    # A matching If-None-Match decides alone (RFC 9110 13.2.2) and a 304 need not carry Last-Modified: the
    # calendar apps' usual re-poll is answered without the first-served stamp's cache round trip.
    etag_matches = f'"{state.etag}"' in request.headers.get("If-None-Match", "")
    return _conditional(
        request, state.etag, None if etag_matches else max(state.last_modified, _first_seen(state.etag)), build,
        cache_control="private, no-cache",  # revalidate every time: a revoked address must stop at once
    )


def _first_seen(etag: str) -> dt.datetime:
    """When this version of a feed was first served (kept as long as the body).

    Part of Last-Modified, so that an If-Modified-Since client also sees changes that carry no change time
    of their own (a venue's address, a course page's title, a removed enrollment).
    """
    stamp = cache.get_or_set(f"oskus:ics:seen:{etag}", lambda: timezone.now().timestamp(), BODY_CACHE_SECONDS)
    return dt.datetime.fromtimestamp(stamp, tz=dt.UTC)


@require_safe
def cohort_ics(request, code: str):
    """All sessions of a cohort of a published course, as a file to import."""
    cohort = public_cohort(code=code)
    if cohort is None:
        raise Http404
    sessions = cohort_sessions(cohort=cohort)
    etag, last_modified = sessions_fingerprint(sessions)
    return _conditional(request, etag, last_modified, lambda: ics.sessions_calendar(sessions, name=str(cohort)),
                        cache_control="public, max-age=300", filename=f"{cohort.code}.ics")


@require_safe
def session_ics(request, uid):
    """One session of a published course, as a file to import."""
    session = public_session(uid=uid)
    if session is None:
        raise Http404
    etag, last_modified = sessions_fingerprint([session])
    return _conditional(request, etag, last_modified,
                        lambda: ics.sessions_calendar([session], name=session.cohort.course.title),
                        cache_control="public, max-age=300",
                        filename=f"{session.cohort.code}-{session.starts_at:%Y%m%d}.ics")


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    """Show the person's feed address; POST action=regenerate gives a new one, action=revoke switches it off."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerate":
            calendar_token_regenerate(user=request.user)
            messages.success(request, _("Your calendar has a new address. The old address no longer works."))
        elif action == "revoke":
            calendar_feed_revoke(user=request.user)
            messages.success(request, _("Your calendar feed is switched off. The old address no longer works."))
        else:
            messages.error(request, _("Unknown action. Nothing was changed."))
        return redirect("calendar_settings")
    profile, _created = Profile.objects.get_or_create(user=request.user)
    active = calendar_feed_is_active(profile=profile)
    context = {"active": active}
    if active:
        feed_url = ics.absolute_url(reverse("personal_feed", kwargs={"token": profile.calendar_token}))
        context["feed_url"] = feed_url
        context["webcal_url"] = "webcal://" + feed_url.split("://", 1)[1]
    response = render(request, "enrollment/calendar/settings.html", context)
    response["Cache-Control"] = "private, no-store"
    # same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" and CSRF refuses the POST.
    response["Referrer-Policy"] = "same-origin"
    return response
