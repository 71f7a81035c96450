"""The personal feed's conditional GET: a 304 from one cheap query, and every change of content changes it."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

import leansql
from enrollment.calendar import feeds, ics
from enrollment.calendar import selectors as calendar_selectors
from enrollment.models import (
    Cohort,
    CohortStatus,
    Enrollment,
    EnrollmentEvent,
    EnrollmentStatus,
    Session,
    SessionStatus,
)
from tests import factories
from tests.enrollment.calendar.helpers import confirmed, feed_url, make_session
from tests.plans import plan_nodes

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(site_tree, specialist, venue):
    """A person attending one cohort (two sessions, one at a venue) and teaching another."""
    attended = factories.CohortFactory(title="Kevadrühm")
    first = make_session(attended, venue=venue)
    second = make_session(attended, starts_at=first.starts_at + dt.timedelta(days=7),
                          ends_at=first.ends_at + dt.timedelta(days=7))
    enrollment = confirmed(specialist, attended)
    taught = factories.CohortFactory(trainers=[specialist])
    make_session(taught)
    return {"user": specialist, "cohort": attended, "session": first, "second": second, "venue": venue,
            "enrollment": enrollment, "taught": taught, "url": feed_url(specialist)}


def _no_build(monkeypatch):
    def fail(**kwargs):
        raise AssertionError("the feed was built for a conditional GET of an unchanged feed")

    monkeypatch.setattr(feeds, "personal_feed", fail)
    monkeypatch.setattr(ics, "personal_calendar", fail)


@pytest.mark.postgres  # the one validator statement; SQLite's portable validator reads six
def test_unchanged_feed_answers_304_from_at_most_two_queries_without_building(
        client, feed, monkeypatch, django_assert_max_num_queries):
    first = client.get(feed["url"])
    assert first.status_code == 200 and b"BEGIN:VEVENT" in first.content
    _no_build(monkeypatch)
    with django_assert_max_num_queries(2):  # the token's owner and the validator (one statement today)
        again = client.get(feed["url"], HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    with django_assert_max_num_queries(2):
        since = client.get(feed["url"], HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    with django_assert_max_num_queries(2):
        head = client.head(feed["url"], HTTP_IF_NONE_MATCH=first["ETag"])
    assert head.status_code == 304


def test_a_304_for_a_matching_etag_asks_the_cache_nothing(client, feed, monkeypatch):
    """If-None-Match decides alone (RFC 9110 13.2.2): the first-served stamp of Last-Modified is not needed."""
    first = client.get(feed["url"])
    calls = []
    monkeypatch.setattr(feeds.cache, "get_or_set", lambda *args, **kwargs: calls.append(args))
    again = client.get(feed["url"], HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert calls == []


@pytest.mark.postgres  # the one validator statement; SQLite's portable validator reads six
def test_validator_is_one_query_and_opens_only_what_feed_owner_opens(feed, django_assert_num_queries):
    token = feed["user"].profile.calendar_token
    calendar_selectors.personal_feed_validator(token=token)  # prepared on this connection (at most once)
    with django_assert_num_queries(1) as queries:
        state = calendar_selectors.personal_feed_validator(token=token)
    assert queries.captured_queries[0]["sql"].startswith("EXECUTE ")
    assert state.user_id == feed["user"].pk and state.etag and state.last_modified <= timezone.now()
    assert calendar_selectors.personal_feed_validator(token="x" * 43) is None
    assert calendar_selectors.personal_feed_validator(token="") is None
    feed["user"].is_active = False
    feed["user"].save()
    assert calendar_selectors.feed_owner(token=token) is None
    assert calendar_selectors.personal_feed_validator(token=token) is None


def test_changes_outside_the_feed_keep_the_304(client, feed, trainer):
    etag = client.get(feed["url"])["ETag"]
    other = factories.CohortFactory()
    make_session(other)
    confirmed(trainer, other)
    confirmed(trainer, feed["cohort"])  # another person joining the same cohort
    assert client.get(feed["url"], HTTP_IF_NONE_MATCH=etag).status_code == 304


def _session_time(f):
    f["session"].starts_at += dt.timedelta(hours=1)
    f["session"].ends_at += dt.timedelta(hours=1)
    f["session"].save()


def _session_venue(f):
    f["second"].venue = factories.VenueFactory(name="Võru Kultuurimaja")
    f["second"].save()


def _venue_address(f):
    f["venue"].address = "Riia 15, Tartu"  # the venue row only: no session or cohort row changes
    f["venue"].save()


def _session_cancelled(f):
    f["session"].status = SessionStatus.CANCELLED
    f["session"].save()


def _cohort_cancelled(f):
    f["cohort"].status = CohortStatus.CANCELLED
    f["cohort"].save()


def _cohort_title(f):
    f["cohort"].title = "Sügisrühm"
    f["cohort"].save()


def _course_title(f):
    course = f["cohort"].course
    course.title = "Uus pealkiri"
    course.save()


def _new_enrollment(f):
    confirmed(f["user"], make_session().cohort)


def _enrollment_cancelled(f):
    enrollment = f["enrollment"]
    EnrollmentEvent.objects.create(enrollment=enrollment, from_status=enrollment.status,
                                   to_status=EnrollmentStatus.CANCELLED)
    enrollment.status = EnrollmentStatus.CANCELLED
    enrollment.save()


def _new_session(f):
    make_session(f["cohort"], starts_at=timezone.now() + dt.timedelta(days=40),
                 ends_at=timezone.now() + dt.timedelta(days=40, hours=2))


def _session_deleted(f):
    f["second"].delete()


def _teaching_added(f):
    cohort = factories.CohortFactory()
    make_session(cohort)
    cohort.trainers.add(f["user"])


def _teaching_removed(f):
    f["taught"].trainers.remove(f["user"])


CHANGES = [_session_time, _session_venue, _venue_address, _session_cancelled, _cohort_cancelled, _cohort_title,
           _course_title, _new_enrollment, _enrollment_cancelled, _new_session, _session_deleted, _teaching_added,
           _teaching_removed]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_every_change_of_the_feeds_content_changes_the_validator(client, feed, change):
    first = client.get(feed["url"])
    change(feed)
    changed = client.get(feed["url"], HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert changed.content != first.content
    cache.clear()  # the body served is the feed as it is now, not a cached older one
    assert client.get(feed["url"]).content == changed.content


@pytest.mark.parametrize("change", [_venue_address, _course_title, _session_deleted, _teaching_removed],
                         ids=["venue_address", "course_title", "session_deleted", "teaching_removed"])
def test_if_modified_since_sees_changes_without_a_change_time(client, feed, change, monkeypatch):
    first = client.get(feed["url"])
    change(feed)
    later = timezone.now() + dt.timedelta(seconds=2)  # HTTP dates have whole seconds: the change comes later
    monkeypatch.setattr(feeds.timezone, "now", lambda: later)
    changed = client.get(feed["url"], HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert changed.status_code == 200
    assert client.get(feed["url"], HTTP_IF_MODIFIED_SINCE=changed["Last-Modified"]).status_code == 304


@pytest.mark.postgres  # the one validator statement; SQLite's portable validator reads six
def test_the_validator_is_planned_once_per_database_connection(feed):
    from django.db import connection

    token = feed["user"].profile.calendar_token
    first = calendar_selectors.personal_feed_validator(token=token)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s",
                       [calendar_selectors._VALIDATOR.name])
        assert cursor.fetchone()[0] == 1
    assert calendar_selectors.personal_feed_validator(token=token) == first  # not prepared twice


def test_the_portable_validator_sees_the_same_changes(client, feed, monkeypatch):
    """The SQLite demo's validator (six ORM queries) answers 304 while nothing changed and a new ETag when the
    feed changes, as the one statement does."""
    monkeypatch.setattr(calendar_selectors, "_validator_one_statement", calendar_selectors._validator_portable)
    token = feed["user"].profile.calendar_token
    assert calendar_selectors._validator_portable("x" * 43, timezone.now()) == (None, None, None)
    first = client.get(feed["url"])
    assert first.status_code == 200
    assert client.get(feed["url"], HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    before = calendar_selectors.personal_feed_validator(token=token).etag
    feed["venue"].address = "Uus tänav 1, Võru"
    feed["venue"].save()
    assert calendar_selectors.personal_feed_validator(token=token).etag != before
    changed = client.get(feed["url"], HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and "Uus tänav 1" in changed.content.decode()


@pytest.mark.postgres  # the plan of the prepared statement, as PostgreSQL caches it
def test_the_validators_generic_plan_reads_cohorts_and_sessions_by_key_whatever_the_statistics(feed):
    """A calendar app re-polls every few minutes, and the prepared validator soon runs on its generic plan, which
    estimates a person's enrollments as the table's average per person. With few people and many enrollments
    each (a new site, a bench database), that plan hash-joined a scan of every cohort and every session of the
    site on each re-poll (bench/README.md): the cost grew with the site, not with the person's feed."""
    from django.db import connection

    cohort, session = feed["cohort"], feed["session"]
    cohorts = Cohort.objects.bulk_create([Cohort(course=cohort.course, code=f"bulk-{n}", capacity=20)
                                          for n in range(2000)])
    Session.objects.bulk_create([Session(cohort=c, starts_at=session.starts_at + dt.timedelta(days=n % 3),
                                         ends_at=session.ends_at + dt.timedelta(days=n % 3))
                                 for c in cohorts for n in range(2)])
    heavy = [factories.UserFactory() for _ in range(20)]  # twenty people enrolled in a hundred cohorts each
    Enrollment.objects.bulk_create([Enrollment(user=user, cohort=c, status=EnrollmentStatus.CONFIRMED)
                                    for number, user in enumerate(heavy) for c in cohorts[number::20]])
    token = feed["user"].profile.calendar_token
    sql, count = leansql._numbered(calendar_selectors._VALIDATOR.sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SET LOCAL random_page_cost = 1.1")  # the production setting (docs/operations.md)
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE validator_plan_test AS {sql}")
        try:
            cursor.execute("EXPLAIN (FORMAT JSON) EXECUTE validator_plan_test(%s, %s)",
                           [token, timezone.now() - dt.timedelta(days=365)])
            plan = cursor.fetchone()[0]
        finally:
            cursor.execute("DEALLOCATE validator_plan_test")
    assert count == 2
    scanned = {node["Relation Name"] for node in plan_nodes(plan[0]["Plan"])
               if node["Node Type"] == "Seq Scan" and "Relation Name" in node}
    assert not scanned & {Cohort._meta.db_table, Session._meta.db_table, Enrollment._meta.db_table}, sorted(scanned)
    assert calendar_selectors.personal_feed_validator(token=token) is not None


@pytest.mark.postgres  # the one statement; elsewhere the validator is six ORM queries
def test_the_validator_digests_typed_values_without_sorting_or_text(feed):
    """Most of the validator's cost on each re-poll was turning every row into text and sorting those texts for
    an ordered md5 (bench/README.md): the digest is an XOR of typed row hashes, which needs neither."""
    from django.db import connection

    sql, _count = leansql._numbered(calendar_selectors._VALIDATOR.sql)
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE validator_shape_test AS {sql}")
        try:
            cursor.execute("EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE validator_shape_test(%s, %s)",
                           [feed["user"].profile.calendar_token, timezone.now() - dt.timedelta(days=365)])
            plan = cursor.fetchone()[0]
        finally:
            cursor.execute("DEALLOCATE validator_shape_test")
    outputs = [output for node in plan_nodes(plan[0]["Plan"]) for output in node.get("Output", [])]
    rows_as_text = re.compile(r"ROW\([^()]*\)\)::text")
    assert not [output for output in outputs if "ORDER BY" in output or rows_as_text.search(output)], outputs
    assert any("hash_record_extended" in output for output in outputs)
