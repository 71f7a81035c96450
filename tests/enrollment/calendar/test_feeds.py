"""The views: public downloads, the personal feed (token, contents, conditional GET), the settings page."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enrollment.calendar import ics
from enrollment.calendar.ics import offer_uid, session_uid
from enrollment.calendar.selectors import personal_feed
from enrollment.calendar.services import calendar_feed_revoke, calendar_token_regenerate
from enrollment.models import EnrollmentEvent, EnrollmentStatus, SessionStatus
from tests import factories
from tests.enrollment.calendar.helpers import (
    confirmed,
    events,
    feed_url,
    make_session,
    parse,
    vobject_load,
)

pytestmark = pytest.mark.django_db


# --- public downloads --------------------------------------------------------------------------

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


@pytest.mark.postgres  # the one validator statement; SQLite's portable validator reads six
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
    # 7: with Wagtail's localisation on, the site's root paths (course URLs) also read the root page's translations
    assert many <= 7


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

    def fail(**kwargs):
        raise AssertionError("built again although the data did not change")

    monkeypatch.setattr(ics, "personal_calendar", fail)
    assert client.get(url).content == body


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


def test_course_page_links_each_cohorts_calendar_file(client, site_tree):
    session = make_session()
    response = client.get(session.cohort.course.url)
    assert response.status_code == 200
    link = reverse("cohort_ics", kwargs={"code": session.cohort.code})
    assert f'href="{link}"' in response.content.decode()
    assert client.get(link).status_code == 200


# --- refresh hints and HEAD (issue 14) ------------------------------------------------------------

def test_personal_feed_gives_its_refresh_interval_and_ttl_as_iso_durations(client, site_tree, specialist, caplog):
    session = make_session()
    confirmed(specialist, session.cohort)
    content = client.get(feed_url(specialist)).content
    lines = content.split(b"\r\n")
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines  # RFC 7986 5.7: VALUE=DURATION is required
    assert b"X-PUBLISHED-TTL:PT1H" in lines
    assert parse(content).refresh_interval == dt.timedelta(hours=1)
    assert vobject_load(content, caplog).x_published_ttl.value == "PT1H"


def _feed_urls(user) -> dict[str, str]:
    session = make_session()
    confirmed(user, session.cohort)
    return {
        "personal": feed_url(user),
        "cohort": reverse("cohort_ics", kwargs={"code": session.cohort.code}),
        "session": reverse("session_ics", kwargs={"uid": session.uid}),
    }


HEADERS = ("Content-Type", "Content-Length", "Content-Disposition", "ETag", "Last-Modified", "Cache-Control",
           "X-Robots-Tag")


def test_head_answers_every_feed_url_like_get_without_a_body(client, site_tree, specialist):
    for name, url in _feed_urls(specialist).items():
        got = client.get(url)
        head = client.head(url)
        assert (head.status_code, got.status_code) == (200, 200), name
        assert head.content == b"", name
        assert {h: head.get(h) for h in HEADERS} == {h: got.get(h) for h in HEADERS}, name
        assert int(head["Content-Length"]) == len(got.content), name
        assert client.head(url, HTTP_IF_NONE_MATCH=got["ETag"]).status_code == 304, name


def test_head_on_unknown_feeds_is_404_like_get(client, site_tree):
    for url in ["/calendar/" + "x" * 43 + ".ics", "/calendar/cohort/no-such-cohort.ics",
                "/calendar/session/6f1e9f36-5a55-4a4b-9a43-6f6b0c1e7a11.ics"]:
        assert client.head(url).status_code == client.get(url).status_code == 404, url
