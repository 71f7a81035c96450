"""attendance_mark: who may mark, which enrollments, the lock, stale forms, history."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from enrollment.attendance.exceptions import (
    AttendanceLocked,
    InvalidMark,
    NotAllowed,
    NotMarkable,
    ReasonRequired,
    SessionNotMarkable,
)
from enrollment.attendance.models import Attendance, AttendanceEvent
from enrollment.attendance.services import Mark, attendance_mark, attendance_mark_all_present
from enrollment.models import EnrollmentStatus
from tests import factories
from tests.enrollment.attendance.conftest import make_session

pytestmark = pytest.mark.django_db


def test_trainer_of_the_cohort_marks_and_history_records_who_and_what(session, participants, trainer):
    first, second, _third = participants
    result = attendance_mark(session=session, actor=trainer, marks=[
        Mark(enrollment_id=first.pk, status="present"),
        Mark(enrollment_id=second.pk, status="late", minutes_missed=30),
    ])
    assert len(result.saved) == 2
    late = Attendance.objects.get(enrollment=second, session=session)
    assert (late.status, late.minutes_missed, late.marked_by, late.version) == ("late", 30, trainer, 1)
    event = AttendanceEvent.objects.get(attendance=late)
    assert (event.actor, event.from_status, event.to_status, event.to_minutes) == (trainer, "", "late", 30)


def test_trainer_of_another_cohort_is_refused_and_nothing_is_saved(session, participants, course):
    other_trainer = factories.UserFactory(groups=["Trainers"])
    factories.CohortFactory(course=course, trainers=[other_trainer])
    with pytest.raises(NotAllowed):
        attendance_mark(session=session, actor=other_trainer,
                        marks=[Mark(enrollment_id=participants[0].pk, status="present")])
    assert not Attendance.objects.exists()


def test_specialist_cannot_mark_even_their_own_attendance(session, participants):
    me = participants[0]
    with pytest.raises(NotAllowed):
        attendance_mark(session=session, actor=me.user, marks=[Mark(enrollment_id=me.pk, status="present")])
    assert not Attendance.objects.exists()


def test_coordinator_may_mark_any_cohort(session, participants, coordinator):
    attendance_mark(session=session, actor=coordinator, marks=[Mark(enrollment_id=participants[0].pk, status="absent")])
    assert Attendance.objects.get().status == "absent"


def test_cancelled_enrollment_refuses_the_whole_save(session, participants, trainer):
    cancelled = factories.EnrollmentFactory(cohort=session.cohort, status=EnrollmentStatus.CANCELLED)
    with translation.override("en"), pytest.raises(NotMarkable) as refusal:
        attendance_mark(session=session, actor=trainer, marks=[
            Mark(enrollment_id=participants[0].pk, status="present"),
            Mark(enrollment_id=cancelled.pk, status="present"),
        ])
    assert "cancelled" in str(refusal.value).lower()
    assert not Attendance.objects.exists()


def test_waitlisted_enrollment_cannot_be_marked(session, trainer):
    waiting = factories.EnrollmentFactory(cohort=session.cohort, status=EnrollmentStatus.WAITLISTED)
    with pytest.raises(NotMarkable):
        attendance_mark(session=session, actor=trainer, marks=[Mark(enrollment_id=waiting.pk, status="present")])
    assert not Attendance.objects.exists()


def test_stale_form_does_not_overwrite_another_trainers_save_but_other_rows_merge(session, participants, trainer):
    second_trainer = factories.UserFactory(groups=["Trainers"])
    session.cohort.trainers.add(second_trainer)
    anne, berit, carl = participants
    # Both trainers open the roster while nothing is marked (every version 0).
    opened = {anne.pk: 0, berit.pk: 0, carl.pk: 0}
    attendance_mark(session=session, actor=second_trainer, expected_versions=opened,
                    marks=[Mark(enrollment_id=anne.pk, status="excused")])
    result = attendance_mark(session=session, actor=trainer, expected_versions=opened, marks=[
        Mark(enrollment_id=anne.pk, status="absent"),
        Mark(enrollment_id=berit.pk, status="present"),
    ])
    assert [a.enrollment_id for a in result.conflicts] == [anne.pk]
    assert result.conflict_names == ["Anne Aas"]
    assert Attendance.objects.get(enrollment=anne).status == "excused"  # the first save survives
    assert Attendance.objects.get(enrollment=berit).status == "present"  # the rest merged
    assert AttendanceEvent.objects.filter(attendance__enrollment=anne).count() == 1


def test_stale_form_with_the_same_mark_is_not_a_conflict(session, participants, trainer, coordinator):
    anne = participants[0]
    attendance_mark(session=session, actor=coordinator, expected_versions={anne.pk: 0},
                    marks=[Mark(enrollment_id=anne.pk, status="present")])
    result = attendance_mark(session=session, actor=trainer, expected_versions={anne.pk: 0},
                             marks=[Mark(enrollment_id=anne.pk, status="present")])
    assert (result.conflicts, len(result.unchanged)) == ([], 1)


def test_current_form_overwrites_and_bumps_the_version(session, participants, trainer):
    anne = participants[0]
    attendance_mark(session=session, actor=trainer, expected_versions={anne.pk: 0},
                    marks=[Mark(enrollment_id=anne.pk, status="present")])
    attendance_mark(session=session, actor=trainer, expected_versions={anne.pk: 1},
                    marks=[Mark(enrollment_id=anne.pk, status="left_early", minutes_missed=45)])
    row = Attendance.objects.get(enrollment=anne)
    assert (row.status, row.minutes_missed, row.version) == ("left_early", 45, 2)
    assert list(row.events.values_list("from_status", "to_status")) == [("", "present"), ("present", "left_early")]


def test_trainer_is_refused_after_the_lock(cohort, participants, trainer, settings):
    settings.ATTENDANCE_LOCK_DAYS = 7
    old = make_session(cohort, days_ago=9)
    with pytest.raises(AttendanceLocked):
        attendance_mark(session=old, actor=trainer, marks=[Mark(enrollment_id=participants[0].pk, status="present")],
                        reason="Forgot to mark")
    assert not Attendance.objects.exists()


def test_trainer_may_still_mark_before_the_lock(cohort, participants, trainer, settings):
    settings.ATTENDANCE_LOCK_DAYS = 7
    recent = make_session(cohort, days_ago=6)
    attendance_mark(session=recent, actor=trainer, marks=[Mark(enrollment_id=participants[0].pk, status="present")])
    assert Attendance.objects.count() == 1


def test_coordinator_needs_a_reason_after_the_lock_and_the_reason_is_kept(cohort, participants, coordinator):
    old = make_session(cohort, days_ago=30)
    mark = [Mark(enrollment_id=participants[0].pk, status="present")]
    with pytest.raises(ReasonRequired):
        attendance_mark(session=old, actor=coordinator, marks=mark)
    with pytest.raises(ReasonRequired):
        attendance_mark(session=old, actor=coordinator, marks=mark, reason="   ")
    assert not Attendance.objects.exists()
    attendance_mark(session=old, actor=coordinator, marks=mark, reason="Sign-in sheet shows her signature")
    assert AttendanceEvent.objects.get().reason == "Sign-in sheet shows her signature"


def test_late_needs_minutes_within_the_session_and_present_takes_none(session, participants, trainer):
    pk = participants[0].pk
    for bad in (Mark(enrollment_id=pk, status="late"), Mark(enrollment_id=pk, status="late", minutes_missed=360),
                Mark(enrollment_id=pk, status="present", minutes_missed=10),
                Mark(enrollment_id=pk, status="asleep")):
        with pytest.raises(InvalidMark):
            attendance_mark(session=session, actor=trainer, marks=[bad])
    assert not Attendance.objects.exists()


def test_attended_marks_wait_for_the_session_but_excused_may_be_marked_in_advance(cohort, participants, trainer):
    future = factories.SessionFactory(cohort=cohort)  # three weeks ahead
    with pytest.raises(SessionNotMarkable):
        attendance_mark(session=future, actor=trainer, marks=[Mark(enrollment_id=participants[0].pk, status="present")])
    attendance_mark(session=future, actor=trainer, marks=[Mark(enrollment_id=participants[0].pk, status="excused")])
    assert Attendance.objects.get().status == "excused"


def test_cancelled_session_cannot_be_marked(cohort, participants, trainer):
    cancelled = make_session(cohort, status="cancelled")
    with pytest.raises(SessionNotMarkable):
        attendance_mark(session=cancelled, actor=trainer,
                        marks=[Mark(enrollment_id=participants[0].pk, status="present")])


def test_mark_all_present_marks_only_the_unmarked(session, participants, trainer):
    anne, berit, carl = participants
    attendance_mark(session=session, actor=trainer, marks=[Mark(enrollment_id=anne.pk, status="absent")])
    factories.EnrollmentFactory(cohort=session.cohort, status=EnrollmentStatus.CANCELLED)
    result = attendance_mark_all_present(session=session, actor=trainer)
    assert sorted(a.enrollment_id for a in result.saved) == sorted([berit.pk, carl.pk])
    assert dict(Attendance.objects.values_list("enrollment_id", "status")) == {
        anne.pk: "absent", berit.pk: "present", carl.pk: "present"}


def test_makeup_in_another_cohort_of_the_same_course_is_marked_by_that_cohorts_trainer(course, session, participants):
    host_trainer = factories.UserFactory(groups=["Trainers"])
    host = factories.CohortFactory(course=course, trainers=[host_trainer])
    host_session = make_session(host)
    guest = participants[0]
    attendance_mark(session=host_session, actor=host_trainer,
                    marks=[Mark(enrollment_id=guest.pk, status="present", makeup_for_id=session.pk)])
    row = Attendance.objects.get()
    assert row.is_makeup and row.makeup_for == session
    guest.refresh_from_db()
    assert guest.cohort_id == session.cohort_id  # the enrollment stays in its own cohort


def test_enrollment_of_another_course_cannot_be_marked(session, trainer):
    stranger = factories.EnrollmentFactory()  # a cohort of a different course
    with pytest.raises(NotMarkable):
        attendance_mark(session=session, actor=trainer, marks=[Mark(enrollment_id=stranger.pk, status="present")])


def test_attendance_history_is_append_only(session, participants, trainer):
    attendance_mark(session=session, actor=trainer, marks=[Mark(enrollment_id=participants[0].pk, status="present")])
    event = AttendanceEvent.objects.get()
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
