"""Completion re-evaluated when marks change after the cohort was closed: the enrollment's side (outcome,
history, CompletionResult, signals after commit). The certificates' side: tests/certificates/
test_completion_follows_attendance.py."""

from decimal import Decimal

import pytest

from enrollment import signals
from enrollment.attendance.models import CompletionResult
from enrollment.attendance.services import Mark, attendance_mark, cohort_close
from enrollment.models import EnrollmentEvent, EnrollmentStatus
from tests import factories
from tests.enrollment.attendance.conftest import make_session

pytestmark = pytest.mark.django_db


def test_a_coordinators_correction_after_the_lock_withdraws_completion_once_after_commit(
        site_tree, coordinator, settings, django_capture_on_commit_callbacks):
    settings.ATTENDANCE_LOCK_DAYS = 7
    course = factories.CoursePageFactory(academic_hours=Decimal("16"))
    cohort = factories.CohortFactory(course=course, status="running")
    first, second = make_session(cohort, days_ago=11), make_session(cohort, days_ago=10)
    person = factories.EnrollmentFactory(cohort=cohort)
    for session in (first, second):
        attendance_mark(session=session, actor=coordinator, reason="paper list",
                        marks=[Mark(enrollment_id=person.pk, status="present")])
    with django_capture_on_commit_callbacks(execute=True):
        cohort_close(cohort=cohort, actor=coordinator)
    withdrawn, completed = [], []

    def on_withdrawn(sender, enrollment, reason, **kwargs):
        withdrawn.append((enrollment.pk, reason))

    def on_completed(sender, enrollment, **kwargs):
        completed.append(enrollment.pk)

    signals.enrollment_completion_withdrawn.connect(on_withdrawn)
    signals.enrollment_completed.connect(on_completed)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            attendance_mark(session=second, actor=coordinator, reason="signed in but did not stay",
                            marks=[Mark(enrollment_id=person.pk, status="absent")])
            assert withdrawn == []  # nothing is announced before the commit
    finally:
        signals.enrollment_completion_withdrawn.disconnect(on_withdrawn)
        signals.enrollment_completed.disconnect(on_completed)
    person.refresh_from_db()
    assert person.status == EnrollmentStatus.NOT_COMPLETED
    assert [pk for pk, _reason in withdrawn] == [person.pk] and completed == []
    event = EnrollmentEvent.objects.filter(enrollment=person).latest("id")
    assert (event.from_status, event.to_status, event.actor) == ("completed", "not_completed", coordinator)
    assert "8" in event.reason and event.reason == withdrawn[0][1]
    result = CompletionResult.objects.get(enrollment=person)
    assert (result.completed, result.attended_hours, result.computed_by) == (False, Decimal("8"), coordinator)
