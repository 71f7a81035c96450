"""Coordinator tools from issue 15: the cohort overview says what is left before closing and links the close
page, the listing has a dates column and its row actions in Wagtail's "more" menu, per-person waitlist
actions (offer now, move, cancel), and who sees the sign-up answers."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enrollment import services
from enrollment.attendance.services import Mark, attendance_mark
from enrollment.exceptions import EnrollmentError
from enrollment.models import CohortStatus, Enrollment, EnrollmentEvent, EnrollmentStatus
from tests import factories

S = EnrollmentStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, coordinator):
    from wagtail.users.models import UserProfile

    UserProfile.objects.update_or_create(user=coordinator, defaults={"preferred_language": "en"})
    client.force_login(coordinator)
    return client


def _overview(client, cohort):
    response = client.get(reverse("enrollment_cohorts:overview", args=[cohort.pk]))
    assert response.status_code == 200
    return response


def _past_session(cohort, days_ago):
    starts = timezone.now() - dt.timedelta(days=days_ago)
    return factories.SessionFactory(cohort=cohort, starts_at=starts, ends_at=starts + dt.timedelta(hours=4))


# --- 2. closing: what is left, and the link --------------------------------------------------------

def test_overview_lists_unmarked_sessions_then_says_ready_to_close_and_links_the_close_page(admin_client,
                                                                                           coordinator):
    cohort = factories.CohortFactory(status=CohortStatus.RUNNING)
    people = factories.EnrollmentFactory.create_batch(2, cohort=cohort)
    first = _past_session(cohort, 5)
    second = _past_session(cohort, 2)
    attendance_mark(session=first, actor=coordinator, marks=[Mark(enrollment_id=p.pk, status="present")
                                                            for p in people])
    close_url = reverse("attendance_cohort_close", args=[cohort.pk])
    response = _overview(admin_client, cohort)
    html = response.content.decode()
    assert close_url in html
    assert "1 past session not marked yet" in html
    assert reverse("attendance_roster", args=[second.pk]) in html
    assert "Ready to close" not in html

    attendance_mark(session=second, actor=coordinator, marks=[Mark(enrollment_id=p.pk, status="absent")
                                                             for p in people])
    html = _overview(admin_client, cohort).content.decode()
    assert "Ready to close" in html and "not marked yet" not in html


def test_overview_of_a_cohort_with_sessions_to_come_is_not_ready(admin_client):
    cohort = factories.CohortFactory(status=CohortStatus.OPEN)
    factories.SessionFactory(cohort=cohort)
    html = _overview(admin_client, cohort).content.decode()
    assert "Ready to close" not in html and "Sessions still to come: 1" in html


def test_overview_of_a_finished_cohort_says_it_is_closed(admin_client):
    cohort = factories.CohortFactory(status=CohortStatus.FINISHED)
    _past_session(cohort, 20)
    html = _overview(admin_client, cohort).content.decode()
    assert "This cohort is closed." in html and "Ready to close" not in html


# --- 3. the listing: dates column, actions in the more menu -----------------------------------------

def test_cohort_listing_has_a_dates_column_and_the_row_actions_in_the_more_menu(admin_client):
    cohort = factories.CohortFactory(code="gbg-2027-voru")
    start = timezone.make_aware(dt.datetime(2027, 3, 2, 10, 0))
    factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=6))
    factories.SessionFactory(cohort=cohort, starts_at=start + dt.timedelta(days=14),
                             ends_at=start + dt.timedelta(days=14, hours=6))
    factories.SessionFactory(cohort=cohort, status="cancelled", starts_at=start + dt.timedelta(days=30),
                             ends_at=start + dt.timedelta(days=30, hours=6))
    factories.CohortFactory(code="no-sessions-yet")
    response = admin_client.get(reverse("enrollment_cohorts:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dates" in html
    assert "02.03.2027–16.03.2027" in html
    overview = reverse("enrollment_cohorts:overview", args=[cohort.pk])
    # Inside the row's dropdown ("more" menu), not as buttons squeezed beside the code.
    assert overview in html
    row = html[html.index("gbg-2027-voru"):]
    row = row[:row.index("</tr>")]
    dropdown = row[row.index("w-dropdown"):]
    assert overview in dropdown and reverse("enrollment_cohorts:import", args=[cohort.pk]) in dropdown


def test_cohort_listing_sorts_by_first_session(admin_client):
    late = factories.CohortFactory(code="late-one")
    early = factories.CohortFactory(code="early-one")
    factories.SessionFactory(cohort=late, starts_at=timezone.now() + dt.timedelta(days=60),
                             ends_at=timezone.now() + dt.timedelta(days=60, hours=3))
    factories.SessionFactory(cohort=early, starts_at=timezone.now() + dt.timedelta(days=6),
                             ends_at=timezone.now() + dt.timedelta(days=6, hours=3))
    html = admin_client.get(reverse("enrollment_cohorts:index"), {"ordering": "first_start"}).content.decode()
    assert html.index("early-one") < html.index("late-one")


# --- 4. waitlist actions -----------------------------------------------------------------------------

@pytest.fixture
def full_cohort():
    """Two places, both taken; two people waiting (Esimene first)."""
    cohort = factories.CohortFactory(capacity=2, status=CohortStatus.OPEN)
    factories.SessionFactory(cohort=cohort)
    holders = factories.EnrollmentFactory.create_batch(2, cohort=cohort, status=S.CONFIRMED)
    now = timezone.now()
    first = factories.EnrollmentFactory(cohort=cohort, status=S.WAITLISTED, waitlist_joined_at=now,
                                        user=factories.UserFactory(full_name="Esimene Ootaja"))
    second = factories.EnrollmentFactory(cohort=cohort, status=S.WAITLISTED,
                                         waitlist_joined_at=now + dt.timedelta(minutes=5),
                                         user=factories.UserFactory(full_name="Teine Ootaja"))
    return cohort, holders, first, second


def _action_url(enrollment, action):
    return reverse("enrollment_cohorts:waitlist_action", args=[enrollment.cohort_id, enrollment.pk, action])


def test_waitlist_offer_person_refuses_while_no_place_is_unheld(full_cohort, coordinator):
    cohort, holders, first, second = full_cohort
    with pytest.raises(EnrollmentError) as refusal:
        services.waitlist_offer_person(enrollment=second, actor=coordinator)
    assert "Pakkuda pole ühtegi vaba kohta" in str(refusal.value)
    second.refresh_from_db()
    assert second.status == S.WAITLISTED


def test_waitlist_offer_person_offers_to_that_person_out_of_order(full_cohort, coordinator,
                                                                  django_capture_on_commit_callbacks):
    cohort, holders, first, second = full_cohort
    cohort.capacity = 3
    cohort.save()
    with django_capture_on_commit_callbacks(execute=True):
        offered = services.waitlist_offer_person(enrollment=second, actor=coordinator)
    assert offered.status == S.OFFERED and offered.offer_expires_at is not None
    first.refresh_from_db()
    assert first.status == S.WAITLISTED
    event = second.events.order_by("-id").first()
    assert event.to_status == S.OFFERED and event.actor == coordinator


def test_waitlist_offer_person_refuses_someone_not_waiting(full_cohort, coordinator):
    cohort, holders, first, second = full_cohort
    with pytest.raises(EnrollmentError):
        services.waitlist_offer_person(enrollment=holders[0], actor=coordinator)


def test_overview_waitlist_has_per_person_post_forms(admin_client, full_cohort):
    cohort, holders, first, second = full_cohort
    other = factories.CohortFactory(course=cohort.course, code="same-course-later", status=CohortStatus.OPEN)
    html = _overview(admin_client, cohort).content.decode()
    for action in ("offer", "move", "cancel"):
        assert _action_url(first, action) in html and _action_url(second, action) in html
    assert html.count('name="csrfmiddlewaretoken"') >= 6
    assert f'<option value="{other.pk}">' in html


def test_coordinator_offers_now_when_a_place_is_unheld(admin_client, full_cohort):
    cohort, holders, first, second = full_cohort
    Enrollment.objects.filter(pk=holders[0].pk).update(status=S.CANCELLED)  # freed outside the services
    response = admin_client.post(_action_url(second, "offer"), follow=True)
    assert response.status_code == 200
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.status == S.OFFERED and first.status == S.WAITLISTED
    assert "A place was offered to Teine Ootaja." in response.content.decode()


def test_offer_now_without_a_free_place_is_refused_with_the_reason(admin_client, full_cohort):
    cohort, holders, first, second = full_cohort
    response = admin_client.post(_action_url(second, "offer"), follow=True)
    assert "No place is free" in response.content.decode()  # the admin speaks the user's admin language
    second.refresh_from_db()
    assert second.status == S.WAITLISTED


def test_coordinator_moves_a_waiting_person_to_another_cohort(admin_client, full_cohort):
    cohort, holders, first, second = full_cohort
    target = factories.CohortFactory(course=cohort.course, capacity=5, status=CohortStatus.OPEN)
    response = admin_client.post(_action_url(first, "move"), {"to_cohort": target.pk}, follow=True)
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.status == S.CANCELLED
    moved = Enrollment.objects.get(moved_from=first)
    assert moved.cohort == target and moved.status == S.CONFIRMED


def test_move_without_a_target_changes_nothing(admin_client, full_cohort):
    cohort, holders, first, second = full_cohort
    admin_client.post(_action_url(first, "move"), {"to_cohort": ""}, follow=True)
    first.refresh_from_db()
    assert first.status == S.WAITLISTED and not Enrollment.objects.filter(moved_from=first).exists()


def test_coordinator_removes_a_person_from_the_waitlist(admin_client, full_cohort):
    cohort, holders, first, second = full_cohort
    response = admin_client.post(_action_url(first, "cancel"), follow=True)
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.status == S.CANCELLED
    assert "Esimene Ootaja was removed from the waitlist." in response.content.decode()


def test_waitlist_actions_are_post_only(admin_client, full_cohort):
    cohort, holders, first, second = full_cohort
    assert admin_client.get(_action_url(first, "cancel")).status_code == 405
    first.refresh_from_db()
    assert first.status == S.WAITLISTED


def test_waitlist_actions_need_the_csrf_token(coordinator, full_cohort):
    cohort, holders, first, second = full_cohort
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(coordinator)
    assert strict.post(_action_url(first, "cancel")).status_code == 403
    first.refresh_from_db()
    assert first.status == S.WAITLISTED


def test_waitlist_action_for_a_person_of_another_cohort_is_404(admin_client, full_cohort):
    cohort, holders, first, second = full_cohort
    stranger = factories.EnrollmentFactory(status=S.WAITLISTED, waitlist_joined_at=timezone.now())
    url = reverse("enrollment_cohorts:waitlist_action", args=[cohort.pk, stranger.pk, "cancel"])
    assert admin_client.post(url).status_code == 404
    assert admin_client.post(_action_url(first, "explode")).status_code == 404
    stranger.refresh_from_db()
    assert stranger.status == S.WAITLISTED


@pytest.mark.parametrize("role", ["specialist", "trainer", "admin_user"])
@pytest.mark.parametrize("action", ["offer", "move", "cancel"])
def test_waitlist_actions_are_refused_to_everyone_but_coordinators(client, full_cohort, role, action, request):
    from django.contrib.auth.models import Permission

    cohort, holders, first, second = full_cohort
    Enrollment.objects.filter(pk=holders[0].pk).update(status=S.CANCELLED)  # an offer would be possible
    target = factories.CohortFactory(course=cohort.course, capacity=5, status=CohortStatus.OPEN)
    if role == "admin_user":  # may open the Wagtail admin, but is no coordinator
        user = factories.UserFactory(groups=["Trainers"])
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    else:
        user = request.getfixturevalue(role)
    client.force_login(user)
    events = EnrollmentEvent.objects.count()
    response = client.post(_action_url(first, action), {"to_cohort": target.pk})
    # Without admin access Wagtail sends people to its log-in; an admin user who is not a coordinator gets
    # the PermissionDenied of CoordinatorRequiredMixin (Wagtail shows it as a redirect to its dashboard).
    assert response.status_code in (302, 403)
    assert reverse("wagtailadmin_login") in response["Location"] or response["Location"] == reverse(
        "wagtailadmin_home")
    first.refresh_from_db()
    assert first.status == S.WAITLISTED and EnrollmentEvent.objects.count() == events
    assert not Enrollment.objects.filter(cohort=target).exists()


def test_trainer_gets_403_from_the_waitlist_view_itself(rf, trainer, full_cohort):
    """Below the admin's own gate: the view refuses a non-coordinator with 403."""
    from django.core.exceptions import PermissionDenied

    from enrollment.admin.overview import WaitlistActionView

    cohort, holders, first, second = full_cohort
    request = rf.post(_action_url(first, "cancel"))
    request.user = trainer
    with pytest.raises(PermissionDenied):
        WaitlistActionView.as_view()(request, pk=cohort.pk, enrollment_id=first.pk, action="cancel")
    first.refresh_from_db()
    assert first.status == S.WAITLISTED


