"""iCalendar (RFC 5545) files for sessions: downloads, the personal feed, and iTIP invitations (RFC 5546).

Everything is built with the `icalendar` library's components and properties; no text is ever assembled
by hand, so commas, semicolons and line breaks in titles are escaped by the library.

Rules every file follows:
- one stable `UID` per session, `"<session.uid>@oskus.ee"`, never changing (the session's UUID);
- `SEQUENCE` is `session.sequence`, raised by `calendar.receivers` on every change of time, place or status;
- `DTSTART`/`DTEND` carry `TZID=Europe/Tallinn` and the calendar has the matching `VTIMEZONE` (`vtimezone`:
  yearly RRULEs derived from the tz database, right for the years the events span); the second occurrence of an
  ambiguous local time (the autumn clock change) is written in UTC, because a `TZID` local time always
  means the first occurrence (RFC 5545 3.3.5);
- `DTSTAMP` is the row's `updated_at` for published files (so the same data gives the same bytes, which
  makes ETags and caching work) and "now" for invitations;
- cancelled sessions and sessions of cancelled cohorts carry `STATUS:CANCELLED`.

The module only formats data it is given; the queries are in `calendar.selectors`.
"""

import datetime as dt
import functools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import (
    Alarm,
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
    vText,
)

from ..models import CohortStatus, Session, SessionStatus

UID_DOMAIN = "oskus.ee"  # part of every UID: never change it, calendars would duplicate every event
PRODID = "-//Oskus//Oskus trainings//ET"
TIME_ZONE = ZoneInfo("Europe/Tallinn")
FEED_REFRESH = dt.timedelta(hours=1)
OFFER_EVENT_LENGTH = dt.timedelta(minutes=30)
OFFER_NAMESPACE = uuid.UUID("6f1e9f36-5a55-4a4b-9a43-6f6b0c1e7a11")  # fixed: offer UIDs derive from it


def session_uid(session: Session) -> str:
    """The session's UID in every calendar file and invitation; stable for the life of the session."""
    return f"{session.uid}@{UID_DOMAIN}"


def offer_uid(enrollment_id: int) -> str:
    """The UID of the "answer the offered place" event of an enrollment (stable, reveals no database id)."""
    return f"offer-{uuid.uuid5(OFFER_NAMESPACE, str(enrollment_id))}@{UID_DOMAIN}"


def absolute_url(path_or_url: str) -> str:
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    return settings.SITE_URL.rstrip("/") + path_or_url


def course_url(course) -> str:
    """The course page's absolute URL (SITE_URL + the page's path); "" when the page has no URL."""
    url = course.get_url()
    return absolute_url(url) if url else ""


def session_is_cancelled(session: Session) -> bool:
    return session.status == SessionStatus.CANCELLED or session.cohort.status == CohortStatus.CANCELLED


def _local(moment: dt.datetime) -> dt.datetime:
    """The moment as a Europe/Tallinn time, or in UTC when the local time is the second of two.

    In the autumn night 03:00-04:00 happens twice; a `TZID` local time means the first occurrence
    (RFC 5545 3.3.5), so the second one can only be written exactly in UTC.
    """
    local = timezone.localtime(moment, TIME_ZONE)
    if local.fold:
        return moment.astimezone(dt.UTC)
    return local


def _summary(session: Session, *, cancelled: bool) -> str:
    course_title = session.cohort.course.title
    summary = f"{course_title}: {session.title}" if session.title else course_title
    if cancelled:
        summary = _("Cancelled: %(title)s") % {"title": summary}
    return summary


def _location(session: Session, *, online_link: bool) -> str:
    if session.venue_id:
        return f"{session.venue.name}, {session.venue.address}"
    if session.online_url:
        return session.online_url if online_link else _("Online")
    return ""


def _description(session: Session, url: str, *, online_link: bool, teaching: bool, cancelled: bool) -> str:
    cohort = session.cohort
    lines = [_("Group: %(group)s") % {"group": cohort.title or cohort.code}]
    if teaching:
        lines.append(_("You are a trainer of this group."))
    if cancelled:
        lines.append(_("This session is cancelled."))
    if session.online_url:
        lines.append(_("Online meeting link: %(url)s") % {"url": session.online_url} if online_link else _("Online"))
    if session.venue_id and session.venue.map_url:
        lines.append(_("Map: %(url)s") % {"url": session.venue.map_url})
    if url:
        lines.append(_("Course page: %(url)s") % {"url": url})
    return "\n".join(lines)


