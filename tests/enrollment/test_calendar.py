"""Calendar files: parsed back with icalendar and checked with an independent parser (vobject)."""

import datetime as dt
import logging
import warnings
from zoneinfo import ZoneInfo

import pytest
import vobject
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from enrollment.calendar_invitations import attach_invitations
from enrollment.calendar_selectors import personal_feed
from enrollment.calendar_services import calendar_feed_revoke, calendar_token_regenerate, sessions_sequence_bump
from enrollment.emails import ATTACHMENT_BUILDERS
from enrollment.ics import offer_uid, session_uid
from enrollment.models import CohortStatus, EnrollmentEvent, EnrollmentStatus, Session, SessionStatus
from tests import factories

pytestmark = pytest.mark.django_db
TALLINN = ZoneInfo("Europe/Tallinn")
UTC = dt.UTC
HOSTILE = "Kursus, osa 1; \nBEGIN:VEVENT"


# --- helpers -------------------------------------------------------------------------------------

def parse(content: bytes) -> Calendar:
    assert isinstance(content, bytes)
    return Calendar.from_ical(content)


def vobject_load(content: bytes, caplog):
    """Load with vobject, validating; any warning or logged warning/error fails the test."""
    caplog.clear()
    with caplog.at_level(logging.WARNING), warnings.catch_warnings():
        warnings.simplefilter("error")
        calendar = vobject.readOne(content.decode("utf-8"), validate=True)
        calendar.validate(raiseException=True)
        pending = [calendar]
        while pending:  # every component and every property, at every depth
            component = pending.pop()
            for child in component.getChildren():
                if isinstance(child, vobject.base.Component):
                    pending.append(child)
                else:
                    assert child.value is not None
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    return calendar


def feed_url(user) -> str:
    user.profile.refresh_from_db()
    return reverse("personal_feed", kwargs={"token": user.profile.calendar_token})


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TALLINN)


def make_session(cohort=None, **kwargs) -> Session:
    if cohort is not None:
        kwargs["cohort"] = cohort
    return factories.SessionFactory(**kwargs)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def confirmed(user, cohort, status=EnrollmentStatus.CONFIRMED):
    enrollment = factories.EnrollmentFactory(user=user, cohort=cohort, status=status)
    EnrollmentEvent.objects.create(enrollment=enrollment, from_status="", to_status=status)
    return enrollment


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def venue(db):
    return factories.VenueFactory(name="Tartu Loomemajanduskeskus", address="Kalevi 17, Tartu",
                                  map_url="https://kaart.example.ee/kalevi-17")


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


def test_sequence_rises_on_every_change_of_time_place_or_status_and_not_on_title(site_tree, venue):
    session = make_session()
    assert session.sequence == 0
    session.title = "Teine päev"
    session.save()
    assert Session.objects.get(pk=session.pk).sequence == 0

    changes = [
        ("starts_at", session.starts_at - dt.timedelta(hours=1)),
        ("ends_at", session.ends_at + dt.timedelta(hours=1)),
        ("venue", venue),
        ("online_url", "https://meet.example.ee/abc"),
        ("status", SessionStatus.CANCELLED),
    ]
    for expected, (name, value) in enumerate(changes, start=1):
        setattr(session, name, value)
        session.save()
        assert Session.objects.get(pk=session.pk).sequence == expected, name


def test_sequence_rises_in_the_file_after_a_change(client, site_tree):
    session = make_session()
    url = reverse("session_ics", kwargs={"uid": session.uid})
    before = int(parse(client.get(url).content).walk("VEVENT")[0]["SEQUENCE"])
    session.online_url = "https://meet.example.ee/uus"
    session.save()
    after = int(parse(client.get(url).content).walk("VEVENT")[0]["SEQUENCE"])
    assert after == before + 1


def test_sequence_rise_is_saved_even_with_update_fields(site_tree):
    session = make_session()
    session.starts_at -= dt.timedelta(hours=2)
    session.save(update_fields=["starts_at"])
    assert Session.objects.get(pk=session.pk).sequence == 1


def test_cancelling_a_cohort_raises_sequence_of_its_sessions(site_tree):
    cohort = factories.CohortFactory()
    sessions = [make_session(cohort) for _ in range(3)]
    cohort.status = CohortStatus.CANCELLED
    cohort.save()
    assert [s.sequence for s in Session.objects.filter(pk__in=[s.pk for s in sessions])] == [1, 1, 1]
    cohort.title = "Tartu"  # no status change: no bump
    cohort.save()
    assert set(Session.objects.filter(cohort=cohort).values_list("sequence", flat=True)) == {1}


