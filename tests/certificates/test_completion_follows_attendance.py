"""Completions that stay true (issue 14, finding 2): attendance changed after a cohort was closed re-evaluates
the enrollment's outcome, its CompletionResult, its certificate and the programme certificate."""

from decimal import Decimal

import pytest

from certificates.models import Certificate, CertificateRevision
from certificates.services import certificate_revoke
from enrollment.attendance.exceptions import AttendanceLocked
from enrollment.attendance.models import CompletionResult
from enrollment.attendance.services import (
    Mark,
    attendance_makeup_add,
    attendance_mark,
    cohort_close,
    completion_reevaluate,
)
from enrollment.models import EnrollmentEvent, EnrollmentStatus
from tests import factories
from tests.enrollment.attendance.conftest import make_session

pytestmark = pytest.mark.django_db


def _course(*, hours=32, sessions=4, days_ago=3.0, trainer=None, mandatory=()):
    """A course of `hours` academic hours; a cohort of `sessions` 8-academic-hour sessions that have ended,
    the last one `days_ago` days ago (inside the 7-day lock window by default)."""
    course = factories.CoursePageFactory(academic_hours=Decimal(hours))
    cohort = factories.CohortFactory(course=course, trainers=[trainer] if trainer else [], status="running")
    session_list = [make_session(cohort, days_ago=days_ago + (sessions - 1 - i) * 0.5, hours=6,
                                 mandatory=i in mandatory) for i in range(sessions)]
    return course, cohort, session_list


def _mark(actor, session, enrollment, status, minutes=0, reason="", makeup_for=None):
    return attendance_mark(session=session, actor=actor, reason=reason, marks=[Mark(
        enrollment_id=enrollment.pk, status=status, minutes_missed=minutes,
        makeup_for_id=makeup_for.pk if makeup_for else None)])


def _events(enrollment):
    return list(EnrollmentEvent.objects.filter(enrollment=enrollment).order_by("id")
                .values_list("from_status", "to_status"))


def test_makeup_after_closing_completes_the_course_and_issues_the_certificate(
        site_tree, coordinator, trainer, django_capture_on_commit_callbacks):
    course, cohort, sessions = _course(days_ago=20, mandatory={3})
    person = factories.EnrollmentFactory(cohort=cohort)
    for session in sessions[:3]:
        _mark(coordinator, session, person, "present", reason="closing")
    with django_capture_on_commit_callbacks(execute=True):
        cohort_close(cohort=cohort, actor=coordinator)
    person.refresh_from_db()
    assert person.status == EnrollmentStatus.NOT_COMPLETED and not Certificate.objects.exists()

    other = factories.CohortFactory(course=course, trainers=[trainer], status="running")
    makeup = make_session(other, days_ago=1, hours=6)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_makeup_add(session=makeup, email=person.user.email, actor=trainer)

    person.refresh_from_db()
    assert person.status == EnrollmentStatus.COMPLETED
    assert _events(person)[-1] == ("not_completed", "completed")
    event = EnrollmentEvent.objects.filter(enrollment=person).latest("id")
    assert event.actor == trainer and "32" in event.reason
    result = CompletionResult.objects.get(enrollment=person)
    assert (result.completed, result.attended_hours, result.mandatory_missed) == (True, Decimal("32"), 0)
    certificate = Certificate.objects.get()
    assert (certificate.enrollment, certificate.academic_hours, certificate.revoked_at) == (person, Decimal("32"),
                                                                                          None)


def test_late_correction_withdraws_completion_and_revokes_then_restores_the_certificate(
        site_tree, coordinator, trainer, django_capture_on_commit_callbacks):
    _course_page, cohort, sessions = _course(trainer=trainer, days_ago=2)
    person = factories.EnrollmentFactory(cohort=cohort)
    for session in sessions:
        _mark(trainer, session, person, "present")
    with django_capture_on_commit_callbacks(execute=True):
        cohort_close(cohort=cohort, actor=coordinator)
    certificate = Certificate.objects.get(enrollment=person)

    # The trainer corrects two marks within the lock window: 16 of 32 h, below 80 %.
    with django_capture_on_commit_callbacks(execute=True):
        _mark(trainer, sessions[3], person, "absent")
        _mark(trainer, sessions[2], person, "absent")
    person.refresh_from_db()
    certificate.refresh_from_db()
    assert person.status == EnrollmentStatus.NOT_COMPLETED
    assert _events(person)[-1] == ("completed", "not_completed")
    result = CompletionResult.objects.get(enrollment=person)
    assert (result.completed, result.attended_hours) == (False, Decimal("16"))
    assert certificate.revoked_at is not None and certificate.revoked_by is None and certificate.revoked_reason
    assert Certificate.objects.count() == 1

    # Corrected back: completed again, the same certificate (same number) is valid again, history kept.
    with django_capture_on_commit_callbacks(execute=True):
        _mark(trainer, sessions[2], person, "present")
        _mark(trainer, sessions[3], person, "present")
    person.refresh_from_db()
    number = certificate.number
    certificate.refresh_from_db()
    assert person.status == EnrollmentStatus.COMPLETED
    assert [e for e in _events(person) if e[0] != "confirmed"] == [("completed", "not_completed"),
                                                                  ("not_completed", "completed")]
    assert Certificate.objects.count() == 1
    assert (certificate.number, certificate.revoked_at, certificate.version) == (number, None, 2)
    assert CertificateRevision.objects.filter(certificate=certificate, version=1).exists()