def session_event(session: Session, *, online_link: bool, url: str | None = None, stamp: dt.datetime | None = None,
                  sequence: int | None = None, teaching: bool = False, cancelled: bool | None = None) -> Event:
    """One VEVENT for a session (its cohort, course and venue must be loaded, e.g. by select_related).

    `online_link=False` (files anyone can download) writes a neutral "Online" instead of the meeting link;
    only files for people with a place or a group to teach (personal feed, invitations) carry the link.
    `cancelled=True` marks it cancelled even if the session is not (the person's own place is cancelled).
    """
    if url is None:
        url = course_url(session.cohort.course)
    is_cancelled = session_is_cancelled(session) if cancelled is None else cancelled
    event = Event.new(
        uid=session_uid(session),
        stamp=stamp or session.updated_at,
        sequence=session.sequence if sequence is None else sequence,
        start=_local(session.starts_at),
        end=_local(session.ends_at),
        summary=_summary(session, cancelled=is_cancelled),
        description=_description(session, url, online_link=online_link, teaching=teaching, cancelled=is_cancelled),
        location=_location(session, online_link=online_link) or None,
        url=url or None,
    )
    event.add("STATUS", "CANCELLED" if is_cancelled else "CONFIRMED")
    event.add("TRANSP", "TRANSPARENT" if is_cancelled else "OPAQUE")
    return event


def offer_event(enrollment, *, url: str | None = None) -> Event:
    """A short event ending at the deadline of an offered place, with a reminder a day before.

    The offered cohort's sessions are not in the feed until the person accepts: the place is not theirs yet.
    """
    course = enrollment.cohort.course
    if url is None:
        url = course_url(course)
    deadline = enrollment.offer_expires_at
    lines = [_("A place in %(course)s is offered to you. Accept or decline it before this time, "
               "otherwise it goes to the next person on the waitlist.") % {"course": course.title}]
    if url:
        lines.append(_("Course page: %(url)s") % {"url": url})
    event = Event.new(
        uid=offer_uid(enrollment.pk),
        stamp=enrollment.updated_at,
        sequence=0,
        start=_local(deadline - OFFER_EVENT_LENGTH),
        end=_local(deadline),
        summary=_("Answer the offered place: %(course)s") % {"course": course.title},
        description="\n".join(lines),
        url=url or None,
    )
    event.add("STATUS", "CONFIRMED")
    event.add("TRANSP", "TRANSPARENT")
    alarm = Alarm()
    alarm.add("ACTION", "DISPLAY")
    alarm.add("DESCRIPTION", _("An offered place is waiting for your answer."))
    alarm.add("TRIGGER", -dt.timedelta(hours=24) + OFFER_EVENT_LENGTH)
    event.add_component(alarm)
    return event


def new_calendar(*, name: str, method: str = "PUBLISH", refresh: bool = False) -> Calendar:
    calendar = Calendar.new(prodid=PRODID, method=method)
    calendar.pop("UID", None)  # a random calendar UID would make the same data give different bytes
    # Explicit vText: icalendar 7.3 adds NAME/X-WR-CALNAME as unknown (unescaped) values, and a line
    # break in a course title would then fail to serialise; vText escapes it.
    calendar.add("NAME", vText(name))
    calendar.add("X-WR-CALNAME", vText(name))
    calendar.add("X-WR-TIMEZONE", "Europe/Tallinn")
    if refresh:
        # RFC 7986 5.7 requires VALUE=DURATION; X-PUBLISHED-TTL (Outlook) is an ISO 8601 duration too. Both
        # typed explicitly: icalendar writes an untyped timedelta as "1:00:00".
        calendar.add("REFRESH-INTERVAL", vDuration(FEED_REFRESH), parameters={"VALUE": "DURATION"})
        calendar.add("X-PUBLISHED-TTL", vDuration(FEED_REFRESH))
    return calendar


# --- VTIMEZONE -----------------------------------------------------------------------------------

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class OffsetChange:
    """One change of a zone's UTC offset: when (UTC), the offsets before and after, the zone's name after."""

    at: dt.datetime
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str
    daylight: bool

    @property
    def onset(self) -> dt.datetime:
        """The wall-clock time of the change in the offset before it: a VTIMEZONE DTSTART (RFC 5545 3.6.5)."""
        return (self.at + self.offset_from).replace(tzinfo=None)


