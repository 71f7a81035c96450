"""The completion rule at its edges, programmes from their parts, and closing a cohort."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from enrollment import signals
from enrollment.attendance.completion import mark_hours
from enrollment.attendance.exceptions import CohortNotClosable, NotAllowed
from enrollment.attendance.models import CompletionResult
from enrollment.attendance.selectors import (
    hours_ledger,
    programme_progress_for_user,
    progress_for_enrollment,
)
from enrollment.attendance.services import Mark, attendance_mark, cohort_close
from enrollment.models import CohortStatus, EnrollmentEvent, EnrollmentStatus
from tests import factories
from tests.enrollment.attendance.conftest import make_session

pytestmark = pytest.mark.django_db


def _course_with_sessions(*, hours, session_hours, percent=80, trainer=None, mandatory=()):
    """A course of `hours` academic hours, a cohort whose sessions last `session_hours` academic hours each."""
    course = factories.CoursePageFactory(academic_hours=Decimal(hours), completion_min_percent=percent)
    cohort = factories.CohortFactory(course=course, trainers=[trainer] if trainer else [], status="running")
    sessions = [make_session(cohort, days_ago=len(session_hours) - i, hours=h * 0.75, mandatory=i in mandatory)
                for i, h in enumerate(session_hours)]
    return course, cohort, sessions


def _mark(coordinator, session, enrollment, status, minutes=0, makeup_for=None):
    attendance_mark(session=session, actor=coordinator, reason="test", marks=[
        Mark(enrollment_id=enrollment.pk, status=status, minutes_missed=minutes,
             makeup_for_id=makeup_for.pk if makeup_for else None)])


def test_mark_hours_per_status():
    eight = Decimal("8")
    assert mark_hours(status="present", minutes_missed=0, session_hours=eight) == Decimal("8")
    assert mark_hours(status="late", minutes_missed=45, session_hours=eight) == Decimal("7")
    assert mark_hours(status="left_early", minutes_missed=30, session_hours=eight) == Decimal("7.33")
    assert mark_hours(status="excused", minutes_missed=0, session_hours=eight) == Decimal("0")
    assert mark_hours(status="absent", minutes_missed=0, session_hours=eight) == Decimal("0")


def test_exactly_80_percent_completes_and_just_below_does_not(site_tree, coordinator):
    # 10 sessions of 1 academic hour: 8 attended = exactly 80 %.
    _course, cohort, sessions = _course_with_sessions(hours=10, session_hours=[1] * 10)
    exact, below = factories.EnrollmentFactory(cohort=cohort), factories.EnrollmentFactory(cohort=cohort)
    for session in sessions[:8]:
        _mark(coordinator, session, exact, "present")
        _mark(coordinator, session, below, "present")
    _mark(coordinator, sessions[7], below, "late", minutes=1)  # 1 minute short of 8 hours
    at_80 = progress_for_enrollment(enrollment=exact)
    assert (at_80.attended_hours, at_80.percent, at_80.rule_met) == (Decimal("8"), Decimal("80.0"), True)
    under = progress_for_enrollment(enrollment=below)
    assert under.attended_hours == Decimal("7.98") and not under.rule_met


def test_late_minutes_reduce_hours_below_the_threshold(site_tree, coordinator):
    # Two 8-hour sessions; 80 % of 16 is 12.8 h. Present + left 4 academic hours early = 12 h: not enough.
    _course, cohort, (first, second) = _course_with_sessions(hours=16, session_hours=[8, 8])
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    _mark(coordinator, first, enrollment, "present")
    _mark(coordinator, second, enrollment, "left_early", minutes=4 * 45)
    progress = progress_for_enrollment(enrollment=enrollment)
    assert progress.attended_hours == Decimal("12") and not progress.rule_met
    _mark(coordinator, second, enrollment, "late", minutes=45)  # corrected: only one academic hour missed
    progress = progress_for_enrollment(enrollment=enrollment)
    assert progress.attended_hours == Decimal("15") and progress.rule_met


def test_excused_absence_earns_no_hours_and_does_not_count_as_attended(site_tree, coordinator):
    _course, cohort, sessions = _course_with_sessions(hours=16, session_hours=[8, 8])
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    _mark(coordinator, sessions[0], enrollment, "present")
    _mark(coordinator, sessions[1], enrollment, "excused")
    progress = progress_for_enrollment(enrollment=enrollment)
    assert (progress.attended_hours, progress.percent, progress.rule_met) == (Decimal("8"), Decimal("50.0"), False)


def test_makeup_session_in_another_cohort_counts_and_satisfies_the_mandatory_session(site_tree, coordinator):
    course, cohort, (first, mandatory_session) = _course_with_sessions(hours=16, session_hours=[8, 8],
                                                                       mandatory={1})
    other = factories.CohortFactory(course=course)
    makeup = make_session(other, hours=6)  # 8 academic hours
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    _mark(coordinator, first, enrollment, "present")
    _mark(coordinator, mandatory_session, enrollment, "excused")
    before = progress_for_enrollment(enrollment=enrollment)
    assert not before.rule_met and before.mandatory_missed == [mandatory_session]
    _mark(coordinator, makeup, enrollment, "present", makeup_for=mandatory_session)
    after = progress_for_enrollment(enrollment=enrollment)
    assert (after.attended_hours, after.mandatory_missed, after.rule_met) == (Decimal("16"), [], True)


def test_missing_a_mandatory_session_fails_even_with_enough_hours(site_tree, coordinator):
    _course, cohort, sessions = _course_with_sessions(hours=10, session_hours=[1] * 10, mandatory={9})
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    for session in sessions[:9]:
        _mark(coordinator, session, enrollment, "present")
    _mark(coordinator, sessions[9], enrollment, "absent")
    progress = progress_for_enrollment(enrollment=enrollment)
    assert progress.percent == Decimal("90.0") and progress.hours_rule_met
    assert not progress.rule_met and len(progress.mandatory_missed) == 1


def test_course_percent_setting_is_used(site_tree, coordinator):
    _course, cohort, sessions = _course_with_sessions(hours=16, session_hours=[8, 8], percent=50)
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    _mark(coordinator, sessions[0], enrollment, "present")
    assert progress_for_enrollment(enrollment=enrollment).rule_met


def test_programme_completes_only_when_every_course_part_rule_is_met(site_tree, coordinator, specialist):
    course_a, cohort_a, sessions_a = _course_with_sessions(hours=16, session_hours=[8, 8])
    course_b, cohort_b, sessions_b = _course_with_sessions(hours=8, session_hours=[8])
    programme = factories.ProgrammePageFactory()
    factories.ProgrammePartFactory(page=programme, course=course_a)
    factories.ProgrammePartFactory(page=programme, course=course_b)
    factories.ProgrammePartFactory(page=programme, course=None, kind="info_seminar", title="Infoseminar",
                                   academic_hours=Decimal("4"))
    a = factories.EnrollmentFactory(cohort=cohort_a, user=specialist)
    b = factories.EnrollmentFactory(cohort=cohort_b, user=specialist)
    for session in sessions_a:
        _mark(coordinator, session, a, "present")
    _mark(coordinator, sessions_b[0], b, "absent")
    progress = programme_progress_for_user(user=specialist, programme=programme)
    assert not progress.completed
    assert (progress.attended_hours, progress.total_hours) == (Decimal("16"), Decimal("28"))
    _mark(coordinator, sessions_b[0], b, "present")
    progress = programme_progress_for_user(user=specialist, programme=programme)
    assert progress.completed and progress.attended_display == "24" and progress.total_display == "28"


def test_hours_ledger_lists_courses_and_programmes(site_tree, coordinator, specialist, django_assert_max_num_queries):
    course, cohort, sessions = _course_with_sessions(hours=16, session_hours=[8, 8])
    programme = factories.ProgrammePageFactory()
    factories.ProgrammePartFactory(page=programme, course=course)
    enrollment = factories.EnrollmentFactory(cohort=cohort, user=specialist)
    _mark(coordinator, sessions[0], enrollment, "present")
    with django_assert_max_num_queries(6):
        ledger = hours_ledger(user=specialist)
    assert [(p.attended_display, p.total_display) for p in ledger["courses"]] == [("8", "16")]
    assert [(p.programme.pk, p.attended_display) for p in ledger["programmes"]] == [(programme.pk, "8")]


# --- closing a cohort ----------------------------------------------------------------------------

def test_cohort_close_sets_outcomes_history_results_and_sends_signals_once(site_tree, coordinator,
                                                                            django_capture_on_commit_callbacks):
    _course, cohort, sessions = _course_with_sessions(hours=16, session_hours=[8, 8])
    passed, failed = factories.EnrollmentFactory(cohort=cohort), factories.EnrollmentFactory(cohort=cohort)
    cancelled = factories.EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.CANCELLED)
    for session in sessions:
        _mark(coordinator, session, passed, "present")
    _mark(coordinator, sessions[0], failed, "present")
    completed, finished = [], []

    def on_completed(sender, enrollment, **kwargs):
        completed.append(enrollment.pk)

    def on_finished(sender, cohort, **kwargs):
        finished.append(cohort.pk)

    signals.enrollment_completed.connect(on_completed)
    signals.cohort_finished.connect(on_finished)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            counts = cohort_close(cohort=cohort, actor=coordinator)
            assert completed == [] and finished == []  # nothing is announced before the commit
    finally:
        signals.enrollment_completed.disconnect(on_completed)
        signals.cohort_finished.disconnect(on_finished)
    assert counts == {"completed": 1, "not_completed": 1}
    assert (completed, finished) == ([passed.pk], [cohort.pk])
    cohort.refresh_from_db()
    passed.refresh_from_db()
    failed.refresh_from_db()
    cancelled.refresh_from_db()
    assert cohort.status == CohortStatus.FINISHED
    assert (passed.status, failed.status, cancelled.status) == ("completed", "not_completed", "cancelled")
    event = EnrollmentEvent.objects.filter(enrollment=failed).latest("id")
    assert (event.from_status, event.to_status, event.actor) == ("confirmed", "not_completed", coordinator)
    assert event.reason.startswith("Osaletud 8 akadeemilist tundi 16-st (50,0 %")  # written in Estonian
    result = CompletionResult.objects.get(enrollment=failed)
    assert (result.attended_hours, result.total_hours, result.completed) == (Decimal("8"), Decimal("16"), False)


def test_cohort_close_refusals(site_tree, coordinator, trainer):
    _course, cohort, _sessions = _course_with_sessions(hours=16, session_hours=[8, 8], trainer=trainer)
    factories.EnrollmentFactory(cohort=cohort)
    with pytest.raises(NotAllowed):
        cohort_close(cohort=cohort, actor=trainer)
    future = factories.SessionFactory(cohort=cohort)
    with pytest.raises(CohortNotClosable):
        cohort_close(cohort=cohort, actor=coordinator)
    cohort.refresh_from_db()
    assert cohort.status == "running"
    future.status = "cancelled"
    future.save()
    cohort_close(cohort=cohort, actor=coordinator)
    with pytest.raises(CohortNotClosable):
        cohort_close(cohort=cohort, actor=coordinator)


def test_sweep_closes_only_cohorts_whose_marks_are_final(site_tree, coordinator, settings):
    settings.ATTENDANCE_LOCK_DAYS = 7
    course = factories.CoursePageFactory()
    old = factories.CohortFactory(course=course, status="running")
    make_session(old, days_ago=10)
    recent = factories.CohortFactory(course=course, status="running")
    make_session(recent, days_ago=3)
    enrollment = factories.EnrollmentFactory(cohort=old)
    call_command("sweep")
    old.refresh_from_db()
    recent.refresh_from_db()
    enrollment.refresh_from_db()
    assert (old.status, recent.status, enrollment.status) == ("finished", "running", "not_completed")
    assert EnrollmentEvent.objects.filter(enrollment=enrollment, actor__isnull=True, to_status="not_completed").exists()


def test_closing_tells_everyone_their_outcome_with_the_figures(site_tree, coordinator,
                                                                 django_capture_on_commit_callbacks):
    from django.core import mail

    _course, cohort, sessions = _course_with_sessions(hours=4, session_hours=[1] * 4, mandatory=(3,))
    done = factories.EnrollmentFactory(cohort=cohort, user=factories.UserFactory(email="valmis@example.ee"))
    short = factories.EnrollmentFactory(cohort=cohort, user=factories.UserFactory(email="puudu@example.ee"))
    for session in sessions:
        _mark(coordinator, session, done, "present")
    for session in sessions[:3]:
        _mark(coordinator, session, short, "present")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cohort_close(cohort=cohort, actor=coordinator)
    by_person = {}
    for message in mail.outbox:  # the first one each (the certificate-ready e-mail follows the completed one)
        by_person.setdefault(message.to[0], message)
    assert set(by_person) == {"valmis@example.ee", "puudu@example.ee"}
    assert [m.to[0] for m in mail.outbox].count("puudu@example.ee") == 1
    assert "läbinud" in by_person["valmis@example.ee"].subject
    assert "4 akadeemilisest tunnist 4" in by_person["valmis@example.ee"].body
    not_done = by_person["puudu@example.ee"]
    assert "ei ole läbitud" in not_done.subject
    assert "4 akadeemilisest tunnist 3" in not_done.body
    assert "Kohustuslikke õppesessioone jäi vahele: 1" in not_done.body
