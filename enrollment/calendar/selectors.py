"""Reads for calendar files: a constant number of queries however many sessions a person has.

The personal feed holds:
- the sessions of cohorts where the person's enrollment is CONFIRMED, COMPLETED or NOT_COMPLETED;
- the sessions of cohorts they teach (`Cohort.trainers`);
- for an OFFERED enrollment, one short event ending at the answer deadline (not the sessions themselves);
- for 30 days after the change, with STATUS:CANCELLED: cancelled sessions, sessions of cancelled cohorts,
  and the sessions of a place the person held and that was cancelled (by them, a coordinator or a move),
  so subscribed calendars remove them instead of silently keeping them;
- sessions that ended more than a year ago are left out.

`personal_feed` runs 3 queries (enrollments, sessions, their cohorts with course pages) plus the Wagtail
site root paths when they are not cached; `feed_owner` one more. `personal_feed_validator` finds the token's
owner and answers "has anything the feed could show changed?" in ONE query without building the feed: the
view answers a conditional GET with 304 from it, and its value is the feed's ETag and the key of the cached
body.
"""

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import Profile
from courses.pages import CoursePage
from courses.snippets import Venue
from leansql import Statement

from ..models import (
    Cohort,
    CohortStatus,
    Enrollment,
    EnrollmentEvent,
    EnrollmentStatus,
    Session,
    SessionStatus,
)
from .ics import FeedEntry, course_url
from .tokens import token_is_live

S = EnrollmentStatus
# A person's sessions are in their feed while the enrollment is in one of these statuses.
FEED_STATUSES = (S.CONFIRMED, S.COMPLETED, S.NOT_COMPLETED)
# Cancelled things stay in feeds (marked STATUS:CANCELLED) this long after the change.
CANCELLED_KEPT = dt.timedelta(days=30)
# Sessions that ended longer ago than this are left out of the personal feed.
HISTORY_KEPT = dt.timedelta(days=365)
# Raise when the output format changes: every cached feed and ETag becomes stale at once.
# 2: own VTIMEZONE (yearly rules), refresh hints as durations, no meeting links in public downloads.
FORMAT_VERSION = 2


def feed_owner(*, token: str) -> Profile | None:
    """The profile whose live feed `token` opens, or None (unknown, revoked, or the account is disabled)."""
    if not token_is_live(token):
        return None
    return (Profile.objects.select_related("user")
            .filter(calendar_token=token, user__is_active=True).first())


def _day_start(now: dt.datetime) -> dt.datetime:
    """Midnight (Tallinn) of `now`: cut-offs move once a day, so a feed's bytes are stable within a day."""
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class PersonalFeed:
    entries: list[FeedEntry] = field(default_factory=list)
    offers: list[Enrollment] = field(default_factory=list)
    etag: str = ""
    last_modified: dt.datetime | None = None


def _fingerprint(parts: list) -> str:
    digest = hashlib.sha256(repr([FORMAT_VERSION, get_language(), *parts]).encode()).hexdigest()
    return digest[:40]


def _venue_key(session: Session) -> tuple:
    venue = session.venue
    return (venue.name, venue.address, venue.map_url) if venue else ()


def _session_key(session: Session, url: str) -> tuple:
    cohort = session.cohort
    return (session.pk, session.sequence, session.updated_at, session.status, session.title, session.starts_at,
            session.ends_at, session.online_url, _venue_key(session), cohort.status, cohort.updated_at, cohort.title,
            cohort.code, cohort.course.title, url)


def _stays(session: Session, cutoff: dt.datetime) -> bool:
    """False for a session cancelled (itself or its cohort) more than CANCELLED_KEPT ago."""
    if session.status == SessionStatus.CANCELLED and session.updated_at < cutoff:
        return False
    if session.cohort.status == CohortStatus.CANCELLED and session.cohort.updated_at < cutoff:
        return False
    return True


