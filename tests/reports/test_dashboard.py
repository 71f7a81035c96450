"""The coordinators' desk on the admin home page: what needs acting on, each with its link, in a fixed number of
queries; nothing of it for anyone else."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enrollment.models import CohortStatus, EnrollmentPolicy, EnrollmentStatus
from reports.dashboard import desk
from tests import factories

pytestmark = pytest.mark.django_db
S = EnrollmentStatus


def _world(n: int = 1, tag: str = "a"):
    now = timezone.now()
    course = factories.CoursePageFactory()
    made = {"today": [], "week": [], "later": [], "pending": [], "offer": [], "full": [], "close": [],
            "expiring": [], "valid": []}
    for i in range(n):
        i = f"{tag}{i}"
        today = factories.CohortFactory(course=course, code=f"today-{i}")
        made["today"].append(factories.SessionFactory(cohort=today, starts_at=now + dt.timedelta(minutes=5),
                                                      ends_at=now + dt.timedelta(minutes=65)))
        made["week"].append(factories.SessionFactory(cohort=today, starts_at=now + dt.timedelta(days=3),
                                                     ends_at=now + dt.timedelta(days=3, hours=2)))
        made["later"].append(factories.SessionFactory(cohort=today, starts_at=now + dt.timedelta(days=10),
                                                      ends_at=now + dt.timedelta(days=10, hours=2)))
        pending = factories.CohortFactory(course=course, code=f"pending-{i}", policy=EnrollmentPolicy.APPROVAL)
        factories.EnrollmentFactory.create_batch(2, cohort=pending, status=S.PENDING)
        made["pending"].append(pending)
        offer = factories.CohortFactory(course=course, code=f"offer-{i}", capacity=2)
        factories.EnrollmentFactory(cohort=offer, status=S.CONFIRMED)
        factories.EnrollmentFactory(cohort=offer, status=S.WAITLISTED, waitlist_joined_at=now)
        made["offer"].append(offer)
        full = factories.CohortFactory(course=course, code=f"full-{i}", capacity=1)
        factories.EnrollmentFactory(cohort=full, status=S.CONFIRMED)
        factories.EnrollmentFactory(cohort=full, status=S.WAITLISTED, waitlist_joined_at=now)
        made["full"].append(full)
        close = factories.CohortFactory(course=course, code=f"close-{i}", status=CohortStatus.RUNNING)
        past = factories.SessionFactory(cohort=close, starts_at=now - dt.timedelta(days=2),
                                        ends_at=now - dt.timedelta(days=2) + dt.timedelta(hours=3))
        marked = factories.EnrollmentFactory(cohort=close, status=S.CONFIRMED)
        factories.EnrollmentFactory(cohort=close, status=S.CONFIRMED)  # not marked
        factories.AttendanceFactory(enrollment=marked, session=past)
        made["close"].append(close)
        made["expiring"].append(factories.TrainerQualificationFactory(
            course=course, valid_until=timezone.localdate() + dt.timedelta(days=30)))
        made["valid"].append(factories.TrainerQualificationFactory(
            course=course, valid_until=timezone.localdate() + dt.timedelta(days=200)))
    return made


def test_the_desk_lists_what_needs_acting_on(site_tree):
    made = _world()
    data = desk()
    assert [s.pk for s in data.today] == [made["today"][0].pk]
    assert [s.pk for s in data.week] == [made["week"][0].pk]
    assert [c.pk for c in data.pending] == [made["pending"][0].pk] and data.pending_total == 2
    assert [c.pk for c in data.offers_due] == [made["offer"][0].pk]
    assert [(c.pk, c.unmarked) for c in data.ready_to_close] == [(made["close"][0].pk, 1)]
    assert [q.pk for q in data.expiring] == [made["expiring"][0].pk] and data.expiring_total == 1


def test_the_desk_reads_in_a_fixed_number_of_queries(site_tree):
    _world(1)
    with CaptureQueriesContext(connection) as one:
        desk()
    _world(3, tag="b")
    with CaptureQueriesContext(connection) as four:
        desk()
    assert len(one) == len(four) == 7


def test_the_home_page_is_the_coordinators_desk_with_links_to_act(client, site_tree, coordinator):
    made = _world()
    client.force_login(coordinator)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    for panel in ("desk-sessions", "desk-pending", "desk-offers-due", "desk-ready-to-close", "desk-expiring"):
        assert f'data-panel="{panel}"' in html, panel
    assert reverse("attendance_roster", args=[made["today"][0].pk]) in html
    assert f"{reverse('enrollment_enrollments:index')}?status=pending&amp;cohort={made['pending'][0].pk}" in html
    assert reverse("enrollment_cohorts:overview", args=[made["offer"][0].pk]) in html
    assert reverse("attendance_cohort_close", args=[made["close"][0].pk]) in html
    assert 'data-unmarked="1"' in html
    assert reverse("certificates_trainers:inspect", args=[made["expiring"][0].pk]) in html
    assert 'class="w-summary' not in html and "wagtail-summary" not in html  # no "13 pages" panel


def test_an_admin_user_who_is_not_a_coordinator_sees_no_desk(client, site_tree):
    _world()
    editor = factories.UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "data-panel=\"desk-" not in html
