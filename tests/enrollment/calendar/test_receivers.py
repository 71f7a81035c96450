"""SEQUENCE rises on every change of time, place or status (signal receivers and the bulk service)."""

import datetime as dt

import pytest
from django.urls import reverse

from enrollment.calendar.services import sessions_sequence_bump
from enrollment.models import CohortStatus, Session, SessionStatus
from tests import factories
from tests.enrollment.calendar.helpers import (
    make_session,
    parse,
)

pytestmark = pytest.mark.django_db


# --- SEQUENCE ---------------------------------------------------------------------------------------

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
