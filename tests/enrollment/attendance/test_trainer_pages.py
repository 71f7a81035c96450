"""The trainer's dashboard (recent sessions still open for marking, what is left before closing a cohort) and
the roster's sign-up answers, over HTTP (issue 15: Trainers, Coordinators)."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from enrollment.attendance.services import Mark, attendance_mark
from tests import factories
from tests.enrollment.attendance.conftest import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("trainer_dashboard"))
    assert response.status_code == 200
    return response


# --- recent sessions ---------------------------------------------------------------------------------

def test_dashboard_lists_recent_sessions_within_the_lock_window_unmarked_first(client, trainer, cohort,
                                                                                participants, settings):
    settings.ATTENDANCE_LOCK_DAYS = 7
    marked = make_session(cohort, days_ago=2, title="Marked day")
    attendance_mark(session=marked, actor=trainer,
                    marks=[Mark(enrollment_id=p.pk, status="present") for p in participants])
    forgotten = make_session(cohort, days_ago=4, title="Forgotten Friday")
    half = make_session(cohort, days_ago=1.5, title="Half marked")
    attendance_mark(session=half, actor=trainer, marks=[Mark(enrollment_id=participants[0].pk, status="present")])
    make_session(cohort, days_ago=9, title="Locked long ago")  # beyond the lock window: not listed
    response = _dashboard(client, trainer)
    recent = response.context["recent_sessions"]
    assert [s.title for s in recent] == ["Half marked", "Forgotten Friday", "Marked day"]
    assert [s.unmarked_count for s in recent] == [2, 3, 0]
    html = response.content.decode()
    assert "Forgotten Friday" in html and "Locked long ago" not in html
    assert reverse("attendance_roster", args=[forgotten.pk]) in html
    assert html.count("3 not marked") == 1 and html.count("2 not marked") == 1
    assert "All marked" in html


def test_dashboard_recent_sessions_are_only_my_cohorts(client, trainer, cohort, course):
    mine = make_session(cohort, days_ago=3, title="Mine")
    foreign = factories.CohortFactory(course=course, status="running")
    make_session(foreign, days_ago=3, title="Someone else's")
    factories.EnrollmentFactory(cohort=foreign)
    response = _dashboard(client, trainer)
    assert response.context["recent_sessions"] == [mine]
    assert "Someone else" not in response.content.decode()


def _dashboard_queries(client, trainer, course, rows, django_assert_max_num_queries):
    for index in range(rows):
        cohort = factories.CohortFactory(course=course, trainers=[trainer], status="running")
        people = [factories.EnrollmentFactory(cohort=cohort) for _ in range(2)]
        past = make_session(cohort, days_ago=2 + index % 5)
        attendance_mark(session=past, actor=trainer, marks=[Mark(enrollment_id=people[0].pk, status="present")])
        make_session(cohort, days_ago=-2)
    client.force_login(trainer)
    client.get(reverse("trainer_dashboard"))  # warm the per-process caches (the header's site lookup)
    with django_assert_max_num_queries(12) as captured:
        response = client.get(reverse("trainer_dashboard"))
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_dashboard_query_count_does_not_grow_with_rows(client, trainer, course, django_assert_max_num_queries):
    few, _ = _dashboard_queries(client, trainer, course, 2, django_assert_max_num_queries)
    many, response = _dashboard_queries(client, trainer, course, 12, django_assert_max_num_queries)
    assert len(response.context["recent_sessions"]) == 14 and len(response.context["cohorts"]) == 14
    assert few == many


# --- closing a cohort: what is left, and the link ----------------------------------------------------

def test_trainer_card_says_what_is_left_and_links_closing_for_coordinators(client, trainer, cohort, participants):
    past = make_session(cohort, days_ago=3)
    response = _dashboard(client, trainer)
    html = response.content.decode()
    close_url = reverse("attendance_cohort_close", args=[cohort.pk])
    assert "1 past session not marked yet" in html
    assert close_url not in html  # closing is a coordinator's action: a plain trainer gets no dead link

    attendance_mark(session=past, actor=trainer,
                    marks=[Mark(enrollment_id=p.pk, status="present") for p in participants])
    html = _dashboard(client, trainer).content.decode()
    assert "Ready to close" in html and "not marked yet" not in html

    trainer.groups.add(Group.objects.get(name="Coordinators"))
    trainer = type(trainer).objects.get(pk=trainer.pk)
    html = _dashboard(client, trainer).content.decode()
    assert close_url in html and "Close the cohort and issue certificates" in html


def test_cohort_with_sessions_to_come_is_not_ready_to_close(client, trainer, cohort, participants):
    make_session(cohort, days_ago=-3)
    html = _dashboard(client, trainer).content.decode()
    assert "Ready to close" not in html
    assert "Sessions still to come: 1" in html


# --- sign-up answers on the roster -------------------------------------------------------------------

ANSWERS = {"dietary_needs": "gluteenivaba", "accessibility_needs": "kaldtee", "supervisor_name": "Ülle Ülemus",
           "supervisor_email": "ylle@example.ee"}


def test_roster_shows_the_cohort_participants_answers_to_its_trainer(client, trainer, session, participants):
    participants[0].answers = ANSWERS
    participants[0].save()
    client.force_login(trainer)
    html = client.get(reverse("attendance_roster", args=[session.pk])).content.decode()
    for value in ANSWERS.values():
        assert value in html
    assert "Dietary needs" in html and "Accessibility needs" in html


def test_roster_hides_a_make_up_guests_answers_from_another_cohort(client, trainer, session, course):
    guest_cohort = factories.CohortFactory(course=course, status="running")
    guest = factories.EnrollmentFactory(cohort=guest_cohort, answers={"dietary_needs": "laktoosivaba"},
                                        user=factories.UserFactory(full_name="Külaline Kask"))
    client.force_login(trainer)
    client.post(reverse("attendance_roster", args=[session.pk]), {"action": "add_makeup", "email": guest.user.email})
    html = client.get(reverse("attendance_roster", args=[session.pk])).content.decode()
    assert "Külaline Kask" in html and "laktoosivaba" not in html


def test_other_trainers_and_specialists_never_see_the_answers(client, session, participants, course):
    participants[0].answers = ANSWERS
    participants[0].save()
    other_trainer = factories.UserFactory(groups=["Trainers"])
    factories.CohortFactory(course=course, trainers=[other_trainer])
    for user in (other_trainer, participants[1].user):
        client.force_login(user)
        for url in (reverse("attendance_roster", args=[session.pk]), reverse("trainer_dashboard")):
            response = client.get(url)
            assert "gluteenivaba" not in response.content.decode()


def test_dashboard_splits_today_and_recent_at_local_midnight(trainer, cohort):
    """Just after midnight: a session still running since yesterday is today's; one that ended before
    midnight is recent (still open for marking)."""
    import datetime as dt

    from django.utils import timezone

    from enrollment.attendance import selectors

    now = timezone.make_aware(dt.datetime(2026, 11, 28, 0, 30))
    running = factories.SessionFactory(cohort=cohort, starts_at=now - dt.timedelta(hours=1, minutes=30),
                                       ends_at=now + dt.timedelta(minutes=30))
    ended = factories.SessionFactory(cohort=cohort, starts_at=now - dt.timedelta(hours=4),
                                     ends_at=now - dt.timedelta(hours=1))
    board = selectors.trainer_dashboard(user=trainer, now=now)
    assert board["today_sessions"] == [running]
    assert board["recent_sessions"] == [ended]
