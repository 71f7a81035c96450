"""Issuing certificates: automatically on completion, exactly once, by hand with a reason, re-issue history."""

import re
from decimal import Decimal

import pytest

from certificates import services
from certificates.exceptions import AlreadyIssued, CertificateError, NotCompleted, NothingToReissue, ReasonRequired
from certificates.models import Certificate, CertificateRevision
from enrollment.models import EnrollmentStatus
from tests import factories
from tests.certificates.conftest import complete, finished_cohort

pytestmark = pytest.mark.django_db


def test_completion_issues_exactly_one_certificate_even_if_the_signal_comes_twice(
        site_tree, django_capture_on_commit_callbacks):
    trainer = factories.UserFactory(full_name="Tiit Tamm")
    cohort = finished_cohort(trainers=[trainer], course=factories.CoursePageFactory(
        title="Lähisuhtevägivalla juhtumikorraldus", provider=factories.ProviderFactory(name="Sotsiaalkindlustusamet")))
    enrollment = factories.EnrollmentFactory(cohort=cohort, user=factories.UserFactory(full_name="Õie Šumann-Žukova"))

    with django_capture_on_commit_callbacks(execute=True):
        complete(enrollment)
        complete(enrollment)

    certificates = list(Certificate.objects.filter(enrollment=enrollment))
    assert len(certificates) == 1
    certificate = certificates[0]
    assert re.fullmatch(r"OSK-\d{4}-\d{6}", certificate.number)
    assert certificate.holder_name == "Õie Šumann-Žukova"
    assert certificate.title == "Lähisuhtevägivalla juhtumikorraldus"
    assert certificate.provider_name == "Sotsiaalkindlustusamet"
    assert certificate.trainer_names == ["Tiit Tamm"]
    assert certificate.status == "valid"
    assert len(certificate.code) == 16
    assert certificate.pdf and certificate.pdf_version == 1  # rendered by the (immediate) task


def test_issuing_twice_is_refused_and_changes_nothing(site_tree):
    enrollment = factories.EnrollmentFactory(cohort=finished_cohort(), status=EnrollmentStatus.COMPLETED)
    first = services.certificate_issue(enrollment=enrollment)

    with pytest.raises(AlreadyIssued):
        services.certificate_issue(enrollment=enrollment)

    assert list(Certificate.objects.values_list("pk", flat=True)) == [first.pk]


def test_an_enrollment_that_is_not_completed_gets_no_certificate(site_tree):
    enrollment = factories.EnrollmentFactory(cohort=finished_cohort(), status=EnrollmentStatus.NOT_COMPLETED)

    with pytest.raises(NotCompleted):
        services.certificate_issue(enrollment=enrollment)

    assert not Certificate.objects.exists()


def test_numbers_are_sequential_within_the_year(site_tree):
    cohort = finished_cohort()
    numbers = [services.certificate_issue(enrollment=factories.EnrollmentFactory(
        cohort=cohort, status=EnrollmentStatus.COMPLETED)).number for _ in range(3)]

    tails = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert tails == [tails[0], tails[0] + 1, tails[0] + 2]
    assert len({n.rsplit("-", 1)[0] for n in numbers}) == 1


def test_attended_hours_come_from_the_attendance_ledger(site_tree):
    cohort = finished_cohort(course=factories.CoursePageFactory(academic_hours=Decimal("16")))
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    session = cohort.sessions.get()  # six hours = 8 academic hours
    factories.AttendanceFactory(enrollment=enrollment, session=session, status="late", minutes_missed=45)

    complete(enrollment)
    certificate = Certificate.objects.get(enrollment=enrollment)

    assert certificate.academic_hours == Decimal("7.00")


def test_a_coordinator_issues_by_hand_only_with_a_reason(site_tree, coordinator, specialist):
    course = factories.CoursePageFactory(academic_hours=Decimal("24"))

    with pytest.raises(ReasonRequired):
        services.certificate_issue_exception(user=specialist, course=course, reason="  ", actor=coordinator)
    assert not Certificate.objects.exists()

    certificate = services.certificate_issue_exception(
        user=specialist, course=course, reason="Osales Tartu kohtumisel, andmed kanti hiljem üle", actor=coordinator)
    assert certificate.enrollment is None
    assert certificate.exception_reason.startswith("Osales")
    assert certificate.issued_by == coordinator
    assert certificate.academic_hours == Decimal("24")


def test_a_specialist_cannot_issue_certificates_by_hand(site_tree, specialist):
    course = factories.CoursePageFactory()

    with pytest.raises(CertificateError):
        services.certificate_issue_exception(user=specialist, course=course, reason="Tahan", actor=specialist)

    assert not Certificate.objects.exists()


def test_reissue_after_a_name_change_keeps_the_history_and_renders_a_new_pdf(
        site_tree, django_capture_on_commit_callbacks):
    user = factories.UserFactory(full_name="Mari Mägi")
    enrollment = factories.EnrollmentFactory(cohort=finished_cohort(), user=user, status=EnrollmentStatus.COMPLETED)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(enrollment=enrollment)
    certificate.refresh_from_db()
    old_pdf = certificate.pdf.name

    with pytest.raises(NothingToReissue):
        services.certificate_reissue(certificate=certificate, actor=user)

    user.full_name = "Mari Kask"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_reissue(certificate=certificate, actor=user)

    certificate.refresh_from_db()
    assert (certificate.holder_name, certificate.version) == ("Mari Kask", 2)
    revision = CertificateRevision.objects.get(certificate=certificate)
    assert (revision.version, revision.holder_name) == (1, "Mari Mägi")
    assert certificate.pdf_version == 2 and certificate.pdf.name != old_pdf
    assert not certificate.pdf.storage.exists(old_pdf)


def test_revoking_needs_a_coordinator_and_a_reason(site_tree, coordinator, specialist):
    enrollment = factories.EnrollmentFactory(cohort=finished_cohort(), status=EnrollmentStatus.COMPLETED)
    certificate = services.certificate_issue(enrollment=enrollment)

    with pytest.raises(CertificateError):
        services.certificate_revoke(certificate=certificate, reason="Pettus", actor=specialist)
    with pytest.raises(ReasonRequired):
        services.certificate_revoke(certificate=certificate, reason="", actor=coordinator)
    certificate.refresh_from_db()
    assert certificate.status == "valid"

    services.certificate_revoke(certificate=certificate, reason="Osalemine ei leidnud kinnitust", actor=coordinator)
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