# --- 5. sign-up answers ------------------------------------------------------------------------------

ANSWERS = {"dietary_needs": "gluteenivaba", "accessibility_needs": "kaldtee", "supervisor_name": "Ülle Ülemus",
           "supervisor_email": "ylle@example.ee"}


def test_overview_shows_the_participants_answers_to_the_coordinator(admin_client):
    cohort = factories.CohortFactory()
    factories.EnrollmentFactory(cohort=cohort, answers=ANSWERS, user=factories.UserFactory(full_name="Mari Mägi"))
    factories.EnrollmentFactory(cohort=cohort, status=S.CANCELLED, answers={"dietary_needs": "vegan-tühistatud"})
    html = _overview(admin_client, cohort).content.decode()
    for value in ANSWERS.values():
        assert value in html
    assert "Dietary needs" in html and "Supervisor" in html
    assert "vegan-tühistatud" not in html  # no longer in the cohort: not needed to run it


def test_enrollment_inspect_view_shows_the_answers(admin_client):
    enrollment = factories.EnrollmentFactory(answers=ANSWERS)
    response = admin_client.get(reverse("enrollment_enrollments:inspect", args=[enrollment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "gluteenivaba" in html and "Ülle Ülemus" in html and "Accessibility needs" in html


@pytest.mark.parametrize("role", ["specialist", "trainer"])
def test_answers_are_not_shown_to_specialists_or_trainers_in_the_admin(client, request, role):
    enrollment = factories.EnrollmentFactory(answers=ANSWERS)
    client.force_login(request.getfixturevalue(role))
    for url in (reverse("enrollment_cohorts:overview", args=[enrollment.cohort_id]),
                reverse("enrollment_enrollments:inspect", args=[enrollment.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "gluteenivaba" not in response.content.decode()


def _csv_rows(response):
    import csv
    import io

    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))


def test_cohort_export_with_answers_is_offered_on_the_overview_and_adds_the_answer_columns(admin_client):
    cohort = factories.CohortFactory(code="gbg-2027-voru")
    factories.EnrollmentFactory(cohort=cohort, answers=ANSWERS, user=factories.UserFactory(email="mari@voru.ee"))
    factories.EnrollmentFactory(answers={"dietary_needs": "teise-rühma-vastus"})
    html = _overview(admin_client, cohort).content.decode()
    assert f"cohort={cohort.pk}&amp;export=csv&amp;answers=1" in html
    response = admin_client.get(reverse("enrollment_enrollments:index"),
                                {"cohort": cohort.pk, "export": "csv", "answers": "1"})
    rows = _csv_rows(response)
    assert rows[0][-4:] == ["Dietary needs", "Accessibility needs", "Supervisor", "Supervisor's e-mail"]
    assert rows[1][1] == "mari@voru.ee" and rows[1][-4:] == list(ANSWERS.values())
    assert len(rows) == 2 and "teise-rühma-vastus" not in str(rows)


def test_answers_are_never_exported_without_a_single_cohort(admin_client):
    """The answers go out only as one cohort's participant list, never in an export across cohorts."""
    factories.EnrollmentFactory(answers=ANSWERS)
    response = admin_client.get(reverse("enrollment_enrollments:index"), {"export": "csv", "answers": "1"})
    rows = _csv_rows(response)
    assert "Dietary needs" not in rows[0] and "gluteenivaba" not in str(rows)
