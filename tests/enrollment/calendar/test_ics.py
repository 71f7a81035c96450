"""Building files: UID, time zones, texts, status; every file loads in an independent parser (vobject)."""

import datetime as dt

import pytest
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from enrollment.calendar.ics import session_uid
from enrollment.calendar.invitations import attach_invitations
from enrollment.models import CohortStatus, EnrollmentStatus, Session, SessionStatus
from tests import factories
from tests.enrollment.calendar.helpers import (
    HOSTILE,
    UTC,
    confirmed,
    events,
    feed_url,
    local,
    make_session,
    parse,
    vobject_load,
)

pytestmark = pytest.mark.django_db


# --- UID, SEQUENCE, time zones -------------------------------------------------------------------

def test_session_uid_is_stable_across_regenerations_and_changes(client, site_tree, venue):
    session = make_session(venue=venue)
    url = reverse("cohort_ics", kwargs={"code": session.cohort.code})
    first = parse(client.get(url).content)
    session.starts_at += dt.timedelta(hours=1)
    session.save()
    second = parse(client.get(url).content)

    expected = f"{session.uid}@oskus.ee"
    assert list(events(first)) == [expected] == list(events(second))
    assert session_uid(Session.objects.get(pk=session.pk)) == expected


def test_every_tzid_used_has_a_vtimezone(client, site_tree):
    cohort = factories.CohortFactory()
    make_session(cohort, starts_at=local(2026, 3, 20, 10), ends_at=local(2026, 3, 20, 16))  # winter time
    make_session(cohort, starts_at=local(2026, 6, 10, 10), ends_at=local(2026, 6, 10, 16))  # summer time
    calendar = parse(client.get(reverse("cohort_ics", kwargs={"code": cohort.code})).content)

    used = calendar.get_used_tzids()
    assert used == {"Europe/Tallinn"}
    assert {tz.tz_name for tz in calendar.timezones} == used
    assert calendar.get_missing_tzids() == set()
    for event in calendar.walk("VEVENT"):
        assert event["DTSTART"].params["TZID"] == "Europe/Tallinn"
        assert event["DTEND"].params["TZID"] == "Europe/Tallinn"
    starts = sorted(e.start.astimezone(UTC) for e in calendar.walk("VEVENT"))
    assert starts == [dt.datetime(2026, 3, 20, 8, tzinfo=UTC), dt.datetime(2026, 6, 10, 7, tzinfo=UTC)]


def test_session_in_the_autumn_clock_change_night_has_the_right_utc_times(client, site_tree, caplog):
    # Last Sunday of October 2026: at 04:00 summer time the clocks go back to 03:00.
    session = make_session(starts_at=local(2026, 10, 25, 2, 30), ends_at=local(2026, 10, 25, 5, 0))
    content = client.get(reverse("session_ics", kwargs={"uid": session.uid})).content
    event = parse(content).walk("VEVENT")[0]

    assert event.start.astimezone(UTC) == dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    assert event.end.astimezone(UTC) == dt.datetime(2026, 10, 25, 3, 0, tzinfo=UTC)
    # 2.5 hours on the wall clock, 3.5 hours really pass (the clocks go back one hour)
    assert event.end.astimezone(UTC) - event.start.astimezone(UTC) == dt.timedelta(hours=3, minutes=30)
    assert b"DTSTART;TZID=Europe/Tallinn:20261025T023000" in content
    assert b"DTEND;TZID=Europe/Tallinn:20261025T050000" in content
    vevent = vobject_load(content, caplog).vevent
    assert vevent.dtstart.value.astimezone(UTC) == dt.datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    assert vevent.dtend.value.astimezone(UTC) == dt.datetime(2026, 10, 25, 3, 0, tzinfo=UTC)