def test_coordinator_revocation_is_not_undone_by_a_later_completion(
        site_tree, coordinator, trainer, django_capture_on_commit_callbacks):
    _course_page, cohort, sessions = _course(trainer=trainer, days_ago=2)
    person = factories.EnrollmentFactory(cohort=cohort)
    for session in sessions:
        _mark(trainer, session, person, "present")
    with django_capture_on_commit_callbacks(execute=True):
        cohort_close(cohort=cohort, actor=coordinator)
    certificate = certificate_revoke(certificate=Certificate.objects.get(), reason="Fraud", actor=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        _mark(trainer, sessions[3], person, "absent")
        _mark(trainer, sessions[2], person, "absent")
        _mark(trainer, sessions[2], person, "present")
        _mark(trainer, sessions[3], person, "present")
    certificate.refresh_from_db()
    assert (certificate.revoked_reason, certificate.revoked_by) == ("Fraud", coordinator)


def test_reevaluation_is_idempotent(site_tree, coordinator, trainer, django_capture_on_commit_callbacks):
    course, cohort, sessions = _course(trainer=trainer, days_ago=2)
    person = factories.EnrollmentFactory(cohort=cohort)
    for session in sessions[:3]:
        _mark(trainer, session, person, "present")
    with django_capture_on_commit_callbacks(execute=True):
        cohort_close(cohort=cohort, actor=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        _mark(trainer, sessions[3], person, "present")
    events, results = _events(person), list(CompletionResult.objects.values_list("completed", "attended_hours"))
    assert events[-1] == ("not_completed", "completed") and Certificate.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for _ in range(3):
            assert completion_reevaluate(enrollment=person, actor=coordinator) is False
        _mark(trainer, sessions[3], person, "present")  # the same mark again: unchanged
    assert callbacks == []
    assert _events(person) == events
    assert list(CompletionResult.objects.values_list("completed", "attended_hours")) == results
    assert Certificate.objects.count() == 1


def test_enrollment_of_an_open_cohort_is_not_closed_by_a_mark(site_tree, trainer):
    _course_page, cohort, sessions = _course(trainer=trainer, days_ago=2)
    person = factories.EnrollmentFactory(cohort=cohort)
    for session in sessions:
        _mark(trainer, session, person, "present")
    person.refresh_from_db()
    assert person.status == EnrollmentStatus.CONFIRMED
    assert not CompletionResult.objects.exists()


def test_trainer_cannot_correct_outside_the_lock_window_and_nothing_changes(
        site_tree, coordinator, trainer, settings, django_capture_on_commit_callbacks):
    settings.ATTENDANCE_LOCK_DAYS = 7
    _course_page, cohort, sessions = _course(trainer=trainer, days_ago=10)
    person = factories.EnrollmentFactory(cohort=cohort)
    for session in sessions:
        _mark(coordinator, session, person, "present", reason="entered late")
    with django_capture_on_commit_callbacks(execute=True):
        cohort_close(cohort=cohort, actor=coordinator)
    events = _events(person)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AttendanceLocked):
        _mark(trainer, sessions[3], person, "absent")
    person.refresh_from_db()
    assert person.status == EnrollmentStatus.COMPLETED and _events(person) == events
    assert CompletionResult.objects.get(enrollment=person).completed
    assert Certificate.objects.get().revoked_at is None


def test_programme_certificate_issued_once_with_the_hours_attended(
        site_tree, coordinator, trainer, specialist, django_capture_on_commit_callbacks):
    # The south-east programme's shape: four 32-hour courses (128 h); attended 28 + 28 + 27 + 27 = 110 h.
    programme = factories.ProgrammePageFactory(title="Kagu-Eesti programm")
    late_minutes = [180, 180, 225, 225]  # 4, 4, 5 and 5 academic hours missed in one session each
    enrollments = []
    for index, minutes in enumerate(late_minutes):
        course, cohort, sessions = _course(trainer=trainer, days_ago=2)
        factories.ProgrammePartFactory(page=programme, course=course, sort_order=index)
        enrollment = factories.EnrollmentFactory(cohort=cohort, user=specialist)
        for session in sessions[:3]:
            _mark(trainer, session, enrollment, "present")
        _mark(trainer, sessions[3], enrollment, "late", minutes=minutes)
        enrollments.append((cohort, enrollment, sessions))
    factories.ProgrammePartFactory(page=programme, course=None, kind="info_seminar", title="Infoseminar",
                                   academic_hours=Decimal("4"), counts_towards_total=False, sort_order=9)

    for cohort, _enrollment, _sessions in enrollments[:3]:
        with django_capture_on_commit_callbacks(execute=True):
            cohort_close(cohort=cohort, actor=coordinator)
    assert not Certificate.objects.filter(programme=programme).exists()  # one part still open

    with django_capture_on_commit_callbacks(execute=True):
        cohort_close(cohort=enrollments[3][0], actor=coordinator)
    certificate = Certificate.objects.get(programme=programme)
    assert (certificate.user, certificate.academic_hours, certificate.course) == (specialist, Decimal("110"), None)
    assert certificate.title == "Kagu-Eesti programm" and certificate.revoked_at is None
    assert Certificate.objects.filter(course__isnull=False, user=specialist).count() == 4

    # Re-evaluating and a correction that keeps the part completed issue nothing new.
    _cohort, last, last_sessions = enrollments[3]
    with django_capture_on_commit_callbacks(execute=True):
        completion_reevaluate(enrollment=last, actor=coordinator)
        _mark(trainer, last_sessions[3], last, "late", minutes=180)
    assert Certificate.objects.filter(programme=programme).count() == 1
    assert Certificate.objects.count() == 5
