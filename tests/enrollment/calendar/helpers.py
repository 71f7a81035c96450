"""Helpers shared by the calendar tests: parse files back with icalendar and with vobject (validating)."""

import datetime as dt
import logging
import warnings
from zoneinfo import ZoneInfo

import vobject
from django.urls import reverse
from icalendar import Calendar

from enrollment.models import EnrollmentEvent, EnrollmentStatus, Session
from tests import factories

TALLINN = ZoneInfo("Europe/Tallinn")
UTC = dt.UTC
HOSTILE = "Kursus, osa 1; \nBEGIN:VEVENT"


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


def attached_calendars(message) -> list[tuple[str, Calendar]]:
    """(mimetype, parsed calendar) of every attachment of an e-mail."""
    result = []
    for _name, content, mimetype in message.attachments:
        data = content.encode() if isinstance(content, str) else content
        result.append((mimetype, parse(data)))
    return result
