"""Two items noted with issue 14: the admin's "issued by hand" filter, and a trainer qualification that follows
the completion that granted it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates import services
from certificates.models import ISSUED_BY_HAND, Certificate, QualificationEvent, TrainerQualification
from enrollment.models import EnrollmentStatus
from enrollment.services.cohorts import trainer_candidates
from enrollment.signals import enrollment_completion_withdrawn
from tests import factories
from tests.certificates.conftest import complete, finished_cohort, graduate

pytestmark = pytest.mark.django_db


# --- (a) automatic programme certificates are not "issued by hand" ------------------------------------------

def _attended_course(*, user, hours=16):
    course = factories.CoursePageFactory(academic_hours=Decimal(hours))
    cohort = factories.CohortFactory(course=course)
    start = timezone.now() - dt.timedelta(days=20)
    session = factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=5),
                                       academic_hours_override=Decimal(hours))
    enrollment = factories.EnrollmentFactory(cohort=cohort, user=user, status=EnrollmentStatus.COMPLETED)
    factories.AttendanceFactory(enrollment=enrollment, session=session, status="present")
    return course


def test_an_automatic_programme_certificate_is_not_counted_as_issued_by_hand(client, site_tree, coordinator):
    automatic_holder = factories.UserFactory(full_name="Aadu Automaat")
    programme = factories.ProgrammePageFactory(title="Kagu-Eesti programm")
    factories.ProgrammePartFactory(page=programme, course=_attended_course(user=automatic_holder))
    automatic = services.programme_certificate_issue_automatic(user=automatic_holder, programme=programme)
    assert automatic is not None and automatic.exception_reason and automatic.issued_by is None
    by_hand = services.certificate_issue_exception(user=factories.UserFactory(full_name="Hanna Käsitsi"),
                                                   programme=programme, academic_hours=Decimal("16"),
                                                   reason="Osales pilootkoolitusel", actor=coordinator)
    client.force_login(coordinator)

    only_by_hand = client.get(reverse("certificates_admin:index"), {"by_hand": "true"}).content.decode()
    not_by_hand = client.get(reverse("certificates_admin:index"), {"by_hand": "false"}).content.decode()

    assert by_hand.number in only_by_hand and automatic.number not in only_by_hand
    assert automatic.number in not_by_hand and by_hand.number not in not_by_hand
    assert by_hand.issued_by_hand and not automatic.issued_by_hand
    assert list(Certificate.objects.filter(ISSUED_BY_HAND)) == [by_hand]


# --- (b) a trainer qualification follows the completion that granted it -------------------------------------

@pytest.fixture
def trainer_courses(site_tree):
    base = factories.CoursePageFactory(title="Maakondliku turvavõrgustiku koolitus", requires_qualified_trainers=True)
    trainer_course = factories.CoursePageFactory(title="Turvavõrgustiku koolitajate koolitus", qualifies_for=base,
                                                 requires_qualified_trainers=True, trainer_qualification_course=base,
                                                 qualification_validity_months=36)
    founder = factories.UserFactory(full_name="Anne Algaja")
    factories.TrainerQualificationFactory(user=founder, course=base, granted_at=timezone.localdate() - dt.timedelta(
        days=100), valid_until=timezone.localdate() + dt.timedelta(days=900))
    return base, finished_cohort(course=trainer_course, trainers=[founder])


def _withdraw(enrollment, reason="Osalemine parandati"):
    enrollment.status = EnrollmentStatus.NOT_COMPLETED
    enrollment.save(update_fields=["status"])
    enrollment_completion_withdrawn.send(sender=type(enrollment), enrollment=enrollment, reason=reason)


def _kinds(qualification):
    return list(qualification.events.order_by("at", "id").values_list("kind", flat=True))


def test_a_withdrawn_trainer_course_completion_withdraws_the_qualification_and_restoring_it_gives_it_back(
        trainer_courses):
    base, cohort = trainer_courses
    person = factories.UserFactory(full_name="Peeter Pärn")
    enrollment = graduate(user=person, cohort=cohort)
    qualification = TrainerQualification.objects.get(user=person, course=base)
    assert qualification.allows_teaching_on() and person in trainer_candidates()

    _withdraw(enrollment, reason="Osalemine parandati")

    qualification.refresh_from_db()
    assert Certificate.objects.get(enrollment=enrollment).status == "revoked"
    assert qualification.status == "suspended" and not qualification.allows_teaching_on()
    assert person not in trainer_candidates()
    assert _kinds(qualification) == [QualificationEvent.Kind.GRANTED, QualificationEvent.Kind.WITHDRAWN]
    assert qualification.events.last().reason == "Osalemine parandati"
    _withdraw(enrollment)  # idempotent
    assert qualification.events.count() == 2

    complete(enrollment)

    qualification.refresh_from_db()
    assert Certificate.objects.get(enrollment=enrollment).status == "valid"
    assert qualification.allows_teaching_on() and person in trainer_candidates()
    assert _kinds(qualification)[-1] == QualificationEvent.Kind.RESTORED


def test_a_coordinators_revocation_of_the_trainer_course_certificate_withdraws_the_qualification(
        trainer_courses, coordinator):
    base, cohort = trainer_courses
    person = factories.UserFactory()
    enrollment = graduate(user=person, cohort=cohort)

    services.certificate_revoke(certificate=Certificate.objects.get(enrollment=enrollment), reason="Vale isik",
                                actor=coordinator)

    qualification = TrainerQualification.objects.get(user=person, course=base)
    event = qualification.events.last()
    assert qualification.status == "suspended"
    assert (event.kind, event.actor, event.reason) == (QualificationEvent.Kind.WITHDRAWN, coordinator, "Vale isik")


def test_a_suspension_by_a_coordinator_is_not_lifted_when_the_completion_comes_back(trainer_courses, coordinator):
    base, cohort = trainer_courses
    person = factories.UserFactory()
    enrollment = graduate(user=person, cohort=cohort)
    qualification = TrainerQualification.objects.get(user=person, course=base)
    _withdraw(enrollment)
    services.qualification_reinstate(qualification=qualification, actor=coordinator)
    services.qualification_suspend(qualification=qualification, reason="Kaebus", actor=coordinator)

    complete(enrollment)

    qualification.refresh_from_db()
    assert qualification.status == "suspended" and qualification.suspended_reason == "Kaebus"


def test_a_withdrawn_refresher_undoes_only_the_extension_it_gave(trainer_courses):
    base, cohort = trainer_courses
    person = factories.UserFactory()
    held_until = timezone.localdate() + dt.timedelta(days=200)
    qualification = factories.TrainerQualificationFactory(user=person, course=base, valid_until=held_until,
                                                           granted_at=timezone.localdate() - dt.timedelta(days=900))
    enrollment = graduate(user=person, cohort=cohort)
    qualification.refresh_from_db()
    extended = qualification.valid_until
    assert extended > held_until

    _withdraw(enrollment)
    qualification.refresh_from_db()
    assert qualification.valid_until == held_until and qualification.status != "suspended"
    assert _kinds(qualification)[-1] == QualificationEvent.Kind.WITHDRAWN

    complete(enrollment)
    qualification.refresh_from_db()
    assert qualification.valid_until == extended
    assert _kinds(qualification)[-1] == QualificationEvent.Kind.RESTORED