def personal_feed(*, user, now: dt.datetime | None = None) -> PersonalFeed:
    """Everything the personal feed of `user` shows, with an ETag over exactly that data.

    Three queries (plus the Wagtail site root paths when not cached), whatever the number of sessions.
    """
    today = _day_start(now or timezone.now())
    cutoff = today - CANCELLED_KEPT
    held_place = EnrollmentEvent.objects.filter(enrollment=OuterRef("pk"), to_status__in=FEED_STATUSES)
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .annotate(held_place=Exists(held_place))
        .filter(Q(status__in=[*FEED_STATUSES, S.OFFERED])
                | Q(status=S.CANCELLED, updated_at__gte=cutoff, held_place=True))
        .select_related("cohort__course")
        .order_by("pk")
    )
    attending = {e.cohort_id for e in enrollments if e.status in FEED_STATUSES}
    left = {e.cohort_id for e in enrollments if e.status == S.CANCELLED} - attending
    offers = [e for e in enrollments if e.status == S.OFFERED and e.offer_expires_at
              and e.offer_expires_at >= cutoff]

    teaches = Cohort.trainers.through.objects.filter(user_id=user.pk)
    sessions = (
        Session.objects.filter(Q(cohort_id__in=attending | left) | Q(cohort_id__in=teaches.values("cohort_id")))
        .filter(ends_at__gte=today - HISTORY_KEPT)
        .annotate(teaching=Exists(teaches.filter(cohort_id=OuterRef("cohort_id"))))
        .select_related("venue")
        .order_by("starts_at", "pk")
    )
    # Cohorts and their course pages once each, not once per session: a Wagtail page is an expensive row
    # to turn into an object, and 200 sessions share a handful of cohorts.
    sessions = list(sessions)
    cohorts = {c.pk: c for c in Cohort.objects.filter(pk__in={s.cohort_id for s in sessions}).select_related("course")}
    for session in sessions:
        session.cohort = cohorts[session.cohort_id]
    feed = PersonalFeed(offers=offers)
    urls: dict[int, str] = {}

    def url_of(course) -> str:
        if course.pk not in urls:
            urls[course.pk] = course_url(course)
        return urls[course.pk]

    parts: list = [user.pk, today]
    moments = [today]
    for session in sessions:
        if not _stays(session, cutoff):
            continue
        cancelled = not session.teaching and session.cohort_id not in attending
        feed.entries.append(FeedEntry(session=session, teaching=session.teaching, cancelled=cancelled))
        parts.append((_session_key(session, url_of(session.cohort.course)), session.teaching, cancelled))
        moments += [session.updated_at, session.cohort.updated_at]
    for enrollment in offers:
        course = enrollment.cohort.course
        parts.append(("offer", enrollment.pk, enrollment.updated_at, enrollment.offer_expires_at, course.title,
                      url_of(course)))
        moments.append(enrollment.updated_at)
    moments += [e.updated_at for e in enrollments]
    feed.etag = _fingerprint(parts)
    feed.last_modified = max(moments)
    return feed


@functools.cache
def _validator_sql() -> str:
    """One statement: a digest of every row the personal feed reads, and the latest change time among them.

    A superset of the feed's rows is digested (all the person's enrollments, every cohort they are
    enrolled in or teach, those cohorts' sessions, venues and course pages), so any change of the feed's
    content changes the digest; a change outside the feed may change it too (one rebuild, never a stale feed).
    Rows are digested by identity and change stamp (`updated_at` moves on every save and on
    `sessions_sequence_bump`); venues and course pages have no stamp, so the shown fields themselves are.
    Cohorts, sessions, venues and pages are looked up by key from an array (``= ANY(ARRAY(…))``): as a semi-join
    the prepared statement's generic plan, which estimates a person's rows as the average per person, scanned
    every page of the site on each re-poll, and every cohort and session where few people held many enrollments.
    The digest is the number of rows and the XOR of each row's 64-bit hash (``hash_record_extended`` over the
    typed values): it needs no ordering and no text form of the values, which were most of the statement's cost
    (bench/README.md). A changed row changes the digest unless its new hash happens to cancel out (2**-64).
    """
    tables = {
        "profile": Profile._meta.db_table,
        "user": Profile._meta.get_field("user").related_model._meta.db_table,
        "enrollment": Enrollment._meta.db_table,
        "trainers": Cohort.trainers.through._meta.db_table,
        "cohort": Cohort._meta.db_table,
        "session": Session._meta.db_table,
        "venue": Venue._meta.db_table,
        "page": CoursePage._meta.get_field("page_ptr").related_model._meta.db_table,
    }
    # Only table names from the models' metadata are formatted in; the values are query parameters.
    return """
        WITH o AS (SELECT p.user_id FROM {profile} p JOIN {user} u ON u.id = p.user_id
                   WHERE p.calendar_token = %(token)s AND u.is_active),
        e AS (SELECT id, cohort_id, status, updated_at FROM {enrollment} WHERE user_id = (SELECT user_id FROM o)),
        t AS (SELECT cohort_id FROM {trainers} WHERE user_id = (SELECT user_id FROM o)),
        c AS (SELECT id, course_id, updated_at FROM {cohort}
              WHERE id = ANY(ARRAY(SELECT cohort_id FROM e UNION SELECT cohort_id FROM t))),
        s AS (SELECT id, venue_id, updated_at FROM {session}
              WHERE cohort_id = ANY(ARRAY(SELECT id FROM c)) AND ends_at >= %(since)s),
        x AS (
            SELECT hash_record_extended(ROW(1, id, cohort_id, status, updated_at), 0) AS h, updated_at AS at FROM e
            UNION ALL SELECT hash_record_extended(ROW(2, cohort_id), 0), NULL FROM t
            UNION ALL SELECT hash_record_extended(ROW(3, id, course_id, updated_at), 0), updated_at FROM c
            UNION ALL SELECT hash_record_extended(ROW(4, id, venue_id, updated_at), 0), updated_at FROM s
            UNION ALL SELECT hash_record_extended(ROW(5, v.id, v.name, v.address, v.map_url), 0), NULL
                      FROM {venue} v WHERE v.id = ANY(ARRAY(SELECT venue_id FROM s))
            UNION ALL SELECT hash_record_extended(ROW(6, p.id, p.title, p.url_path, p.live), 0), NULL
                      FROM {page} p WHERE p.id = ANY(ARRAY(SELECT course_id FROM c)))
        SELECT (SELECT user_id FROM o), count(*) || '-' || coalesce(bit_xor(h), 0), max(at) FROM x
    """.format(**tables)  # noqa: S608


