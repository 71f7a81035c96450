"""Certificates that agree with themselves (issue 14, finding 4): the wording is built from the certificate's
own figures, the validity comes from the right course, and hours are those actually attended."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates import services
from certificates.exceptions import CertificateError
from certificates.models import Certificate, TrainerQualification
from certificates.pdf import certificate_text, render_certificate_html
from enrollment.models import EnrollmentStatus
from tests import factories
from tests.certificates.conftest import complete, finished_cohort, graduate

pytestmark = pytest.mark.django_db


def _attended_eight_of_sixteen(course):
    """A completed enrollment in `course` with 8 of its 16 academic hours attended (one six-hour session)."""
    cohort = finished_cohort(course=course)
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    factories.AttendanceFactory(enrollment=enrollment, session=cohort.sessions.get(), status="present")
    complete(enrollment)
    return Certificate.objects.get(enrollment=enrollment)


# --- the certificate text ------------------------------------------------------------------------

def test_the_certificate_text_is_built_from_the_certificates_own_figures(site_tree):
    course = factories.CoursePageFactory(
        title="Turvavõrgustik", academic_hours=Decimal("16"),
        certificate_text="Osales koolitusel „{course}“ mahus {attended_hours} akadeemilist tundi "
                         "(koolituse maht {hours} tundi), {dates}.")

    certificate = _attended_eight_of_sixteen(course)

    days = f"{certificate.completed_on:%d.%m.%Y}"
    if certificate.started_on != certificate.completed_on:  # the six-hour session may run past midnight
        days = f"{certificate.started_on:%d.%m.%Y}–{days}"
    text = certificate_text(certificate)
    assert text == (f"Osales koolitusel „Turvavõrgustik“ mahus 8 akadeemilist tundi (koolituse maht 16 tundi), "
                    f"{days}.")
    assert text in render_certificate_html(certificate, language="et")


def test_a_stored_fixed_sentence_keeps_working_and_unknown_braces_stay(site_tree, coordinator, specialist):
    fixed = factories.CoursePageFactory(certificate_text="Läbis koolituse edukalt.")
    odd = factories.CoursePageFactory(certificate_text="Läbis {mooduli} osa {attended_hours} tundi {")

    first = services.certificate_issue_exception(user=specialist, course=fixed, reason="Erand", actor=coordinator,
                                                 academic_hours=Decimal("7.5"))
    second = services.certificate_issue_exception(user=specialist, course=odd, reason="Erand", actor=coordinator,
                                                  academic_hours=Decimal("7.5"))

    assert certificate_text(first) == "Läbis koolituse edukalt."
    assert certificate_text(second) == "Läbis {mooduli} osa 7,5 tundi {"  # as in the facts: 7,5 (accounts.numbers)


def test_dates_of_a_multi_day_training_read_as_a_range(site_tree):
    course = factories.CoursePageFactory(certificate_text="{dates}")
    certificate = _attended_eight_of_sixteen(course)
    certificate.started_on = certificate.completed_on - dt.timedelta(days=3)
    assert certificate_text(certificate) == f"{certificate.started_on:%d.%m.%Y}–{certificate.completed_on:%d.%m.%Y}"
    certificate.started_on = certificate.completed_on
    assert certificate_text(certificate) == f"{certificate.completed_on:%d.%m.%Y}"



# --- certificate validity ------------------------------------------------------------------------

def test_a_course_with_a_validity_gives_its_certificates_an_expiry_shown_on_the_verify_page(client, site_tree):
    course = factories.CoursePageFactory(certificate_validity_months=24)

    certificate = _attended_eight_of_sixteen(course)

    expected = services.add_months(certificate.completed_on, 24)
    assert timezone.localtime(certificate.expires_at).date() == expected
    assert certificate.status == "valid"
    page = client.get(reverse("certificate_verify_detail", args=[certificate.code])).content.decode()
    assert f"{expected.day}.{expected.month}.{expected.year}" in page


def test_a_course_without_a_validity_gives_certificates_that_never_expire(site_tree, coordinator, specialist):
    course = factories.CoursePageFactory(certificate_validity_months=None)

    automatic = _attended_eight_of_sixteen(course)
    by_hand = services.certificate_issue_exception(user=specialist, course=course, reason="Erand", actor=coordinator)

    assert automatic.expires_at is None and by_hand.expires_at is None


def test_a_certificate_issued_by_hand_long_ago_shows_as_expired(client, site_tree, coordinator, specialist):
    course = factories.CoursePageFactory(certificate_validity_months=12)

    certificate = services.certificate_issue_exception(
        user=specialist, course=course, reason="Paberil tunnistus", actor=coordinator,
        completed_on=timezone.localdate() - dt.timedelta(days=800))

    assert certificate.status == "expired"
    page = client.get(reverse("certificate_verify_detail", args=[certificate.code])).content.decode()
    assert 'data-status="expired"' in page


# --- qualification validity from the course that grants it -----------------------------------------

def test_the_qualification_validity_comes_from_the_trainer_course_that_grants_it(site_tree):
    base = factories.CoursePageFactory(qualification_validity_months=36)
    trainer_course = factories.CoursePageFactory(qualifies_for=base, qualification_validity_months=12)
    person = factories.UserFactory()

    graduate(user=person, cohort=finished_cohort(course=trainer_course, days_ago=5))

    qualification = TrainerQualification.objects.get(user=person, course=base)
    certificate = Certificate.objects.get(user=person)
    assert qualification.valid_until == services.add_months(certificate.completed_on, 12)


def test_teaching_renews_for_the_validity_of_the_granting_course(site_tree):
    base = factories.CoursePageFactory(qualification_validity_months=36, requires_qualified_trainers=True)
    trainer_course = factories.CoursePageFactory(qualifies_for=base, qualification_validity_months=12)
    trainer = factories.UserFactory()
    graduate(user=trainer, cohort=finished_cohort(course=trainer_course, days_ago=200))
    cohort = finished_cohort(course=base, trainers=[trainer], days_ago=2)

    services.qualification_renew_by_teaching(cohort=cohort)

    qualification = TrainerQualification.objects.get(user=trainer, course=base)
    last_day = timezone.localtime(cohort.sessions.get().ends_at).date()
    assert qualification.valid_until == services.add_months(last_day, 12)


# --- a programme certificate by hand prints the hours attended ------------------------------------

def _course_attended(*, user, hours: int, attended: int):
    course = factories.CoursePageFactory(academic_hours=Decimal(hours))
    cohort = factories.CohortFactory(course=course)
    start = timezone.now() - dt.timedelta(days=20)
    present = factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=5),
                                       academic_hours_override=Decimal(attended))
    later = start + dt.timedelta(days=1)
    absent = factories.SessionFactory(cohort=cohort, starts_at=later, ends_at=later + dt.timedelta(hours=5),
                                      academic_hours_override=Decimal(hours - attended))
    enrollment = factories.EnrollmentFactory(cohort=cohort, user=user, status=EnrollmentStatus.COMPLETED)
    factories.AttendanceFactory(enrollment=enrollment, session=present, status="present")
    factories.AttendanceFactory(enrollment=enrollment, session=absent, status="absent")
    return course


def test_a_programme_certificate_by_hand_prints_the_hours_attended_not_the_programmes_total(
        site_tree, coordinator, specialist):
    programme = factories.ProgrammePageFactory()
    factories.ProgrammePartFactory(page=programme, course=_course_attended(user=specialist, hours=64, attended=60))
    factories.ProgrammePartFactory(page=programme, course=_course_attended(user=specialist, hours=64, attended=50))
    assert programme.total_hours == Decimal("128")

    certificate = services.certificate_issue_exception(user=specialist, programme=programme, reason="Programm läbitud",
                                                       actor=coordinator)

    assert certificate.academic_hours == Decimal("110")


def test_hours_given_by_hand_for_a_programme_are_kept(site_tree, coordinator, specialist):
    programme = factories.ProgrammePageFactory()
    factories.ProgrammePartFactory(page=programme, course=_course_attended(user=specialist, hours=64, attended=60))

    certificate = services.certificate_issue_exception(user=specialist, programme=programme, reason="Paberil",
                                                       actor=coordinator, academic_hours=Decimal("62"))

    assert certificate.academic_hours == Decimal("62")


def test_a_programme_without_recorded_attendance_needs_the_hours_typed_in(site_tree, coordinator, specialist):
    programme = factories.ProgrammePageFactory()
    factories.ProgrammePartFactory(page=programme, course=factories.CoursePageFactory(academic_hours=Decimal("64")))

    with pytest.raises(CertificateError):
        services.certificate_issue_exception(user=specialist, programme=programme, reason="Paberil",
                                             actor=coordinator)

    assert not Certificate.objects.exists()
