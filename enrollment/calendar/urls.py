"""Calendar URLs: downloads, the personal feed, and its settings page."""

from django.urls import path, re_path

from . import feeds

urlpatterns = [
    path("calendar/settings/", feeds.calendar_settings, name="calendar_settings"),
    path("calendar/cohort/<slug:code>.ics", feeds.cohort_ics, name="cohort_ics"),
    path("calendar/session/<uuid:uid>.ics", feeds.session_ics, name="session_ics"),
    # Only live tokens can match: a revoked one contains a "." (see calendar.services).
    re_path(r"^calendar/(?P<token>[A-Za-z0-9_-]{20,64})\.ics$", feeds.personal_feed_view,
            name="personal_feed"),
]