def test_second_occurrence_of_the_repeated_hour_is_written_in_utc(client, site_tree):
    # 01:30 UTC on 25 Oct 2026 is 03:30 winter time, the SECOND 03:30 of that night.
    starts = dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    session = make_session(starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    content = client.get(reverse("session_ics", kwargs={"uid": session.uid})).content
    event = parse(content).walk("VEVENT")[0]
    assert event.start == starts
    assert b"DTSTART:20261025T013000Z" in content
    assert event.end.astimezone(UTC) == starts + dt.timedelta(hours=2)


# --- text, location, status ----------------------------------------------------------------------

def test_hostile_titles_are_escaped_and_round_trip(client, site_tree, caplog):
    course = factories.CoursePageFactory(title=HOSTILE)
    cohort = factories.CohortFactory(course=course, title=HOSTILE)
    hostile_venue = factories.VenueFactory(name="Maja; saal, 2", address="Tee 1\nBEGIN:VALARM")
    make_session(cohort, title=HOSTILE, venue=hostile_venue)
    content = client.get(reverse("cohort_ics", kwargs={"code": cohort.code})).content

    calendar = parse(content)
    [event] = calendar.walk("VEVENT")  # still exactly one event
    assert calendar.walk("VALARM") == []
    assert str(event["SUMMARY"]) == f"{HOSTILE}: {HOSTILE}"
    assert str(event["LOCATION"]) == "Maja; saal, 2, Tee 1\nBEGIN:VALARM"
    assert content.split(b"\r\n").count(b"BEGIN:VEVENT") == 1  # the text's "BEGIN:VEVENT" is not a line
    assert b"X-WR-CALNAME:Kursus\\, osa 1\\; \\nBEGIN:VEVENT" in content
    loaded = vobject_load(content, caplog)
    assert loaded.vevent.summary.value == f"{HOSTILE}: {HOSTILE}"
    assert loaded.x_wr_calname.value.startswith(HOSTILE)


def test_event_has_location_url_description_and_dtstamp(client, site_tree, venue, settings):
    settings.SITE_URL = "https://oskus.example.ee"
    session = make_session(venue=venue, online_url="https://meet.example.ee/xyz")
    event = parse(client.get(reverse("session_ics", kwargs={"uid": session.uid})).content).walk("VEVENT")[0]

    assert str(event["LOCATION"]) == "Tartu Loomemajanduskeskus, Kalevi 17, Tartu"
    course_url = str(event["URL"])
    assert course_url.startswith("https://oskus.example.ee/") and course_url.endswith(f"/{session.cohort.course.slug}/")
    assert "https://meet.example.ee/xyz" in str(event["DESCRIPTION"])
    assert course_url in str(event["DESCRIPTION"])
    assert event.stamp == session.updated_at.replace(microsecond=0)
    assert str(event["STATUS"]) == "CONFIRMED"


def test_online_session_without_venue_has_the_link_as_location(client, site_tree):
    session = make_session(online_url="https://meet.example.ee/abc")
    event = parse(client.get(reverse("session_ics", kwargs={"uid": session.uid})).content).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "https://meet.example.ee/abc"


def test_cancelled_session_and_sessions_of_a_cancelled_cohort_are_marked(client, site_tree):
    cohort = factories.CohortFactory()
    kept = make_session(cohort)
    cancelled = make_session(cohort, starts_at=timezone.now() + dt.timedelta(days=30))
    cancelled.status = SessionStatus.CANCELLED
    cancelled.save()
    url = reverse("cohort_ics", kwargs={"code": cohort.code})
    by_uid = events(parse(client.get(url).content))
    assert str(by_uid[session_uid(kept)]["STATUS"]) == "CONFIRMED"
    assert str(by_uid[session_uid(cancelled)]["STATUS"]) == "CANCELLED"

    cohort.status = CohortStatus.CANCELLED
    cohort.save()
    by_uid = events(parse(client.get(url).content))
    assert {str(e["STATUS"]) for e in by_uid.values()} == {"CANCELLED"}
    assert str(by_uid[session_uid(kept)]["SEQUENCE"]) == "1"


# --- an independent parser -----------------------------------------------------------------------

def test_all_files_load_in_vobject_without_warnings(client, site_tree, specialist, venue, caplog):
    cohort = factories.CohortFactory(course=factories.CoursePageFactory(title=HOSTILE), trainers=[specialist])
    make_session(cohort, venue=venue, online_url="https://meet.example.ee/a", title=HOSTILE)
    cancelled = make_session(cohort, starts_at=local(2026, 10, 25, 2, 30), ends_at=local(2026, 10, 25, 5, 0))
    cancelled.status = SessionStatus.CANCELLED
    cancelled.save()
    attending = make_session()
    enrollment = confirmed(specialist, attending.cohort)
    offered = factories.CohortFactory()
    make_session(offered)
    factories.EnrollmentFactory(user=specialist, cohort=offered, status=EnrollmentStatus.OFFERED,
                                offer_expires_at=timezone.now() + dt.timedelta(days=2))

    files = [
        client.get(feed_url(specialist)).content,
        client.get(reverse("cohort_ics", kwargs={"code": cohort.code})).content,
        client.get(reverse("session_ics", kwargs={"uid": cancelled.uid})).content,
    ]
    message = EmailMultiAlternatives(to=[specialist.email])
    attach_invitations("confirmation", enrollment, message)
    attach_invitations("cancellation", enrollment, message)
    files += [content.encode() if isinstance(content, str) else content for _n, content, _t in message.attachments]
    assert len(files) == 5
    for content in files:
        calendar = vobject_load(content, caplog)
        assert calendar.vevent_list
        for vevent in calendar.vevent_list:
            assert vevent.uid.value.endswith("@oskus.ee")
            assert vevent.dtstart.value.tzinfo is not None
