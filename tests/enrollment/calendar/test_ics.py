"""Building files: UID, time zones, texts, status; every file loads in an independent parser (vobject)."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import vobject
from dateutil import tz as dateutil_tz
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar

from enrollment.calendar import ics
from enrollment.calendar.ics import session_uid
from enrollment.calendar.invitations import attach_invitations
from enrollment.models import CohortStatus, EnrollmentStatus, Session, SessionStatus
from tests import factories
from tests.enrollment.calendar.helpers import (
    HOSTILE,
    UTC,
    attached_calendars,
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


# --- VTIMEZONE read by three independent readers (issue 14) ---------------------------------------

# Local wall-clock starts in 2026-2028: ordinary days, and hours next to both clock changes (spring: at
# 03:00 EET the clocks go to 04:00 EEST; autumn: at 04:00 EEST back to 03:00 EET, the first 03:30 is summer time).
CHANGE_DAYS = [(2026, 3, 29), (2026, 10, 25), (2027, 3, 28), (2027, 10, 31), (2028, 3, 26), (2028, 10, 29)]
WALL_CLOCK = [
    *[(2026 + y, m, 15, 10, 0) for y in range(3) for m in (1, 5, 8, 12)],
    *[(y, m, d - 1, 23, 30) for y, m, d in CHANGE_DAYS],
    *[(y, m, d, 2, 30) for y, m, d in CHANGE_DAYS],
    *[(y, m, d, 4, 0) for y, m, d in CHANGE_DAYS],
    *[(y, m, d, 4, 30) for y, m, d in CHANGE_DAYS],
    *[(y, m, d, 10, 0) for y, m, d in CHANGE_DAYS],
    *[(y, m, d + 1, 9, 0) for y, m, d in CHANGE_DAYS if d < 31],
    *[(y, 10, d, 3, 30) for y, m, d in CHANGE_DAYS if m == 10],  # the first 03:30 of the autumn night
]


def _vtimezone_text(content: bytes) -> str:
    text = content.decode().replace("\r\n ", "")
    start, end = text.index("BEGIN:VTIMEZONE"), text.index("END:VTIMEZONE") + len("END:VTIMEZONE")
    return text[start:end] + "\r\n"


def _naive_local_starts(calendar) -> dict[str, dt.datetime]:
    """Each event's DTSTART as written: the wall-clock time when it carries TZID, else None (written in UTC)."""
    starts = {}
    for event in calendar.walk("VEVENT"):
        prop = event["DTSTART"]
        starts[str(event["UID"])] = prop.dt.replace(tzinfo=None) if "TZID" in prop.params else None
    return starts


@pytest.fixture
def sessions_2026_2028(site_tree):
    cohort = factories.CohortFactory()
    sessions = []
    for args in WALL_CLOCK:
        starts = local(*args)
        sessions.append(make_session(cohort, starts_at=starts, ends_at=starts + dt.timedelta(hours=1)))
    return cohort, sessions


def test_vtimezone_is_read_to_the_same_utc_instants_by_icalendar_vobject_and_dateutil(
        client, sessions_2026_2028, monkeypatch):
    cohort, sessions = sessions_2026_2028
    content = client.get(reverse("cohort_ics", kwargs={"code": cohort.code})).content
    calendar = parse(content)
    [vtimezone] = calendar.walk("VTIMEZONE")
    written = _naive_local_starts(calendar)
    expected = {session_uid(s): s.starts_at.astimezone(UTC) for s in sessions}
    assert all(written[uid] is not None for uid in expected)  # none of these is the repeated autumn hour

    readers = {
        "icalendar": vtimezone.to_tz(),
        "dateutil": dateutil_tz.tzical(io.StringIO(_vtimezone_text(content))).get("Europe/Tallinn"),
    }
    for reader, tzinfo in readers.items():
        read = {uid: written[uid].replace(tzinfo=tzinfo).astimezone(UTC) for uid in expected}
        assert read == expected, reader

    # vobject keeps the first VTIMEZONE it saw for a TZID for the whole process: forget it, so this file's counts.
    monkeypatch.delitem(vobject.icalendar.__dict__["__tzidMap"], "Europe/Tallinn", raising=False)
    loaded = vobject.readOne(content.decode())
    read = {v.uid.value: v.dtstart.value.astimezone(UTC) for v in loaded.vevent_list}
    assert read == expected, "vobject"
    vobject_tz = loaded.vtimezone.gettzinfo()
    assert {uid: written[uid].replace(tzinfo=vobject_tz).astimezone(UTC) for uid in expected} == expected


