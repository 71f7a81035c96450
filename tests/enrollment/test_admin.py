"""Coordinator tools in the Wagtail admin: cohorts with inline sessions, the enrollments listing, bulk
approve / reject, the per-cohort page, and who may reach them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enrollment.models import Cohort, CohortStatus, Enrollment, EnrollmentEvent, EnrollmentPolicy, EnrollmentStatus
from tests import factories

S = EnrollmentStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, coordinator):
    """A coordinator in the Wagtail admin, which they use in English (the messages asserted are English)."""
    from wagtail.users.models import UserProfile

    UserProfile.objects.update_or_create(user=coordinator, defaults={"preferred_language": "en"})
    client.force_login(coordinator)
    return client


def _listing(client, **params):
    return client.get(reverse("enrollment_enrollments:index"), params)


def _cohort_form(cohort=None, *, course=None, sessions=(), **overrides):
    """POST data for the cohort edit form with inline sessions (Wagtail's formset prefix "sessions")."""
    data = {
        "course": (course or cohort.course).pk,
        "code": cohort.code if cohort else "new-cohort",
        "title": "",
        "status": CohortStatus.OPEN,
        "capacity": "12",
        "policy": EnrollmentPolicy.OPEN,
        "registration_opens": "",
        "registration_closes": "",
        "cancellation_cutoff_hours": "48",
        "offer_hours": "48",
        "sessions-TOTAL_FORMS": str(len(sessions)),
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
    }
    for index, (starts, ends) in enumerate(sessions):
        data.update({
            f"sessions-{index}-title": f"Päev {index + 1}",
            f"sessions-{index}-starts_at": starts,
            f"sessions-{index}-ends_at": ends,
            f"sessions-{index}-venue": "",
            f"sessions-{index}-online_url": "",
            f"sessions-{index}-academic_hours_override": "",
            f"sessions-{index}-status": "scheduled",
            f"sessions-{index}-id": "",
            f"sessions-{index}-ORDER": str(index),
            f"sessions-{index}-DELETE": "",
        })
    data.update(overrides)
    return data


# --- who may reach the tools -----------------------------------------------------------------------

ADMIN_URLS = [
    ("enrollment_cohorts:index", False),
    ("enrollment_cohorts:add", False),
    ("enrollment_cohorts:overview", True),
    ("enrollment_cohorts:import", True),
    ("enrollment_enrollments:index", False),
]


@pytest.mark.parametrize("url_name,needs_cohort", ADMIN_URLS)
@pytest.mark.parametrize("role", ["specialist", "trainer"])
def test_specialists_and_trainers_cannot_reach_the_coordinator_tools(client, request, role, url_name, needs_cohort):
    cohort = factories.CohortFactory()
    client.force_login(request.getfixturevalue(role))
    url = reverse(url_name, args=[cohort.pk] if needs_cohort else [])
    response = client.get(url)
    # No admin access at all: the Wagtail admin sends them to its log-in page.
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


def test_anonymous_visitors_are_sent_to_log_in(client):
    cohort = factories.CohortFactory()
    response = client.get(reverse("enrollment_cohorts:overview", args=[cohort.pk]))
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


def test_an_admin_user_who_is_not_a_coordinator_is_refused_and_changes_nothing(client):
    from django.contrib.auth.models import Permission

    editor = factories.UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    pending = factories.EnrollmentFactory(status=S.PENDING)
    cohort = pending.cohort

    def refused(response):
        # The Wagtail admin turns PermissionDenied into a redirect to its dashboard with an error message.
        return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")

    assert refused(client.get(reverse("enrollment_cohorts:overview", args=[cohort.pk])))
    assert refused(client.get(reverse("enrollment_cohorts:import", args=[cohort.pk])))
    assert refused(client.get(reverse("enrollment_enrollments:index")))
    assert refused(client.get(reverse("enrollment_cohorts:edit", args=[cohort.pk])))
    bulk = reverse("wagtail_bulk_action", args=["enrollment", "enrollment", "approve"]) + f"?id={pending.pk}"
    assert refused(client.post(bulk, {"reason": ""}))
    pending.refresh_from_db()
    assert pending.status == S.PENDING
    assert not EnrollmentEvent.objects.filter(enrollment=pending).exists()


def test_the_enrollment_menu_is_shown_to_coordinators(admin_client):
    response = admin_client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert reverse("enrollment_cohorts:index") in content
    assert reverse("enrollment_enrollments:index") in content


def test_enrollments_cannot_be_added_edited_or_deleted_directly_in_the_admin(admin_client):
    from django.urls import NoReverseMatch

    for name in ("add", "edit", "delete", "copy"):
        with pytest.raises(NoReverseMatch):
            reverse(f"enrollment_enrollments:{name}", args=[] if name == "add" else [1])


# --- cohorts and sessions --------------------------------------------------------------------------

def test_coordinator_creates_a_cohort_with_sessions_inline(admin_client):
    course = factories.CoursePageFactory()
    trainer = factories.UserFactory(groups=["Trainers"])
    data = _cohort_form(course=course, sessions=[("2027-03-01 10:00", "2027-03-01 16:00"),
                                                 ("2027-03-02 10:00", "2027-03-02 13:00")],
                        trainers=[trainer.pk], eligible_professions=["police", "teacher"])
    response = admin_client.post(reverse("enrollment_cohorts:add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    cohort = Cohort.objects.get(code="new-cohort")
    assert cohort.capacity == 12
    assert list(cohort.trainers.all()) == [trainer]
    assert cohort.eligible_professions == ["police", "teacher"]
    sessions = list(cohort.sessions.order_by("starts_at"))
    assert [s.title for s in sessions] == ["Päev 1", "Päev 2"]
    assert timezone.localtime(sessions[0].starts_at).hour == 10  # entered in Europe/Tallinn


@pytest.mark.parametrize("overrides,sessions,field,message", [
    ({"capacity": "-1"}, [], "capacity", "The capacity cannot be negative."),
    ({"registration_opens": "2027-02-10 10:00", "registration_closes": "2027-02-01 10:00"}, [],
     "registration_closes", "Registration must close after it opens."),
    ({}, [("2027-03-01 16:00", "2027-03-01 10:00")], "ends_at", "A session must end after it starts."),
])
def test_bad_cohort_input_is_refused_with_a_clear_message_and_nothing_saved(admin_client, overrides, sessions,
                                                                              field, message):
    course = factories.CoursePageFactory()
    response = admin_client.post(reverse("enrollment_cohorts:add"), _cohort_form(course=course, sessions=sessions,
                                                                                 **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Cohort.objects.filter(code="new-cohort").exists()


def test_capacity_cannot_drop_below_the_places_already_taken(admin_client):
    cohort = factories.CohortFactory(capacity=3)
    factories.EnrollmentFactory.create_batch(2, cohort=cohort, status=S.CONFIRMED)
    response = admin_client.post(reverse("enrollment_cohorts:edit", args=[cohort.pk]),
                                 _cohort_form(cohort, capacity="1"))
    assert response.status_code == 200
    assert "2 people already hold a place" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.capacity == 3


def test_raising_the_capacity_offers_the_new_places_to_the_waitlist_in_order(admin_client, coordinator):
    cohort = factories.CohortFactory(capacity=1)
    factories.EnrollmentFactory(cohort=cohort, status=S.CONFIRMED)
    now = timezone.now()
    first = factories.EnrollmentFactory(cohort=cohort, status=S.WAITLISTED, waitlist_joined_at=now)
    second = factories.EnrollmentFactory(cohort=cohort, status=S.WAITLISTED,
                                         waitlist_joined_at=now + dt.timedelta(minutes=1))
    response = admin_client.post(reverse("enrollment_cohorts:edit", args=[cohort.pk]),
                                 _cohort_form(cohort, capacity="2"))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (S.OFFERED, S.WAITLISTED)
    assert first.events.filter(to_status=S.OFFERED, actor=coordinator).exists()


def test_cancelling_a_cohort_in_the_form_cancels_its_enrollments_through_the_service(admin_client, coordinator):
    cohort = factories.CohortFactory()
    enrollment = factories.EnrollmentFactory(cohort=cohort, status=S.CONFIRMED)
    response = admin_client.post(reverse("enrollment_cohorts:edit", args=[cohort.pk]),
                                 _cohort_form(cohort, status=CohortStatus.CANCELLED))
    assert response.status_code == 302
    cohort.refresh_from_db()
    enrollment.refresh_from_db()
    assert cohort.status == CohortStatus.CANCELLED
    assert enrollment.status == S.CANCELLED
    assert enrollment.events.get(to_status=S.CANCELLED).actor == coordinator


def test_a_cohort_with_enrollments_is_not_deleted(admin_client):
    cohort = factories.CohortFactory()
    factories.EnrollmentFactory(cohort=cohort)
    response = admin_client.post(reverse("enrollment_cohorts:delete", args=[cohort.pk]))
    assert response.status_code == 302
    assert Cohort.objects.filter(pk=cohort.pk).exists()


def test_the_cohort_listing_shows_counts(admin_client):
    cohort = factories.CohortFactory(code="gbg-2027-voru", capacity=5)
    factories.EnrollmentFactory.create_batch(2, cohort=cohort, status=S.CONFIRMED)
    factories.EnrollmentFactory(cohort=cohort, status=S.PENDING)
    response = admin_client.get(reverse("enrollment_cohorts:index"))
    assert response.status_code == 200
    assert "gbg-2027-voru" in response.content.decode()
    row = next(obj for obj in response.context["object_list"] if obj.pk == cohort.pk)
    assert (row.seats_taken, row.free_places, row.waiting, row.pending) == (2, 3, 0, 1)
    # The closing date is shown as a date (in Tallinn time), not as "time since".
    assert timezone.localtime(cohort.registration_closes).strftime("%d.%m.%Y %H:%M") in response.content.decode()


# --- enrollments listing ---------------------------------------------------------------------------

def test_listing_filters_by_cohort_status_county_and_profession(admin_client):
    cohort, other = factories.CohortFactory(), factories.CohortFactory()
    voru_police = factories.EnrollmentFactory(
        cohort=cohort, status=S.CONFIRMED,
        user=factories.UserFactory(profile__municipality="Võru vald", profile__profession="police"))
    tartu_teacher = factories.EnrollmentFactory(
        cohort=cohort, status=S.PENDING,
        user=factories.UserFactory(profile__municipality="Tartu linn", profile__profession="teacher"))
    elsewhere = factories.EnrollmentFactory(cohort=other, status=S.CONFIRMED)

    def ids(**params):
        response = _listing(admin_client, **params)
        assert response.status_code == 200
        return {e.pk for e in response.context["object_list"]}

    assert ids(cohort=cohort.pk) == {voru_police.pk, tartu_teacher.pk}
    assert ids(status=S.PENDING) == {tartu_teacher.pk}
    assert ids(county=factories.county("Võru maakond").pk) == {voru_police.pk}
    assert ids(profession="teacher") == {tartu_teacher.pk}
    assert ids(cohort=cohort.pk, status=S.CONFIRMED) == {voru_police.pk}
    assert elsewhere.pk in ids()


def test_listing_searches_name_and_email(admin_client):
    mari = factories.EnrollmentFactory(user=factories.UserFactory(full_name="Mari Maasikas", email="mari@vald.ee"))
    jaan = factories.EnrollmentFactory(user=factories.UserFactory(full_name="Jaan Jõgi", email="jaan@linn.ee"))

    def ids(query):
        return {e.pk for e in _listing(admin_client, q=query).context["object_list"]}

    assert ids("maasikas") == {mari.pk}
    assert ids("linn.ee") == {jaan.pk}


@pytest.mark.parametrize("rows", [5, 50])
def test_listing_runs_a_constant_number_of_queries(admin_client, django_assert_max_num_queries, rows):
    cohort = factories.CohortFactory(capacity=100)
    for index in range(rows):
        factories.EnrollmentFactory(cohort=cohort, status=S.CONFIRMED if index % 2 else S.PENDING)
    with django_assert_max_num_queries(25):
        response = _listing(admin_client, cohort=cohort.pk)
        assert response.status_code == 200
        assert len(response.context["object_list"]) == rows


def test_enrollment_detail_shows_the_history(admin_client, coordinator):
    from enrollment.services import enrollment_approve

    enrollment = factories.EnrollmentFactory(status=S.PENDING)
    enrollment_approve(enrollment=enrollment, actor=coordinator, reason="Sobib hästi")
    response = admin_client.get(reverse("enrollment_enrollments:inspect", args=[enrollment.pk]))
    assert response.status_code == 200
    assert "Sobib hästi" in response.content.decode()


# --- bulk approve / reject -------------------------------------------------------------------------

def _bulk_url(action, *enrollments):
    query = "&".join(f"id={e.pk}" for e in enrollments)
    return reverse("wagtail_bulk_action", args=["enrollment", "enrollment", action]) + "?" + query


def test_bulk_approve_confirms_pending_enrollments_and_writes_history(admin_client, coordinator):
    cohort = factories.CohortFactory(policy=EnrollmentPolicy.APPROVAL, capacity=1)
    first = factories.EnrollmentFactory(cohort=cohort, status=S.PENDING)
    second = factories.EnrollmentFactory(cohort=cohort, status=S.PENDING)
    confirmed = factories.EnrollmentFactory(cohort=factories.CohortFactory(), status=S.CONFIRMED)

    page = admin_client.get(_bulk_url("approve", first, second, confirmed))
    assert page.status_code == 200
    assert "not waiting for approval" in page.content.decode()

    response = admin_client.post(_bulk_url("approve", first, second, confirmed), {"reason": "Sobivad"})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    confirmed.refresh_from_db()
    # One place: the first approved takes it, the second joins the waitlist (the service decides).
    assert sorted([first.status, second.status]) == sorted([S.CONFIRMED, S.WAITLISTED])
    assert confirmed.status == S.CONFIRMED
    for enrollment in (first, second):
        event = enrollment.events.get(from_status=S.PENDING)
        assert (event.actor, event.reason) == (coordinator, "Sobivad")
    assert not confirmed.events.exists()


def test_bulk_reject_rejects_only_pending_enrollments(admin_client, coordinator):
    pending = factories.EnrollmentFactory(status=S.PENDING)
    waitlisted = factories.EnrollmentFactory(status=S.WAITLISTED, waitlist_joined_at=timezone.now())
    response = admin_client.post(_bulk_url("reject", pending, waitlisted), {"reason": ""})
    assert response.status_code == 302
    pending.refresh_from_db()
    waitlisted.refresh_from_db()
    assert pending.status == S.REJECTED
    assert waitlisted.status == S.WAITLISTED
    assert pending.events.get(to_status=S.REJECTED).actor == coordinator


def test_bulk_approve_select_all_respects_the_listing_filters(admin_client):
    cohort, other = factories.CohortFactory(policy=EnrollmentPolicy.APPROVAL), factories.CohortFactory()
    inside = factories.EnrollmentFactory(cohort=cohort, status=S.PENDING)
    outside = factories.EnrollmentFactory(cohort=other, status=S.PENDING)
    url = reverse("wagtail_bulk_action", args=["enrollment", "enrollment", "approve"])
    response = admin_client.post(f"{url}?cohort={cohort.pk}&id=all", {"reason": ""})
    assert response.status_code == 302
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert inside.status == S.CONFIRMED
    assert outside.status == S.PENDING


def test_a_bulk_refusal_by_the_service_is_reported_and_the_others_still_proceed(admin_client):
    cancelled = factories.CohortFactory(status=CohortStatus.CANCELLED)
    refused = factories.EnrollmentFactory(cohort=cancelled, status=S.PENDING)
    fine = factories.EnrollmentFactory(status=S.PENDING)
    response = admin_client.post(_bulk_url("approve", refused, fine), {"reason": ""}, follow=True)
    assert response.status_code == 200
    refused.refresh_from_db()
    fine.refresh_from_db()
    assert refused.status == S.PENDING
    assert fine.status == S.CONFIRMED
    assert "cancelled" in response.content.decode()


def test_bulk_cancel_frees_the_place_for_the_first_on_the_waitlist(admin_client, coordinator):
    cohort = factories.CohortFactory(capacity=1)
    confirmed = factories.EnrollmentFactory(cohort=cohort, status=S.CONFIRMED)
    waiting = factories.EnrollmentFactory(cohort=cohort, status=S.WAITLISTED, waitlist_joined_at=timezone.now())
    already = factories.EnrollmentFactory(cohort=cohort, status=S.CANCELLED)
    response = admin_client.post(_bulk_url("cancel", confirmed, already), {"reason": "Haigus"})
    assert response.status_code == 302
    confirmed.refresh_from_db()
    waiting.refresh_from_db()
    assert confirmed.status == S.CANCELLED
    assert confirmed.events.get(to_status=S.CANCELLED).reason == "Haigus"
    assert waiting.status == S.OFFERED
    assert not already.events.exists()


def test_bulk_move_puts_people_into_the_chosen_cohort(admin_client, coordinator):
    source, target = factories.CohortFactory(), factories.CohortFactory(capacity=5)
    enrollment = factories.EnrollmentFactory(cohort=source, status=S.CONFIRMED)
    page = admin_client.get(_bulk_url("move", enrollment))
    assert page.status_code == 200
    assert target.code in page.content.decode()
    response = admin_client.post(_bulk_url("move", enrollment), {"to_cohort": target.pk, "reason": ""})
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == S.CANCELLED
    moved = Enrollment.objects.get(cohort=target, user=enrollment.user)
    assert moved.status == S.CONFIRMED
    assert moved.events.get().actor == coordinator


def test_bulk_move_without_a_target_cohort_changes_nothing(admin_client):
    enrollment = factories.EnrollmentFactory(status=S.CONFIRMED)
    response = admin_client.post(_bulk_url("move", enrollment), {"reason": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == S.CONFIRMED
    assert Enrollment.objects.count() == 1


# --- the per-cohort page ---------------------------------------------------------------------------

def test_cohort_page_shows_counts_free_places_waitlist_in_order_sessions_and_trainers(admin_client):
    trainer = factories.UserFactory(full_name="Tiina Treener", groups=["Trainers"])
    cohort = factories.CohortFactory(capacity=3, trainers=[trainer])
    factories.SessionFactory(cohort=cohort, title="Esimene päev")
    factories.EnrollmentFactory.create_batch(2, cohort=cohort, status=S.CONFIRMED)
    now = timezone.now()
    later = factories.EnrollmentFactory(cohort=cohort, status=S.WAITLISTED, waitlist_joined_at=now,
                                        user=factories.UserFactory(full_name="Teine Ootaja"))
    earlier = factories.EnrollmentFactory(cohort=cohort, status=S.WAITLISTED,
                                          waitlist_joined_at=now - dt.timedelta(hours=1),
                                          user=factories.UserFactory(full_name="Esimene Ootaja"))
    response = admin_client.get(reverse("enrollment_cohorts:overview", args=[cohort.pk]))
    assert response.status_code == 200
    context = response.context
    assert context["taken"] == 2
    # The one definition of free places (enrollment.places): nobody waiting is overtaken, as in the catalogue.
    assert context["free_places"] == 0 == Cohort.objects.with_place_counts().get(pk=cohort.pk).free_places
    assert [e.pk for e in context["waitlist"]] == [earlier.pk, later.pk]
    counts = {value: count for _label, count, value in context["status_counts"]}
    assert counts[S.CONFIRMED] == 2 and counts[S.WAITLISTED] == 2
    content = response.content.decode()
    assert content.index("Esimene Ootaja") < content.index("Teine Ootaja")
    assert "Esimene päev" in content and "Tiina Treener" in content
    assert reverse("enrollment_cohorts:import", args=[cohort.pk]) in content
    assert f"cohort={cohort.pk}&amp;export=csv" in content


def test_cohort_page_for_a_missing_cohort_is_404(admin_client):
    assert admin_client.get(reverse("enrollment_cohorts:overview", args=[999999])).status_code == 404


@pytest.mark.parametrize("rows", [5, 50])
def test_cohort_page_runs_a_constant_number_of_queries(admin_client, django_assert_max_num_queries, rows):
    cohort = factories.CohortFactory(capacity=100, trainers=[factories.UserFactory(groups=["Trainers"])])
    factories.SessionFactory.create_batch(3, cohort=cohort)
    now = timezone.now()
    for index in range(rows):
        factories.EnrollmentFactory(cohort=cohort, status=S.WAITLISTED if index % 2 else S.CONFIRMED,
                                    waitlist_joined_at=now + dt.timedelta(seconds=index))
    # 22 for 5 rows and for 50: the page's own reads plus the staff-session and Wagtail admin ones.
    with django_assert_max_num_queries(22):
        response = admin_client.get(reverse("enrollment_cohorts:overview", args=[cohort.pk]))
        assert response.status_code == 200
    assert len(response.context["waitlist"]) == rows // 2


def test_enrollment_statuses_are_unchanged_by_reading_pages(admin_client):
    enrollment = factories.EnrollmentFactory(status=S.PENDING)
    admin_client.get(reverse("enrollment_cohorts:overview", args=[enrollment.cohort_id]))
    _listing(admin_client)
    assert Enrollment.objects.get(pk=enrollment.pk).status == S.PENDING