def test_bulk_bump_service_raises_sequence(site_tree):
    session = make_session()
    assert sessions_sequence_bump(session_ids=[session.pk]) == 1
    assert Session.objects.get(pk=session.pk).sequence == 1
    with pytest.raises(ValueError):
        sessions_sequence_bump()


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


def test_downloads_exist_only_for_published_courses(client, site_tree):
    draft = factories.CoursePageFactory(publish=False, live=False)
    cohort = factories.CohortFactory(course=draft)
    session = make_session(cohort)
    assert client.get(reverse("cohort_ics", kwargs={"code": cohort.code})).status_code == 404
    assert client.get(reverse("session_ics", kwargs={"uid": session.uid})).status_code == 404
    assert client.get("/calendar/cohort/no-such-cohort.ics").status_code == 404


def test_download_is_an_attachment_with_calendar_content_type(client, site_tree):
    session = make_session()
    response = client.get(reverse("cohort_ics", kwargs={"code": session.cohort.code}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{session.cohort.code}.ics"'
    assert str(parse(response.content)["METHOD"]) == "PUBLISH"


# --- the personal feed ---------------------------------------------------------------------------

def test_personal_feed_has_confirmed_sessions_offers_and_taught_sessions(client, site_tree, specialist, trainer):
    mine = make_session()
    confirmed(specialist, mine.cohort)
    offered_cohort = factories.CohortFactory()
    offered_session = make_session(offered_cohort)
    deadline = timezone.now() + dt.timedelta(hours=40)
    offer = factories.EnrollmentFactory(user=specialist, cohort=offered_cohort, status=EnrollmentStatus.OFFERED,
                                        offer_expires_at=deadline)
    waiting = make_session()
    factories.EnrollmentFactory(user=specialist, cohort=waiting.cohort, status=EnrollmentStatus.WAITLISTED)
    taught_cohort = factories.CohortFactory(trainers=[specialist])
    taught = make_session(taught_cohort)
    someone_elses = make_session()
    confirmed(trainer, someone_elses.cohort)

    response = client.get(feed_url(specialist))
    assert response.status_code == 200
    calendar = parse(response.content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"])
    assert calendar.refresh_interval == dt.timedelta(hours=1)
    assert "X-PUBLISHED-TTL" in calendar
    by_uid = events(calendar)
    assert set(by_uid) == {session_uid(mine), session_uid(taught), offer_uid(offer.pk)}
    assert session_uid(offered_session) not in by_uid  # the place is not theirs until accepted
    offer_event = by_uid[offer_uid(offer.pk)]
    assert offer_event.end == deadline.replace(microsecond=0)
    assert offer_event.walk("VALARM")
    assert "koolitaja" in str(by_uid[session_uid(taught)]["DESCRIPTION"])  # Estonian: the feed's default language


def test_wrong_token_gives_404_and_no_data(client, site_tree, specialist):
    session = make_session(title="Salajane sessioon")
    confirmed(specialist, session.cohort)
    for url in ["/calendar/" + "x" * 43 + ".ics", "/calendar/short.ics", "/calendar/revoked.abc.ics"]:
        response = client.get(url)
        assert response.status_code == 404
        assert b"Salajane" not in response.content and b"BEGIN:VCALENDAR" not in response.content


def test_revoked_and_regenerated_tokens_stop_the_old_address(client, site_tree, specialist):
    session = make_session(title="Salajane sessioon")
    confirmed(specialist, session.cohort)
    old = feed_url(specialist)
    assert client.get(old).status_code == 200

    new_token = calendar_token_regenerate(user=specialist)
    assert client.get(old).status_code == 404
    new = feed_url(specialist)
    assert new_token in new and client.get(new).status_code == 200

    calendar_feed_revoke(user=specialist)
    specialist.profile.refresh_from_db()
    token = specialist.profile.calendar_token
    response = client.get(new)
    assert response.status_code == 404 and b"Salajane" not in response.content
    assert client.get(f"/calendar/{token}.ics").status_code == 404  # the stored value opens nothing
    assert client.get(f"/calendar/{token.split('.', 1)[1]}.ics").status_code == 404


def test_inactive_account_feed_gives_404(client, site_tree, specialist):
    url = feed_url(specialist)
    specialist.is_active = False
    specialist.save()
    assert client.get(url).status_code == 404


def test_another_users_token_never_shows_your_sessions(client, site_tree, specialist, trainer):
    mine = make_session(title="Minu sessioon")
    confirmed(specialist, mine.cohort)
    theirs = make_session(title="Nende sessioon")
    confirmed(trainer, theirs.cohort)

    response = client.get(feed_url(trainer))
    assert response.status_code == 200
    assert set(events(parse(response.content))) == {session_uid(theirs)}
    assert b"Minu sessioon" not in response.content


def test_feed_needs_no_login_and_does_not_depend_on_who_is_logged_in(client, site_tree, specialist, trainer):
    mine = make_session()
    confirmed(specialist, mine.cohort)
    client.force_login(trainer)
    assert set(events(parse(client.get(feed_url(specialist)).content))) == {session_uid(mine)}


def test_cancelled_session_stays_marked_for_30_days_then_leaves_the_feed(client, site_tree, specialist):
    session = make_session(starts_at=timezone.now() + dt.timedelta(days=60))
    confirmed(specialist, session.cohort)
    session.status = SessionStatus.CANCELLED
    session.save()
    feed = personal_feed(user=specialist)
    assert [(e.session.pk, e.cancelled) for e in feed.entries] == [(session.pk, False)]
    event = events(parse(client.get(feed_url(specialist)).content))[session_uid(session)]
    assert str(event["STATUS"]) == "CANCELLED"

    assert personal_feed(user=specialist, now=timezone.now() + dt.timedelta(days=29)).entries
    assert personal_feed(user=specialist, now=timezone.now() + dt.timedelta(days=32)).entries == []


def test_place_cancelled_by_the_person_is_marked_cancelled_for_30_days(client, site_tree, specialist):
    session = make_session()
    enrollment = confirmed(specialist, session.cohort)
    enrollment.status = EnrollmentStatus.CANCELLED
    enrollment.save()
    event = events(parse(client.get(feed_url(specialist)).content))[session_uid(session)]
    assert str(event["STATUS"]) == "CANCELLED"
    assert personal_feed(user=specialist, now=timezone.now() + dt.timedelta(days=32)).entries == []


def test_waitlisted_then_cancelled_person_gets_no_cancelled_events(site_tree, specialist):
    session = make_session()
    enrollment = factories.EnrollmentFactory(user=specialist, cohort=session.cohort, status=EnrollmentStatus.WAITLISTED)
    EnrollmentEvent.objects.create(enrollment=enrollment, from_status="", to_status=EnrollmentStatus.WAITLISTED)
    enrollment.status = EnrollmentStatus.CANCELLED
    enrollment.save()
    assert personal_feed(user=specialist).entries == []


def test_personal_feed_runs_a_constant_number_of_queries(client, site_tree, specialist, venue):
    def measure() -> tuple[int, int]:
        cache.clear()
        url = feed_url(specialist)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(parse(response.content).walk("VEVENT"))

    cohorts = [factories.CohortFactory() for _ in range(5)]
    for cohort in cohorts:
        confirmed(specialist, cohort)
        make_session(cohort, venue=venue)
    few, few_events = measure()

    taught = factories.CohortFactory(trainers=[specialist])
    start = timezone.now() + dt.timedelta(days=1)
    for i in range(195):
        cohort = cohorts[i % 5] if i < 100 else taught
        make_session(cohort, venue=venue if i % 2 else None, starts_at=start + dt.timedelta(days=i),
                     ends_at=start + dt.timedelta(days=i, hours=3))
    many, many_events = measure()

    assert (few_events, many_events) == (5, 200)
    assert many == few
    assert many <= 6


def test_conditional_get_answers_304_until_the_feed_changes(client, site_tree, specialist):
    session = make_session()
    confirmed(specialist, session.cohort)
    url = feed_url(specialist)
    first = client.get(url)
    etag = first["ETag"]
    assert etag and first["Last-Modified"]
    assert "private" in first["Cache-Control"]

    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304

    session.starts_at += dt.timedelta(hours=1)
    session.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_feed_body_is_served_from_cache_when_nothing_changed(client, site_tree, specialist, monkeypatch):
    session = make_session()
    confirmed(specialist, session.cohort)
    url = feed_url(specialist)
    body = client.get(url).content

    from enrollment import ics

    def fail(**kwargs):
        raise AssertionError("built again although the data did not change")

    monkeypatch.setattr(ics, "personal_calendar", fail)
    assert client.get(url).content == body


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


# --- invitations in e-mails ----------------------------------------------------------------------

def _attached_calendars(message) -> list[tuple[str, Calendar]]:
    result = []
    for _name, content, mimetype in message.attachments:
        data = content.encode() if isinstance(content, str) else content
        result.append((mimetype, parse(data)))
    return result


def test_invitation_builder_is_registered_for_enrollment_emails():
    assert attach_invitations in ATTACHMENT_BUILDERS


def test_confirmation_carries_one_request_per_session_with_organizer_and_attendee(site_tree, specialist):
    cohort = factories.CohortFactory()
    sessions = [make_session(cohort, starts_at=timezone.now() + dt.timedelta(days=d)) for d in (10, 11)]
    make_session(cohort, starts_at=timezone.now() - dt.timedelta(days=3))  # already over: not sent
    enrollment = confirmed(specialist, cohort)
    message = EmailMultiAlternatives(to=[specialist.email])
    attach_invitations("confirmation", enrollment, message)

    attached = _attached_calendars(message)
    assert [mimetype for mimetype, _c in attached] == ["text/calendar; method=REQUEST"] * 2
    uids = []
    for _mimetype, calendar in attached:
        assert str(calendar["METHOD"]) == "REQUEST"
        [event] = calendar.walk("VEVENT")
        assert str(event["ORGANIZER"]).startswith("mailto:")
        assert str(event["ATTENDEE"]) == f"mailto:{specialist.email}"
        assert event["ATTENDEE"].params["CN"] == specialist.full_name
        assert calendar.get_missing_tzids() == set()
        uids.append(str(event["UID"]))
    assert uids == [session_uid(s) for s in sessions]

    mime = message.message().as_string()
    assert 'Content-Type: text/calendar; method="REQUEST"; charset="utf-8"' in mime


def test_cancellation_sends_cancel_with_the_same_uids_and_a_higher_sequence(site_tree, specialist):
    session = make_session()
    enrollment = confirmed(specialist, session.cohort)
    invite = EmailMultiAlternatives(to=[specialist.email])
    attach_invitations("confirmation", enrollment, invite)
    [(_t, request)] = _attached_calendars(invite)

    EnrollmentEvent.objects.create(enrollment=enrollment, from_status=EnrollmentStatus.CONFIRMED,
                                   to_status=EnrollmentStatus.CANCELLED)
    enrollment.status = EnrollmentStatus.CANCELLED
    enrollment.save()
    cancel_message = EmailMultiAlternatives(to=[specialist.email])
    attach_invitations("cancellation", enrollment, cancel_message)
    [(mimetype, cancel)] = _attached_calendars(cancel_message)

    assert mimetype == "text/calendar; method=CANCEL"
    assert str(cancel["METHOD"]) == "CANCEL"
    [req_event], [cancel_event] = request.walk("VEVENT"), cancel.walk("VEVENT")
    assert str(cancel_event["UID"]) == str(req_event["UID"]) == session_uid(session)
    assert int(cancel_event["SEQUENCE"]) > int(req_event["SEQUENCE"])
    assert str(cancel_event["STATUS"]) == "CANCELLED"

    # Enrolling again later: the new invitation outranks the cancellation.
    again = confirmed(specialist, session.cohort)
    reinvite = EmailMultiAlternatives(to=[specialist.email])
    attach_invitations("confirmation", again, reinvite)
    [(_t, request_again)] = _attached_calendars(reinvite)
    assert int(request_again.walk("VEVENT")[0]["SEQUENCE"]) > int(cancel_event["SEQUENCE"])


def test_changed_session_sends_a_higher_sequence_and_a_cancelled_session_a_cancel(site_tree, specialist):
    cohort = factories.CohortFactory()
    moved = make_session(cohort)
    dropped = make_session(cohort, starts_at=timezone.now() + dt.timedelta(days=40))
    enrollment = confirmed(specialist, cohort)
    before = EmailMultiAlternatives()
    attach_invitations("confirmation", enrollment, before)
    seq_before = {str(c.walk("VEVENT")[0]["UID"]): int(c.walk("VEVENT")[0]["SEQUENCE"])
                  for _t, c in _attached_calendars(before)}

    moved.starts_at += dt.timedelta(days=1)
    moved.ends_at += dt.timedelta(days=1)
    moved.save()
    dropped.status = SessionStatus.CANCELLED
    dropped.save()
    enrollment.cohort.refresh_from_db()
    after = EmailMultiAlternatives()
    attach_invitations("changed", enrollment, after)
    by_uid = {str(c.walk("VEVENT")[0]["UID"]): (t, c) for t, c in _attached_calendars(after)}

    mimetype, calendar = by_uid[session_uid(moved)]
    assert mimetype.endswith("method=REQUEST")
    assert int(calendar.walk("VEVENT")[0]["SEQUENCE"]) > seq_before[session_uid(moved)]
    mimetype, calendar = by_uid[session_uid(dropped)]
    assert mimetype.endswith("method=CANCEL") and str(calendar["METHOD"]) == "CANCEL"


def test_no_invitation_for_people_who_never_had_a_place(site_tree, specialist):
    session = make_session()
    waiting = factories.EnrollmentFactory(user=specialist, cohort=session.cohort, status=EnrollmentStatus.WAITLISTED)
    message = EmailMultiAlternatives()
    attach_invitations("waitlisted", waiting, message)
    attach_invitations("cancellation", waiting, message)
    attach_invitations("confirmation", waiting, message)
    assert message.attachments == []


# --- the feed settings page ----------------------------------------------------------------------

def test_calendar_settings_needs_login(client, site_tree, specialist):
    url = reverse("calendar_settings")
    token = specialist.profile.calendar_token
    assert client.get(url).status_code == 302
    response = client.post(url, {"action": "regenerate"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    specialist.profile.refresh_from_db()
    assert specialist.profile.calendar_token == token


def test_calendar_settings_shows_own_feed_address_and_regenerates_and_revokes(client, site_tree, specialist):
    client.force_login(specialist)
    url = reverse("calendar_settings")
    response = client.get(url)
    assert response.status_code == 200
    assert specialist.profile.calendar_token in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"

    old = specialist.profile.calendar_token
    assert client.post(url, {"action": "regenerate"}).status_code == 302
    specialist.profile.refresh_from_db()
    assert specialist.profile.calendar_token != old
    assert specialist.profile.calendar_token in client.get(url).content.decode()

    client.post(url, {"action": "revoke"})
    specialist.profile.refresh_from_db()
    assert specialist.profile.calendar_token.startswith("revoked.")
    page = client.get(url).content.decode()
    assert specialist.profile.calendar_token not in page
    assert "/calendar/" not in page.split("<main", 1)[1]


def test_calendar_settings_refuses_an_unknown_action_and_changes_nothing(client, site_tree, specialist):
    client.force_login(specialist)
    token = specialist.profile.calendar_token
    response = client.post(reverse("calendar_settings"), {"action": "delete-everything"}, follow=True)
    assert response.status_code == 200
    specialist.profile.refresh_from_db()
    assert specialist.profile.calendar_token == token


# --- through the real e-mails and services -------------------------------------------------------

def test_confirmation_email_built_by_the_enrollment_module_carries_the_invitation(site_tree, specialist):
    from enrollment.emails import build_message

    session = make_session()
    enrollment = confirmed(specialist, session.cohort)
    message = build_message("confirmation", enrollment)
    [(mimetype, calendar)] = _attached_calendars(message)
    assert mimetype == "text/calendar; method=REQUEST"
    assert str(calendar.walk("VEVENT")[0]["UID"]) == session_uid(session)


def test_cancelling_a_cohort_mails_cancel_invitations_with_higher_sequence(
        site_tree, specialist, coordinator, mailoutbox, django_capture_on_commit_callbacks):
    from enrollment.services import cohort_cancel

    session = make_session()
    enrollment = confirmed(specialist, session.cohort)
    invite = EmailMultiAlternatives()
    attach_invitations("confirmation", enrollment, invite)
    [(_t, request)] = _attached_calendars(invite)

    with django_capture_on_commit_callbacks(execute=True):
        cohort_cancel(cohort=session.cohort, actor=coordinator, reason="Koolitaja haigestus")

    assert Session.objects.get(pk=session.pk).sequence == 1
    [message] = [m for m in mailoutbox if specialist.email in m.to]
    [(mimetype, cancel)] = _attached_calendars(message)
    assert mimetype == "text/calendar; method=CANCEL"
    event = cancel.walk("VEVENT")[0]
    assert str(event["UID"]) == session_uid(session)
    assert int(event["SEQUENCE"]) > int(request.walk("VEVENT")[0]["SEQUENCE"])
    assert str(event["STATUS"]) == "CANCELLED"


def test_course_page_links_each_cohorts_calendar_file(client, site_tree):
    session = make_session()
    response = client.get(session.cohort.course.url)
    assert response.status_code == 200
    link = reverse("cohort_ics", kwargs={"code": session.cohort.code})
    assert f'href="{link}"' in response.content.decode()
    assert client.get(link).status_code == 200