def test_vtimezone_has_yearly_rules_with_the_real_clock_change_times(client, sessions_2026_2028):
    cohort, _sessions = sessions_2026_2028
    content = client.get(reverse("cohort_ics", kwargs={"code": cohort.code})).content
    [vtimezone] = parse(content).walk("VTIMEZONE")
    [daylight], [standard] = vtimezone.walk("DAYLIGHT"), vtimezone.walk("STANDARD")
    assert b"RDATE" not in content
    # EET -> EEST at 03:00 EET (01:00 UTC); EEST -> EET at 04:00 EEST (01:00 UTC); last Sundays of March/October.
    assert (daylight["DTSTART"].dt.time(), daylight["TZOFFSETFROM"].td, daylight["TZOFFSETTO"].td) == (
        dt.time(3, 0), dt.timedelta(hours=2), dt.timedelta(hours=3))
    assert (standard["DTSTART"].dt.time(), standard["TZOFFSETFROM"].td, standard["TZOFFSETTO"].td) == (
        dt.time(4, 0), dt.timedelta(hours=3), dt.timedelta(hours=2))
    assert dict(daylight["RRULE"]) == {"FREQ": ["YEARLY"], "BYMONTH": [3], "BYDAY": ["-1SU"]}
    assert dict(standard["RRULE"]) == {"FREQ": ["YEARLY"], "BYMONTH": [10], "BYDAY": ["-1SU"]}
    assert (str(daylight["TZNAME"]), str(standard["TZNAME"])) == ("EEST", "EET")


@pytest.mark.parametrize(("zone", "first_year", "last_year", "byday"), [
    ("Europe/Tallinn", 2025, 2029, {"-1SU"}),  # yearly rules (the only zone the site uses)
    ("Australia/Sydney", 2025, 2028, {"1SU"}),  # the first Sunday: the "nth week" rule, summer over new year
    ("America/Sao_Paulo", 2017, 2020, set()),  # DST abolished in 2019: no yearly rule, one component per change
    ("Asia/Tokyo", 2026, 2028, set()),  # no changes at all
])
def test_vtimezone_of_any_zone_reads_alike_in_every_reader(zone, first_year, last_year, byday):
    tzinfo = ZoneInfo(zone)
    text = ics.vtimezone(tzinfo, first_year=first_year, last_year=last_year).to_ical().decode()
    assert "RDATE" not in text
    wrapped = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{text}END:VCALENDAR\r\n"
    [component] = Calendar.from_ical(wrapped).walk("VTIMEZONE")
    assert {rule for o in component.subcomponents if "RRULE" in o for rule in o["RRULE"]["BYDAY"]} == byday
    readers = {
        "icalendar": component.to_tz(),
        "dateutil": dateutil_tz.tzical(io.StringIO(text)).get(zone),
        "vobject": vobject.readOne(wrapped).vtimezone.gettzinfo(),
    }
    changes = ics.offset_changes(tzinfo, first_year, last_year)
    instants = [dt.datetime(first_year, 2, 1, 12, tzinfo=UTC) + dt.timedelta(days=d)
                for d in range(0, 365 * (last_year - first_year), 5)]
    instants += [c.at + delta for c in changes for delta in (dt.timedelta(hours=-1), dt.timedelta(hours=2))]
    checked = 0
    for instant in instants:
        wall = instant.astimezone(tzinfo).replace(tzinfo=None)
        if wall.replace(tzinfo=tzinfo, fold=1).utcoffset() != wall.replace(tzinfo=tzinfo).utcoffset():
            continue  # a repeated hour: written in UTC, never as a local time (see _local)
        for reader, reader_tz in readers.items():
            assert wall.replace(tzinfo=reader_tz).astimezone(UTC) == instant, (reader, wall)
        checked += 1
    assert checked > 100


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


