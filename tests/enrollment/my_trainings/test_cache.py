"""The per-person cache of "My trainings": served again only while nothing it shows has changed.

Every change goes through a real commit hook (django_capture_on_commit_callbacks(execute=True)), as in
production, where the versions in the key rise after the commit.
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enrollment import services
from enrollment.attendance.models import Attendance
from enrollment.models import EnrollmentStatus
from enrollment.my_trainings import cache as my_trainings_cache
from enrollment.my_trainings import selectors
from tests import factories

S = EnrollmentStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.OSKUS_MY_TRAININGS_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def course(site_tree):
    return factories.CoursePageFactory(title="Juhtumikorraldus lähisuhtevägivalla korral")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client) -> str:
    return client.get(reverse("my_trainings")).content.decode()


def test_the_second_visit_skips_the_list_queries(cached, course, specialist, django_assert_max_num_queries,
                                                 django_capture_on_commit_callbacks):
    cohort = factories.CohortFactory(course=course, capacity=5)
    factories.SessionFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_create(user=specialist, cohort=cohort, answers={})
    client = logged_in(specialist)

    with CaptureQueriesContext(connection) as first:
        first_html = page(client)
    with CaptureQueriesContext(connection) as second:
        second_html = page(client)

    assert "Juhtumikorraldus lähisuhtevägivalla korral" in second_html
    assert second_html.split("<h1>")[1] == first_html.split("<h1>")[1]  # (the header's CSRF token differs)
    listed = [q["sql"] for q in second.captured_queries if "enrollment_" in q["sql"]]
    assert listed == [], "the list is not read again"
    assert len(second.captured_queries) < len(first.captured_queries)


def test_the_cache_is_off_without_the_setting(course, specialist, settings):
    settings.OSKUS_MY_TRAININGS_CACHE = False
    cohort = factories.CohortFactory(course=course, capacity=5)
    factories.SessionFactory(cohort=cohort)
    client = logged_in(specialist)
    page(client)
    # Written without the service (no commit hook runs): still shown, because nothing was cached.
    factories.EnrollmentFactory(user=specialist, cohort=cohort, status=S.CONFIRMED)
    assert "Juhtumikorraldus lähisuhtevägivalla korral" in page(client)


def test_the_persons_own_change_shows_at_once(cached, course, specialist, django_capture_on_commit_callbacks):
    cohort = factories.CohortFactory(course=course, capacity=5)
    factories.SessionFactory(cohort=cohort)
    client = logged_in(specialist)
    assert "Juhtumikorraldus" not in page(client)

    with django_capture_on_commit_callbacks(execute=True):
        enrollment = services.enrollment_create(user=specialist, cohort=cohort, answers={})
    assert f'data-enrollment="{enrollment.pk}"' in page(client)

    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_cancel(enrollment=enrollment, actor=specialist)
    html = page(client)
    assert "enrollment-confirmed" not in html
    assert "Tühistatud ja loobutud" in html  # the "Cancelled and declined" section


def test_somebody_else_leaving_the_waitlist_moves_the_person_up(cached, course, specialist,
                                                                 django_capture_on_commit_callbacks):
    cohort = factories.CohortFactory(course=course, capacity=1)
    factories.SessionFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_create(user=factories.UserFactory(), cohort=cohort, answers={})
        ahead = services.enrollment_create(user=factories.UserFactory(), cohort=cohort, answers={})
        services.enrollment_create(user=specialist, cohort=cohort, answers={})
    client = logged_in(specialist)
    assert "Teie koht järjekorras: 2." in page(client)

    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_cancel(enrollment=ahead, actor=ahead.user)

    assert "Teie koht järjekorras: 1." in page(client)


def test_a_coordinator_moving_a_session_shows_the_new_time(cached, course, specialist,
                                                           django_capture_on_commit_callbacks):
    cohort = factories.CohortFactory(course=course, capacity=5)
    session = factories.SessionFactory(cohort=cohort, starts_at=timezone.make_aware(dt.datetime(2027, 3, 4, 10)),
                                       ends_at=timezone.make_aware(dt.datetime(2027, 3, 4, 16)))
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_create(user=specialist, cohort=cohort, answers={})
    client = logged_in(specialist)
    assert "4. märts 2027, 10:00" in page(client)

    with django_capture_on_commit_callbacks(execute=True):
        session.starts_at = timezone.make_aware(dt.datetime(2027, 3, 11, 9))
        session.ends_at = timezone.make_aware(dt.datetime(2027, 3, 11, 15))
        session.save()

    html = page(client)
    assert "11. märts 2027, 09:00" in html and "4. märts 2027" not in html


def test_a_new_attendance_mark_updates_the_hours(cached, course, specialist, django_capture_on_commit_callbacks):
    cohort = factories.CohortFactory(course=course, capacity=5)
    start = timezone.now() - dt.timedelta(days=2)
    held = factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=6))
    factories.SessionFactory(cohort=cohort)  # still to come, so the training is upcoming
    enrollment = factories.EnrollmentFactory(user=specialist, cohort=cohort, status=S.CONFIRMED)
    client = logged_in(specialist)
    assert "0 / 16 t osaletud" in page(client)

    with django_capture_on_commit_callbacks(execute=True):
        Attendance.objects.create(enrollment=enrollment, session=held, status="present", marked_at=timezone.now())

    assert "8 / 16 t osaletud" in page(client)  # six hours are eight academic hours


def test_languages_and_people_never_share_an_entry(cached, course, specialist, django_capture_on_commit_callbacks):
    cohort = factories.CohortFactory(course=course, capacity=5)
    factories.SessionFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_create(user=specialist, cohort=cohort, answers={})
    client = logged_in(specialist)
    assert "Eelseisvad koolitused" in page(client)

    english = client.get("/en" + reverse("my_trainings")).content.decode()
    other = page(logged_in(factories.UserFactory()))

    assert "Upcoming" in english and "Eelseisvad" not in english
    assert "Juhtumikorraldus" not in other


def test_a_list_with_an_offered_place_is_never_stored(cached, course, specialist, django_capture_on_commit_callbacks):
    cohort = factories.CohortFactory(course=course, capacity=5)
    factories.SessionFactory(cohort=cohort)
    factories.EnrollmentFactory(user=specialist, cohort=cohort, status=S.OFFERED,
                                offer_expires_at=timezone.now() + dt.timedelta(hours=48))
    calls = []

    def build():
        calls.append(1)
        trainings = selectors.my_trainings(user=specialist)
        return "html", trainings

    my_trainings_cache.get_or_build(specialist, build)
    my_trainings_cache.get_or_build(specialist, build)

    assert len(calls) == 2


def test_an_entry_lives_only_until_the_list_would_change_by_the_clock(cached, course, specialist, monkeypatch):
    cohort = factories.CohortFactory(course=course, capacity=5, cancellation_cutoff_hours=48)
    first = timezone.now() + dt.timedelta(hours=48, minutes=2)
    factories.SessionFactory(cohort=cohort, starts_at=first, ends_at=first + dt.timedelta(hours=6))
    factories.EnrollmentFactory(user=specialist, cohort=cohort, status=S.CONFIRMED)
    trainings = selectors.my_trainings(user=specialist)
    assert trainings.valid_until == first - dt.timedelta(hours=48), "the cancellation deadline comes first"

    stored = {}
    monkeypatch.setattr(my_trainings_cache.cache, "set", lambda key, value, timeout: stored.update(t=timeout))
    my_trainings_cache.get_or_build(specialist, lambda: ("html", trainings))

    expected = (trainings.valid_until - timezone.now()).total_seconds()
    assert expected < my_trainings_cache.MAX_SECONDS
    assert expected - 5 <= stored["t"] <= expected


def test_a_deleted_or_new_mark_updates_the_hours(cached, course, specialist, django_capture_on_commit_callbacks):
    cohort = factories.CohortFactory(course=course, capacity=5)
    start = timezone.now() - dt.timedelta(days=2)
    held = factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=6))
    factories.SessionFactory(cohort=cohort)
    enrollment = factories.EnrollmentFactory(user=specialist, cohort=cohort, status=S.CONFIRMED)
    Attendance.objects.create(enrollment=enrollment, session=held, status="present", marked_at=timezone.now())
    client = logged_in(specialist)
    assert "8 / 16 t osaletud" in page(client)

    with django_capture_on_commit_callbacks(execute=True):
        Attendance.objects.get(session=held).delete()  # loaded without its enrollment: looked up by id
    assert "0 / 16 t osaletud" in page(client)

    with django_capture_on_commit_callbacks(execute=True):
        Attendance.objects.create(enrollment=enrollment, session=held, status="present", marked_at=timezone.now())
    assert "8 / 16 t osaletud" in page(client)


# --- the whole page is the entry: the layout around the list, with the visitor's own CSRF token -----------

def test_a_stored_page_renders_no_template_and_carries_this_visitors_csrf_token(cached, course, specialist):
    from django.contrib.auth import SESSION_KEY
    from django.test.signals import template_rendered

    cohort = factories.CohortFactory(course=course, capacity=5)
    factories.SessionFactory(cohort=cohort)
    factories.EnrollmentFactory(user=specialist, cohort=cohort, status=S.CONFIRMED)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(specialist)
    second.force_login(specialist)
    page(first)  # stored
    rendered = []
    template_rendered.connect(rendered.append, dispatch_uid="count")
    try:
        html = page(second)
    finally:
        template_rendered.disconnect(dispatch_uid="count")

    assert rendered == [] and "Juhtumikorraldus" in html
    assert my_trainings_cache.CSRF_HOLE not in html
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    logout = second.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert logout.status_code == 302 and SESSION_KEY not in second.session  # the token works: logged out
    refused = first.post(reverse("account_logout"), {"csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403  # (the control: a wrong token is refused)


def test_the_navigation_follows_a_new_role_and_the_address(cached, course, specialist):
    from django.contrib.auth.models import Group

    client = logged_in(specialist)
    assert "Minu koolitusrühmad" not in page(client)  # "My cohorts", the trainer's link
    specialist.groups.add(Group.objects.get(name="Trainers"))
    assert "Minu koolitusrühmad" in page(client)
    with_query = client.get(reverse("my_trainings") + "?vaade=1").content.decode()
    assert 'name="next" type="hidden" value="/my-trainings/?vaade=1"' in with_query.replace("&#x27;", "'")


def test_a_flash_message_is_shown_once_and_never_stored(cached, course, specialist):
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory

    from enrollment.my_trainings.views import my_trainings

    client = logged_in(specialist)
    page(client)  # stored without a message
    request = RequestFactory().get(reverse("my_trainings"))
    request.user, request.session = specialist, client.session
    request._messages = FallbackStorage(request)
    messages.success(request, "Registreerisite koolitusele.")
    with_message = my_trainings(request).content.decode()
    assert "Registreerisite koolitusele." in with_message
    assert "Registreerisite koolitusele." not in page(client)


def test_the_layout_templates_are_part_of_the_code_version():
    from django.template.loader import get_template

    for name in my_trainings_cache.LAYOUT_TEMPLATES:
        assert get_template(name).origin.name.endswith(name)
    assert {"base.html", "includes/header.html"} <= set(my_trainings_cache.LAYOUT_TEMPLATES)
