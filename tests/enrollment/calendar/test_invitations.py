"""iTIP invitations attached to enrollment e-mails."""

import datetime as dt

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from enrollment.calendar.ics import session_uid
from enrollment.calendar.invitations import attach_invitations
from enrollment.emails import ATTACHMENT_BUILDERS, build_message
from enrollment.models import EnrollmentEvent, EnrollmentStatus, Session, SessionStatus
from enrollment.services import cohort_cancel, enrollment_move
from tests import factories
from tests.enrollment.calendar.helpers import (
    attached_calendars,
    confirmed,
    make_session,
)

pytestmark = pytest.mark.django_db


# --- invitations in e-mails ----------------------------------------------------------------------
def test_invitation_builder_is_registered_for_enrollment_emails():
    assert attach_invitations in ATTACHMENT_BUILDERS


def test_confirmation_carries_one_request_per_session_with_organizer_and_attendee(site_tree, specialist):
    cohort = factories.CohortFactory()
    sessions = [make_session(cohort, starts_at=timezone.now() + dt.timedelta(days=d)) for d in (10, 11)]
    make_session(cohort, starts_at=timezone.now() - dt.timedelta(days=3))  # already over: not sent
    enrollment = confirmed(specialist, cohort)
    message = EmailMultiAlternatives(to=[specialist.email])
    attach_invitations("confirmation", enrollment, message)

    attached = attached_calendars(message)
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
    [(_t, request)] = attached_calendars(invite)

    EnrollmentEvent.objects.create(enrollment=enrollment, from_status=EnrollmentStatus.CONFIRMED,
                                   to_status=EnrollmentStatus.CANCELLED)
    enrollment.status = EnrollmentStatus.CANCELLED
    enrollment.save()
    cancel_message = EmailMultiAlternatives(to=[specialist.email])
    attach_invitations("cancellation", enrollment, cancel_message)
    [(mimetype, cancel)] = attached_calendars(cancel_message)

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
    [(_t, request_again)] = attached_calendars(reinvite)
    assert int(request_again.walk("VEVENT")[0]["SEQUENCE"]) > int(cancel_event["SEQUENCE"])


def test_changed_session_sends_a_higher_sequence_and_a_cancelled_session_a_cancel(site_tree, specialist):
    cohort = factories.CohortFactory()
    moved = make_session(cohort)
    dropped = make_session(cohort, starts_at=timezone.now() + dt.timedelta(days=40))
    enrollment = confirmed(specialist, cohort)
    before = EmailMultiAlternatives()
    attach_invitations("confirmation", enrollment, before)
    seq_before = {str(c.walk("VEVENT")[0]["UID"]): int(c.walk("VEVENT")[0]["SEQUENCE"])
                  for _t, c in attached_calendars(before)}

    moved.starts_at += dt.timedelta(days=1)
    moved.ends_at += dt.timedelta(days=1)
    moved.save()
    dropped.status = SessionStatus.CANCELLED
    dropped.save()
    enrollment.cohort.refresh_from_db()
    after = EmailMultiAlternatives()
    attach_invitations("changed", enrollment, after)
    by_uid = {str(c.walk("VEVENT")[0]["UID"]): (t, c) for t, c in attached_calendars(after)}

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


# --- through the real e-mails and services -------------------------------------------------------

def test_confirmation_email_built_by_the_enrollment_module_carries_the_invitation(site_tree, specialist):
    session = make_session()
    enrollment = confirmed(specialist, session.cohort)
    message = build_message("confirmation", enrollment)
    [(mimetype, calendar)] = attached_calendars(message)
    assert mimetype == "text/calendar; method=REQUEST"
    assert str(calendar.walk("VEVENT")[0]["UID"]) == session_uid(session)


def test_cancelling_a_cohort_mails_cancel_invitations_with_higher_sequence(
        site_tree, specialist, coordinator, mailoutbox, django_capture_on_commit_callbacks):
    session = make_session()
    enrollment = confirmed(specialist, session.cohort)
    invite = EmailMultiAlternatives()
    attach_invitations("confirmation", enrollment, invite)
    [(_t, request)] = attached_calendars(invite)

    with django_capture_on_commit_callbacks(execute=True):
        cohort_cancel(cohort=session.cohort, actor=coordinator, reason="Koolitaja haigestus")

    assert Session.objects.get(pk=session.pk).sequence == 1
    [message] = [m for m in mailoutbox if specialist.email in m.to]
    [(mimetype, cancel)] = attached_calendars(message)
    assert mimetype == "text/calendar; method=CANCEL"
    event = cancel.walk("VEVENT")[0]
    assert str(event["UID"]) == session_uid(session)
    assert int(event["SEQUENCE"]) > int(request.walk("VEVENT")[0]["SEQUENCE"])
    assert str(event["STATUS"]) == "CANCELLED"


# --- moves (Enrollment.moved_from) ---------------------------------------------------------------

def _methods_by_uid(message) -> dict[str, str]:
    result = {}
    for _mimetype, calendar in attached_calendars(message):
        [event] = calendar.walk("VEVENT")
        result[str(event["UID"])] = str(calendar["METHOD"])
    return result


def test_a_move_cancels_the_old_cohorts_sessions_and_invites_to_the_new_ones(
        site_tree, specialist, coordinator, mailoutbox, django_capture_on_commit_callbacks):
    old_sessions = [make_session(factories.CohortFactory())]
    old_sessions.append(make_session(old_sessions[0].cohort, starts_at=timezone.now() + dt.timedelta(days=30)))
    new_session = make_session(factories.CohortFactory())
    enrollment = confirmed(specialist, old_sessions[0].cohort)

    with django_capture_on_commit_callbacks(execute=True):
        moved = enrollment_move(enrollment=enrollment, to_cohort=new_session.cohort, actor=coordinator)

    assert moved.moved_from_id == enrollment.pk
    [message] = [m for m in mailoutbox if specialist.email in m.to]
    assert _methods_by_uid(message) == {
        session_uid(new_session): "REQUEST",
        session_uid(old_sessions[0]): "CANCEL",
        session_uid(old_sessions[1]): "CANCEL",
    }


def test_a_cancellation_next_to_an_unrelated_new_enrollment_is_not_taken_for_a_move(site_tree, specialist):
    left = make_session()
    given_up = confirmed(specialist, left.cohort)
    given_up.status = EnrollmentStatus.CANCELLED
    given_up.save()  # cancelled now, seconds before the new enrollment below: no move between them
    joined = make_session()
    new = confirmed(specialist, joined.cohort)
    assert new.moved_from is None

    message = EmailMultiAlternatives(to=[specialist.email])
    attach_invitations("changed", new, message)
    assert _methods_by_uid(message) == {session_uid(joined): "REQUEST"}
