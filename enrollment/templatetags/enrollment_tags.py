"""Template tags: enrollment data for lower layers' templates (the course page), and the sessions list."""

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass

from django import template
from django.template.defaultfilters import date
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from enrollment.selectors import course_cohorts

register = template.Library()

SESSION_LIST_TEMPLATE = "enrollment/includes/session_list.html"


@register.simple_tag(takes_context=True)
def upcoming_cohorts(context, page):
    """The course's coming and running cohorts with sessions, free places and the visitor's enrollment."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return course_cohorts(course=page, user=user)


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


@dataclass(frozen=True, slots=True)
class VenueItem:
    name: str
    address: str


@dataclass(frozen=True, slots=True)
class SessionItem:
    """What a session list shows of one session. The list's HTML is a function of these values, the template,
    the language and the time zone only, which is what makes memoising it safe (see `session_list`)."""

    pk: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    title: str
    status: str
    venue: VenueItem | None
    is_online: bool

    @classmethod
    def of(cls, session) -> "SessionItem":
        venue = VenueItem(session.venue.name, session.venue.address) if session.venue_id else None
        return cls(session.pk, session.starts_at, session.ends_at, session.title, session.status, venue,
                   bool(session.online_url))


@functools.lru_cache(maxsize=4096)
def _render_session_list(compiled: template.Template, items: tuple[SessionItem, ...], autoescape: bool,
                         language: str, zone: str) -> str:
    """`language` and `zone` are the active ones while rendering: they are arguments only to key the memo.
    `compiled` is the loader's template object, a new one whenever the template is (re)loaded."""
    html = compiled.render(template.Context({"sessions": items}, autoescape=autoescape))
    return mark_safe(html.strip())  # noqa: S308 - a rendered template, trimmed


@register.simple_tag(takes_context=True)
def session_list(context, sessions):
    """The dates (in the current time zone), venues and states of a cohort's sessions as a list, from the
    template enrollment/includes/session_list.html.

    "My trainings" shows every session of every enrollment, and everybody enrolled in a cohort sees the same
    list: the template is rendered once per distinct list (and language and time zone), then memoised.
    """
    compiled = context.template.engine.get_template(SESSION_LIST_TEMPLATE)
    items = tuple(SessionItem.of(s) for s in sessions or ())
    return _render_session_list(compiled, items, context.autoescape, get_language() or "",
                                timezone.get_current_timezone_name())