# Planning the validator (a dozen joins and CTEs) took longer than running it, and calendar apps ask every few
# minutes: it is prepared once per database connection (leansql; bench/README.md).
_VALIDATOR = Statement("feed_validator", lambda: _validator_sql().replace("%(token)s", "%s").replace("%(since)s", "%s"))


def _validator_one_statement(token: str, since: dt.datetime):
    """The validator's row (owner, digest, latest change) from the one statement (PostgreSQL)."""
    return _VALIDATOR.fetchone([token, since])


def _validator_portable(token: str, since: dt.datetime):
    """The same digest's rows read through the ORM (six queries), for databases other than PostgreSQL (the
    SQLite demo): any change of the feed's content changes it, as with the one statement."""
    owner = (Profile.objects.filter(calendar_token=token, user__is_active=True)
             .values_list("user_id", flat=True).first())
    if owner is None:
        return None, None, None
    enrollments = list(Enrollment.objects.filter(user_id=owner).values_list("id", "cohort_id", "status", "updated_at"))
    taught = list(Cohort.trainers.through.objects.filter(user_id=owner).values_list("cohort_id", flat=True))
    cohort_ids = {row[1] for row in enrollments} | set(taught)
    cohorts = list(Cohort.objects.filter(id__in=cohort_ids).values_list("id", "course_id", "updated_at"))
    sessions = list(Session.objects.filter(cohort_id__in=cohort_ids, ends_at__gte=since)
                    .values_list("id", "venue_id", "updated_at"))
    venues = list(Venue.objects.filter(id__in={row[1] for row in sessions}).values_list("id", "name", "address",
                                                                                       "map_url"))
    pages = list(CoursePage._meta.get_field("page_ptr").related_model.objects
                 .filter(id__in={row[1] for row in cohorts}).values_list("id", "title", "url_path", "live"))
    rows = sorted(repr(row) for row in [*enrollments, *[("t", pk) for pk in taught], *cohorts, *sessions, *venues,
                                        *pages])
    stamps = [row[-1] for row in [*enrollments, *cohorts, *sessions] if row[-1] is not None]
    return owner, hashlib.sha256(";".join(rows).encode()).hexdigest(), max(stamps, default=None)


@dataclass(frozen=True)
class FeedValidator:
    user_id: int
    etag: str
    last_modified: dt.datetime


def personal_feed_validator(*, token: str, now: dt.datetime | None = None) -> FeedValidator | None:
    """The owner, ETag and Last-Modified of the live feed `token` opens, in one query, without building it.

    None exactly when `feed_owner` gives None (unknown or revoked token, disabled account). Guaranteed:
    whenever the feed's content changes (a session's time, place, link, title or status; a venue's name,
    address or map link; a cohort's title, code or status; a course page's title or address; an enrollment
    made, changed or cancelled; teaching added or removed; the day's cut-offs; the language or the output
    format), the ETag changes. Last-Modified is the latest change stamp among those rows (midnight at
    least); it cannot see venue or page edits, which the ETag does (the view covers that, see feeds.py).
    """
    if not token_is_live(token):
        return None
    today = _day_start(now or timezone.now())
    if connection.vendor == "postgresql":
        user_id, digest, latest = _validator_one_statement(token, today - HISTORY_KEPT)
    else:
        user_id, digest, latest = _validator_portable(token, today - HISTORY_KEPT)
    if user_id is None:
        return None
    return FeedValidator(user_id=user_id, etag=_fingerprint(["validator", user_id, today, digest]),
                         last_modified=max(filter(None, [today, latest])))


def public_cohort(*, code: str) -> Cohort | None:
    """A cohort of a live, public course page, or None."""
    return (Cohort.objects.select_related("course")
            .filter(code=code, course__in=CoursePage.objects.live().public()).first())


def public_session(*, uid) -> Session | None:
    """A session of a live, public course page, with cohort, course and venue loaded; or None."""
    return (Session.objects.select_related("cohort__course", "venue")
            .filter(uid=uid, cohort__course__in=CoursePage.objects.live().public()).first())


def cohort_sessions(*, cohort: Cohort) -> list[Session]:
    sessions = list(cohort.sessions.select_related("venue").order_by("starts_at", "pk"))
    for session in sessions:
        session.cohort = cohort
    return sessions


def sessions_fingerprint(sessions: list[Session]) -> tuple[str, dt.datetime | None]:
    """ETag and Last-Modified for a download of these sessions (all of one cohort, so one course)."""
    urls = {s.cohort.course_id: course_url(s.cohort.course) for s in sessions[:1]}
    parts: list = ["public"]  # a public download: never shares an ETag (or cached body) with a personal file
    parts += [_session_key(s, urls.get(s.cohort.course_id) or course_url(s.cohort.course)) for s in sessions]
    moments = [m for s in sessions for m in (s.updated_at, s.cohort.updated_at)]
    return _fingerprint(parts), (max(moments) if moments else None)
