"""End to end with the attendance engineer's cohort closing, and the coordinator's admin pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from certificates import services
from certificates.exceptions import AlreadyRevoked
from certificates.models import Certificate, QualificationEvent, TrainerQualification
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
    certificate = Certificate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates_admin:inspect", args=[certificate.pk])
    assert certificate.exception_reason == "Osales pilootkoolitusel 2025"


def test_a_refusal_by_the_service_is_shown_on_the_issue_form(client, site_tree, coordinator, specialist):
    client.force_login(coordinator)

    response = client.post(reverse("certificates_admin:issue"), {"user": specialist.pk, "reason": "Erand"})

    assert response.status_code == 200
    with translation.override("et"):
        assert gettext("Choose either a course or a programme.") in response.content.decode()
    assert not Certificate.objects.exists()


def test_coordinator_revokes_in_the_admin_and_the_list_shows_it(client, site_tree, coordinator, specialist):
    course = factories.CoursePageFactory()
    client.force_login(coordinator)
    client.post(reverse("certificates_admin:issue"), {"user": specialist.pk, "course": course.pk, "reason": "Erand"})
    certificate = Certificate.objects.get()

    client.post(reverse("certificates_admin:revoke", args=[certificate.pk]), {"reason": "Vale isik"})

    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    listing = client.get(reverse("certificates_admin:index")).content.decode()
    assert certificate.number in listing and "Vale isik" in listing
    again = client.post(reverse("certificates_admin:revoke", args=[certificate.pk]), {"reason": "Uuesti"})
    with translation.override("et"):
        assert again.status_code == 200 and str(AlreadyRevoked.default_message) in again.content.decode()


def test_certificate_listing_filters_by_status_and_searches(client, site_tree, coordinator):
    course = factories.CoursePageFactory()
    kept = services.certificate_issue_exception(user=factories.UserFactory(full_name="Kalle Kask"), course=course,
                                                reason="Erand", actor=coordinator)
    revoked = services.certificate_issue_exception(user=factories.UserFactory(full_name="Mall Mets"), course=course,
                                                   reason="Erand", actor=coordinator)
    services.certificate_revoke(certificate=revoked, reason="Viga", actor=coordinator)
    client.force_login(coordinator)

    by_status = client.get(reverse("certificates_admin:index"), {"status": "revoked"}).content.decode()
    assert revoked.number in by_status and kept.number not in by_status
    by_search = client.get(reverse("certificates_admin:index"), {"q": "kask"}).content.decode()
    assert kept.number in by_search and revoked.number not in by_search


def test_coordinator_inspects_a_certificate_with_its_earlier_versions(client, site_tree, coordinator, specialist):
    certificate = services.certificate_issue_exception(user=specialist, course=factories.CoursePageFactory(),
                                                       reason="Erand", actor=coordinator)
    specialist.full_name = "Mari Mägi-Kask"
    specialist.save(update_fields=["full_name"])
    client.force_login(coordinator)

    listing = client.get(reverse("certificates_admin:index")).content.decode()
    assert reverse("certificates_admin:reissue", args=[certificate.pk]) in listing
    response = client.post(reverse("certificates_admin:reissue", args=[certificate.pk]), {"reason": "Abiellus"})
    assert response.status_code == 302

    certificate.refresh_from_db()
    assert (certificate.holder_name, certificate.version) == ("Mari Mägi-Kask", 2)
    page = client.get(reverse("certificates_admin:inspect", args=[certificate.pk])).content.decode()
    assert "Mari Mägi-Kask" in page and "Abiellus" in page and certificate.code_display in page
    nothing = client.post(reverse("certificates_admin:reissue", args=[certificate.pk]), {"reason": ""})
    assert nothing.status_code == 200
    certificate.refresh_from_db()
    assert certificate.version == 2


def _admin_user_who_is_not_a_coordinator():
    """Admin access and every certificates permission, but not in the Coordinators group."""
    user = factories.UserFactory(full_name="Toimetaja Tõnu")
    user.user_permissions.add(*Permission.objects.filter(
        Q(codename="access_admin") | Q(content_type__app_label="certificates")))
    return user


def _refused(response) -> bool:
    # The Wagtail admin turns PermissionDenied into a redirect to its dashboard with an error message.
    return response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")


def test_an_admin_user_who_is_not_a_coordinator_is_refused_everywhere_and_changes_nothing(
        client, site_tree, coordinator, specialist):
    course = factories.CoursePageFactory()
    certificate = services.certificate_issue_exception(user=specialist, course=course, reason="Erand",
                                                       actor=coordinator)
    qualification = factories.TrainerQualificationFactory(course=course)
    client.force_login(_admin_user_who_is_not_a_coordinator())

    for name, args in (("certificates_admin:index", []), ("certificates_admin:index_results", []),
                       ("certificates_admin:inspect", [certificate.pk]), ("certificates_admin:issue", []),
                       ("certificates_admin:revoke", [certificate.pk]),
                       ("certificates_admin:reissue", [certificate.pk]),
                       ("certificates_trainers:index", []), ("certificates_trainers:inspect", [qualification.pk]),
                       ("certificates_trainers:suspend", [qualification.pk]),
                       ("certificates_trainers:reinstate", [qualification.pk]),
                       ("certificates_lineage:index", []), ("certificates_lineage:course", [course.pk])):
        assert _refused(client.get(reverse(name, args=args))), name
        # A script (no redirect to follow) gets the plain 403.
        assert client.get(reverse(name, args=args), headers={"x-requested-with": "XMLHttpRequest"}
                          ).status_code == 403, name

    # Refused before anything is looked up: a number that does not exist tells nothing either.
    assert _refused(client.get(reverse("certificates_admin:revoke", args=[certificate.pk + 1000])))
    assert _refused(client.post(reverse("certificates_admin:issue"), {
        "user": specialist.pk, "course": course.pk, "reason": "Erand"}))
    assert _refused(client.post(reverse("certificates_admin:revoke", args=[certificate.pk]), {"reason": "Tahan"}))
    assert _refused(client.post(reverse("certificates_trainers:suspend", args=[qualification.pk]),
                                {"reason": "Tahan"}))
    certificate.refresh_from_db()
    qualification.refresh_from_db()
    assert Certificate.objects.count() == 1 and certificate.revoked_at is None
    assert qualification.suspended_at is None
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("certificates_admin:index") not in menu


def test_a_trainer_cannot_revoke_through_the_admin(client, site_tree, coordinator, trainer, specialist):
    certificate = services.certificate_issue_exception(user=specialist, course=factories.CoursePageFactory(),
                                                       reason="Erand", actor=coordinator)
    client.force_login(trainer)

    response = client.post(reverse("certificates_admin:revoke", args=[certificate.pk]), {"reason": "Tahan"})

    # No admin access at all: the Wagtail admin sends them to its log-in page.
    assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_admin_pages_render_for_a_coordinator_and_the_menu_shows_them(client, site_tree, coordinator):
    client.force_login(coordinator)

    for name in ("certificates_admin:index", "certificates_admin:issue", "certificates_trainers:index",
                 "certificates_lineage:index"):
        assert client.get(reverse(name)).status_code == 200, name
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    for name in ("certificates_admin:index", "certificates_trainers:index", "certificates_lineage:index"):
        assert reverse(name) in menu, name


def test_coordinator_suspends_a_qualification_in_the_register_and_reinstates_it(client, site_tree, coordinator):
    qualification = factories.TrainerQualificationFactory(course=factories.CoursePageFactory())
    client.force_login(coordinator)

    empty = client.post(reverse("certificates_trainers:suspend", args=[qualification.pk]), {"reason": ""})
    assert empty.status_code == 200
    qualification.refresh_from_db()
    assert qualification.suspended_at is None

    client.post(reverse("certificates_trainers:suspend", args=[qualification.pk]), {"reason": "Kaebus menetluses"})
    qualification.refresh_from_db()
    assert qualification.status == "suspended"
    register = client.get(reverse("certificates_trainers:index")).content.decode()
    assert reverse("certificates_trainers:reinstate", args=[qualification.pk]) in register

    client.post(reverse("certificates_trainers:reinstate", args=[qualification.pk]))
    qualification.refresh_from_db()
    assert qualification.status == "valid"
    history = client.get(reverse("certificates_trainers:inspect", args=[qualification.pk])).content.decode()
    with translation.override("et"):
        assert "Kaebus menetluses" in history and str(QualificationEvent.Kind.REINSTATED.label) in history


def test_the_admin_listings_read_a_constant_number_of_queries(client, site_tree, coordinator):
    course = factories.CoursePageFactory()
    client.force_login(coordinator)

    def add(count):
        for _ in range(count):
            user = factories.UserFactory(profile__municipality="Tartu linn")
            services.certificate_issue_exception(user=user, course=course, reason="Erand", actor=coordinator)
            factories.TrainerQualificationFactory(user=user, course=course, source_trainers=[coordinator])

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add(2)
    few = {url: queries(url) for url in (reverse("certificates_admin:index"), reverse("certificates_trainers:index"))}
    add(8)
    for url, count in few.items():
        assert queries(url) == count, url
