"""Template tags: enrollment data for lower layers' templates (the course page), and the sessions list."""

import datetime as dt
import functools
import zoneinfo

from django import template
from django.template.defaultfilters import date
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from enrollment.models import SessionStatus
from enrollment.selectors import course_cohorts

register = template.Library()


@register.simple_tag(takes_context=True)
def upcoming_cohorts(context, page):
    """The course's coming and running cohorts with sessions, free places and the visitor's enrollment."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return course_cohorts(course=page, user=user)


SESSION_DATE_FORMAT = "D j. F Y, H:i"


@functools.lru_cache(maxsize=8192)
def _local_date(value: dt.datetime, fmt: str, language: str, zone: str) -> str:
    """A pure function of its arguments, so safe to memoise: the same session dates are shown to everybody
    enrolled in a cohort, and Django's date formatting (translated names) is a large part of a page's cost."""
    return date_format(value.astimezone(zoneinfo.ZoneInfo(zone)), fmt)


@register.filter
def local_date(value, fmt: str = "DATETIME_FORMAT") -> str:
    """Like the built-in `date` filter for aware datetimes (in the current time zone and language), memoised."""
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        return date(value, fmt)
    return _local_date(value, fmt, get_language() or "", timezone.get_current_timezone_name())


@functools.lru_cache(maxsize=8192)
def _session_item(key: tuple) -> str:
    """One session's list item; `key` holds everything it shows (see `_session_key`), so memoising is safe."""
    (_pk, starts_at, ends_at, title, status, venue, online, language, zone) = key
    tz = zoneinfo.ZoneInfo(zone)
    starts, ends = starts_at.astimezone(tz), ends_at.astimezone(tz)
    parts = [format_html('<time datetime="{}">{}</time>–<time datetime="{}">{}</time>',
                         starts.isoformat(), _local_date(starts_at, SESSION_DATE_FORMAT, language, zone),
                         ends.isoformat(), ends.strftime("%H:%M"))]
    if title:
        parts.append(format_html(" · {}", title))
    if status == SessionStatus.CANCELLED:
        parts.append(format_html(' <span class="badge badge-bad">{}</span>', _("Cancelled")))
    if venue:
        parts.append(format_html('<br><span class="muted">{}, {}</span>', *venue))
    if online:
        parts.append(format_html('<br><span class="muted">{}</span>', _("Online")))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html


def _session_key(session, language: str, zone: str) -> tuple:
    venue = (session.venue.name, session.venue.address) if session.venue_id else None
    return (session.pk, session.starts_at, session.ends_at, session.title, session.status, venue,
            bool(session.online_url), language, zone)


@register.simple_tag
def session_list(sessions):
    """The dates (Europe/Tallinn), venues and states of a cohort's sessions as a list.

    Built in Python rather than an included template: "My trainings" shows every session of every
    enrollment, and a memoised item per session keeps that page cheap.
    """
    if not sessions:
        return format_html('<p class="muted">{}</p>', _("The dates will be announced soon."))
    language, zone = get_language() or "", timezone.get_current_timezone_name()
    return format_html('<ul class="session-list">{}</ul>', mark_safe(  # noqa: S308 - items are escaped
        "".join(f"<li>{_session_item(_session_key(s, language, zone))}</li>" for s in sessions)))