def _offset(zone: ZoneInfo, timestamp: int) -> dt.timedelta:
    return dt.datetime.fromtimestamp(timestamp, zone).utcoffset()


@functools.lru_cache(maxsize=64)
def offset_changes(zone: ZoneInfo, first_year: int, last_year: int) -> tuple[OffsetChange, ...]:
    """Every change of `zone`'s UTC offset from 1 January `first_year` to the end of `last_year` (UTC), from
    the tz database (zoneinfo): a day-by-day scan, then a bisection to the exact second."""
    start = int(dt.datetime(first_year, 1, 1, tzinfo=dt.UTC).timestamp())
    end = int(dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC).timestamp())
    day = 24 * 3600
    changes = []
    for moment in range(start, end, day):
        before, after = _offset(zone, moment), _offset(zone, moment + day)
        if before == after:
            continue
        low, high = moment, moment + day  # the offset at `low` is the old one, at `high` the new one
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if _offset(zone, middle) == before else (low, middle)
        local = dt.datetime.fromtimestamp(high, zone)
        changes.append(OffsetChange(at=dt.datetime.fromtimestamp(high, dt.UTC), offset_from=before, offset_to=after,
                                    name=local.tzname() or "", daylight=bool(local.dst())))
    return tuple(changes)


def _yearly_byday(changes: list[OffsetChange], last_year: int) -> str | None:
    """The RRULE BYDAY (e.g. "-1SU", the last Sunday) of changes that happen once every year up to
    `last_year`, in the same month, on the same weekday of the same week and at the same wall-clock time;
    None when they do not follow one such rule."""
    onsets = [change.onset for change in changes]
    first = onsets[0]
    if [onset.year for onset in onsets] != list(range(first.year, last_year + 1)):
        return None
    if any((o.month, o.weekday(), o.time()) != (first.month, first.weekday(), first.time()) for o in onsets):
        return None
    weekday = WEEKDAYS[first.weekday()]
    if all((onset + dt.timedelta(days=7)).month != onset.month for onset in onsets):
        return f"-1{weekday}"
    weeks = {(onset.day - 1) // 7 + 1 for onset in onsets}
    return f"{weeks.pop()}{weekday}" if len(weeks) == 1 else None


def _observance(change: OffsetChange, *, byday: str | None = None) -> TimezoneStandard | TimezoneDaylight:
    observance = TimezoneDaylight() if change.daylight else TimezoneStandard()
    observance.add("DTSTART", change.onset)
    if byday:
        observance.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": change.onset.month, "BYDAY": byday})
    observance.add("TZNAME", change.name)
    observance.add("TZOFFSETFROM", change.offset_from)
    observance.add("TZOFFSETTO", change.offset_to)
    return observance


def _initial_observance(zone: ZoneInfo, first_year: int) -> TimezoneStandard | TimezoneDaylight:
    """The zone as it is on 1 January `first_year`, as an observance starting then (no change of offset)."""
    moment = dt.datetime(first_year, 1, 1, tzinfo=zone)
    offset = moment.utcoffset()
    return _observance(OffsetChange(at=moment.astimezone(dt.UTC), offset_from=offset,
                                    offset_to=offset, name=moment.tzname() or "", daylight=bool(moment.dst())))


def vtimezone(zone: ZoneInfo, *, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for `zone` that is right for every moment from `first_year` to `last_year`.

    Offset changes that recur yearly by one rule (Europe/Tallinn: EET->EEST at 03:00 EET on the last Sunday
    of March, EEST->EET at 04:00 EEST on the last Sunday of October) become one STANDARD/DAYLIGHT component
    each, with an RRULE: the form Outlook, Google and Apple write and read, and one that icalendar, vobject
    and dateutil all read to the same instants as zoneinfo. Changes that follow no yearly rule get one
    component each (never an RDATE list, which vobject misreads). Readers take the first STANDARD component
    for times before the first change, so when that would be wrong (a zone on summer time on 1 January, or
    without changes) a component for the offset of 1 January `first_year` comes first.
    """
    observances: list[tuple[dt.datetime, TimezoneStandard | TimezoneDaylight]] = []
    groups: dict[tuple, list[OffsetChange]] = {}
    for change in offset_changes(zone, first_year, last_year):
        groups.setdefault((change.daylight, change.offset_from, change.offset_to, change.name), []).append(change)
    for group in groups.values():
        byday = _yearly_byday(group, last_year)
        if byday:
            observances.append((group[0].at, _observance(group[0], byday=byday)))
        else:
            observances += [(change.at, _observance(change)) for change in group]
    ordered = [observance for _at, observance in sorted(observances, key=lambda pair: pair[0])]
    initial = _initial_observance(zone, first_year)
    standards = [observance for observance in ordered if isinstance(observance, TimezoneStandard)]
    if not standards or standards[0]["TZOFFSETTO"].td != initial["TZOFFSETTO"].td:
        ordered.insert(0, initial)
    timezone_component = Timezone()
    timezone_component.add("TZID", zone.key)
    for observance in ordered:
        timezone_component.add_component(observance)
    return timezone_component


def finish(calendar: Calendar) -> bytes:
    """Add a VTIMEZONE for every TZID used (right for the years of the events, and one on each side) and
    serialise."""
    years = [component.start.year for component in calendar.walk("VEVENT")]
    for tzid in sorted(calendar.get_used_tzids(), reverse=True):
        calendar.subcomponents.insert(0, vtimezone(ZoneInfo(tzid), first_year=min(years) - 1,
                                                   last_year=max(years) + 1))
    return calendar.to_ical()


def sessions_calendar(sessions: Iterable[Session], *, name: str) -> bytes:
    """A published calendar (METHOD:PUBLISH) of the given sessions: the public cohort and session downloads.

    Anyone can download these, so online sessions say "Online" and never carry the meeting link.
    """
    calendar = new_calendar(name=name)
    urls: dict[int, str] = {}
    for session in sessions:
        course = session.cohort.course
        if course.pk not in urls:
            urls[course.pk] = course_url(course)
        calendar.add_component(session_event(session, online_link=False, url=urls[course.pk]))
    return finish(calendar)


@dataclass(frozen=True)
class FeedEntry:
    """One session in a personal feed: the session, whether the person teaches it, whether it is off."""

    session: Session
    teaching: bool = False
    cancelled: bool = False


def personal_calendar(*, entries: Iterable[FeedEntry], offers: Iterable, name: str) -> bytes:
    """The personal feed: sessions the person attends or teaches, and deadlines of offered places."""
    calendar = new_calendar(name=name, refresh=True)
    urls: dict[int, str] = {}

    def url_of(course) -> str:
        if course.pk not in urls:
            urls[course.pk] = course_url(course)
        return urls[course.pk]

    for entry in entries:
        session = entry.session
        calendar.add_component(session_event(session, online_link=True, url=url_of(session.cohort.course),
                                             teaching=entry.teaching,
                                             cancelled=entry.cancelled or session_is_cancelled(session)))
    for enrollment in offers:
        calendar.add_component(offer_event(enrollment, url=url_of(enrollment.cohort.course)))
    return finish(calendar)


# --- iTIP invitations (e-mail attachments) --------------------------------------------------------

def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or 'noreply@oskus.ee'}")
    organizer.params["CN"] = name or "Oskus"
    return organizer


def invitation_sequence(*, session: Session, history_length: int, method: str) -> int:
    """SEQUENCE of an invitation: rises with every change of the session AND of the person's place.

    `2 * (session.sequence + history_length)` for a REQUEST and one more for a CANCEL: a cancellation
    always outranks the invitation it withdraws, and a new invitation after re-enrolling (one more
    history entry) outranks the cancellation.
    """
    base = 2 * (session.sequence + history_length)
    return base + 1 if method == "CANCEL" else base


def invitation(*, session: Session, user, method: str, history_length: int = 0,
               now: dt.datetime | None = None) -> bytes:
    """An iTIP message (RFC 5546) for ONE session: METHOD:REQUEST (add or update) or METHOD:CANCEL.

    One UID per message, as iTIP requires; a cohort with several sessions gets several attachments.
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported iTIP method {method!r}")
    cancel = method == "CANCEL"
    calendar = new_calendar(name=session.cohort.course.title, method=method)
    event = session_event(session, online_link=True, stamp=now or timezone.now(), cancelled=cancel,
                          sequence=invitation_sequence(session=session, history_length=history_length,
                                                       method=method))
    event.add("ORGANIZER", _organizer())
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["CN"] = user.full_name or user.email
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "ACCEPTED"  # the person already has the place; no reply is expected
    attendee.params["RSVP"] = "FALSE"
    event.add("ATTENDEE", attendee)
    calendar.add_component(event)
    return finish(calendar)


def invitation_mimetype(method: str) -> str:
    """The attachment's MIME type; the e-mail layer adds the charset."""
    return f"text/calendar; method={method}"