def test_event_has_location_url_description_and_dtstamp(client, site_tree, venue, settings, specialist):
    settings.SITE_URL = "https://oskus.example.ee"
    session = make_session(venue=venue, online_url="https://meet.example.ee/xyz")
    confirmed(specialist, session.cohort)
    event = events(parse(client.get(feed_url(specialist)).content))[session_uid(session)]

    assert str(event["LOCATION"]) == "Tartu Loomemajanduskeskus, Kalevi 17, Tartu"
    course_url = str(event["URL"])
    assert course_url.startswith("https://oskus.example.ee/") and course_url.endswith(f"/{session.cohort.course.slug}/")
    assert "https://meet.example.ee/xyz" in str(event["DESCRIPTION"])
    assert course_url in str(event["DESCRIPTION"])
    assert event.stamp == session.updated_at.replace(microsecond=0)
    assert str(event["STATUS"]) == "CONFIRMED"


# --- online meeting links: only for people with a place (issue 13) --------------------------------

SECRET_LINK = "https://meet.example.ee/salajane-ruum-42"


def _unfolded(content: bytes) -> str:
    return content.decode().replace("\r\n ", "")


def _online() -> str:
    with translation.override("et"):  # the language a download without a language prefix is in
        return gettext("Online")


def test_public_downloads_say_online_and_never_reveal_the_meeting_link(client, site_tree, venue):
    cohort = factories.CohortFactory()
    online = make_session(cohort, online_url=SECRET_LINK)
    hybrid = make_session(cohort, venue=venue, online_url=SECRET_LINK,
                          starts_at=timezone.now() + dt.timedelta(days=30))
    urls = [reverse("cohort_ics", kwargs={"code": cohort.code}),
            reverse("session_ics", kwargs={"uid": online.uid}),
            reverse("session_ics", kwargs={"uid": hybrid.uid})]
    for url in urls:
        content = client.get(url).content
        assert "meet.example.ee" not in _unfolded(content), url
        for event in parse(content).walk("VEVENT"):
            assert all("meet.example.ee" not in str(value) for value in event.values()), url

    by_uid = events(parse(client.get(urls[0]).content))
    online_event, hybrid_event = by_uid[session_uid(online)], by_uid[session_uid(hybrid)]
    assert str(online_event["LOCATION"]) == _online()
    assert _online() in str(online_event["DESCRIPTION"]).split("\n")
    assert str(hybrid_event["LOCATION"]) == "Tartu Loomemajanduskeskus, Kalevi 17, Tartu"
    assert _online() in str(hybrid_event["DESCRIPTION"]).split("\n")
    assert str(online_event["URL"]) == ics.course_url(cohort.course)


def test_personal_feed_and_invitations_keep_the_meeting_link(client, site_tree, specialist):
    session = make_session(online_url=SECRET_LINK)
    enrollment = confirmed(specialist, session.cohort)

    event = events(parse(client.get(feed_url(specialist)).content))[session_uid(session)]
    assert str(event["LOCATION"]) == SECRET_LINK
    assert SECRET_LINK in str(event["DESCRIPTION"])

    message = EmailMultiAlternatives(to=[specialist.email])
    attach_invitations("confirmation", enrollment, message)
    [(_mimetype, invitation)] = attached_calendars(message)
    [event] = invitation.walk("VEVENT")
    assert str(event["LOCATION"]) == SECRET_LINK
    assert SECRET_LINK in str(event["DESCRIPTION"])


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
