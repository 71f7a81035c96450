"""Calendar URLs: downloads, the personal feed, and its settings page."""

from django.urls import path, re_path

from . import feeds
from .tokens import LIVE_TOKEN_PATTERN

urlpatterns = [
    path("calendar/settings/", feeds.calendar_settings, name="calendar_settings"),
    path("calendar/cohort/<slug:code>.ics", feeds.cohort_ics, name="cohort_ics"),
    path("calendar/session/<uuid:uid>.ics", feeds.session_ics, name="session_ics"),
    # Only live tokens can match: a revoked one contains a "." (see tokens.py).
    re_path(rf"^calendar/(?P<token>{LIVE_TOKEN_PATTERN})\.ics$", feeds.personal_feed_view,
            name="personal_feed"),
]
