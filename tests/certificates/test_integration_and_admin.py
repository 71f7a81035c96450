"""End to end with the attendance engineer's cohort closing, and the coordinator's admin pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, TrainerQualification
from enrollment.attendance.services import cohort_close
from tests import factories
from tests.certificates.conftest import finished_cohort

pytestmark = pytest.mark.django_db


def test_closing_a_cohort_issues_certificates_with_ledger_hours_and_renews_the_trainer(
        site_tree, django_capture_on_commit_callbacks):
    base = factories.CoursePageFactory(academic_hours=Decimal("8"), requires_qualified_trainers=True)
    trainer = factories.UserFactory(full_name="Tiit Tamm")
    qualification = factories.TrainerQualificationFactory(user=trainer, course=base,
                                                          valid_until=timezone.localdate() + dt.timedelta(days=30))
    cohort = finished_cohort(course=base, trainers=[trainer], days_ago=2)
    present, absent = factories.EnrollmentFactory(cohort=cohort), factories.EnrollmentFactory(cohort=cohort)
    session = cohort.sessions.get()
    factories.AttendanceFactory(enrollment=present, session=session, status="present")
    factories.AttendanceFactory(enrollment=absent, session=session, status="absent")

    with django_capture_on_commit_callbacks(execute=True):
        cohort_close(cohort=cohort, actor=None)

    certificate = Certificate.objects.get()
    assert certificate.enrollment == present
    assert certificate.academic_hours == Decimal("8.00")
    qualification.refresh_from_db()
    assert qualification.valid_until > timezone.localdate() + dt.timedelta(days=1000)
    assert TrainerQualification.objects.count() == 1  # the base course qualifies nobody


def test_coordinator_issues_a_certificate_by_hand_in_the_admin(client, site_tree, coordinator, specialist):
    course = factories.CoursePageFactory()
    client.force_login(coordinator)

    refused = client.post(reverse("certificates_admin:issue"), {"user": specialist.pk, "course": course.pk,
                                                                "reason": ""})
    assert refused.status_code == 200 and not Certificate.objects.exists()

    response = client.post(reverse("certificates_admin:issue"), {
        "user": specialist.pk, "course": course.pk, "reason": "Osales pilootkoolitusel 2025"})
    assert response.status_code == 302
    assert Certificate.objects.get().exception_reason == "Osales pilootkoolitusel 2025"


def test_coordinator_revokes_in_the_admin_and_the_list_shows_it(client, site_tree, coordinator, specialist):
    course = factories.CoursePageFactory()
    client.force_login(coordinator)
    client.post(reverse("certificates_admin:issue"), {"user": specialist.pk, "course": course.pk, "reason": "Erand"})
    certificate = Certificate.objects.get()

    client.post(reverse("certificates_admin:revoke", args=[certificate.pk]), {"reason": "Vale isik"})

    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    listing = client.get(reverse("certificates_admin:list")).content.decode()
    assert certificate.number in listing and "Vale isik" in listing


def test_a_trainer_cannot_revoke_through_the_admin(client, site_tree, coordinator, trainer, specialist):
    from certificates import services

    certificate = services.certificate_issue_exception(user=specialist, course=factories.CoursePageFactory(),
                                                       reason="Erand", actor=coordinator)
    client.force_login(trainer)

    response = client.post(reverse("certificates_admin:revoke", args=[certificate.pk]), {"reason": "Tahan"})

    assert response.status_code in (302, 403)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_admin_pages_render_for_a_coordinator(client, site_tree, coordinator):
    client.force_login(coordinator)

    for name in ("certificates_admin:list", "certificates_admin:issue", "certificates_admin:register",
                 "certificates_admin:lineage_index"):
        assert client.get(reverse(name)).status_code == 200, name


def test_coordinator_suspends_a_qualification_in_the_register_and_reinstates_it(client, site_tree, coordinator):
    qualification = factories.TrainerQualificationFactory(course=factories.CoursePageFactory())
    client.force_login(coordinator)

    empty = client.post(reverse("certificates_admin:suspend", args=[qualification.pk]), {"reason": ""})
    assert empty.status_code == 200
    qualification.refresh_from_db()
    assert qualification.suspended_at is None

    client.post(reverse("certificates_admin:suspend", args=[qualification.pk]), {"reason": "Kaebus menetluses"})
    qualification.refresh_from_db()
    assert qualification.status == "suspended"

    client.post(reverse("certificates_admin:suspend", args=[qualification.pk]))
    qualification.refresh_from_db()
    assert qualification.status == "valid"
