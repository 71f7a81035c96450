"""Invitations after each session (a course option): who was marked attended at that session is asked once and
reminded once, the sweep sends nothing twice, the last session is the training's own questionnaire, and the
results stand per session."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from enrollment.models import CohortStatus, EnrollmentStatus, SessionStatus
from feedback import selectors, services
from feedback.models import Invitation, Survey, SurveyKind
from outbox.models import Message
from tests import factories

from .conftest import full_answers, questionnaire

pytestmark = pytest.mark.django_db


def running_cohort(*, people=3, per_session=True, after=True, anonymous=True, trainers=()):
    """A running cohort of three sessions (two ended, 3 and 2 days ago; one next week). Everyone attended the
    first session; only the first person the second; the rest were absent from it."""
    course = factories.CoursePageFactory()
    services.course_feedback_configure(
        course=course, questionnaire=questionnaire() if after else None, anonymous=anonymous,
        session_questionnaire=questionnaire("Sessiooni tagasiside") if per_session else None)
    cohort = factories.CohortFactory(course=course, status=CohortStatus.RUNNING, trainers=list(trainers))
    now = timezone.now()
    sessions = [factories.SessionFactory(cohort=cohort, starts_at=now - dt.timedelta(days=days, hours=7))
                for days in (3, 2)]
    sessions.append(factories.SessionFactory(cohort=cohort, starts_at=now + dt.timedelta(days=5)))
    enrollments = [factories.EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.CONFIRMED)
                   for _ in range(people)]
    for i, enrollment in enumerate(enrollments):
        factories.AttendanceFactory(enrollment=enrollment, session=sessions[0])
        factories.AttendanceFactory(enrollment=enrollment, session=sessions[1],
                                    status="present" if i == 0 else "absent")
    return {"course": course, "cohort": cohort, "sessions": sessions, "enrollments": enrollments}


def _invited(session) -> set[int]:
    return set(Invitation.objects.filter(survey__session=session).values_list("user_id", flat=True))


def test_each_ended_session_asks_those_marked_attended_at_it():
    data = running_cohort(people=3)
    first, second, coming = data["sessions"]
    counts = services.invitations_send_due()
    assert counts["invited"] == 4
    assert _invited(first) == {e.user_id for e in data["enrollments"]}
    assert _invited(second) == {data["enrollments"][0].user_id}  # the two marked absent are not asked
    assert not Survey.objects.filter(session=coming).exists()  # not held yet
    assert not Survey.objects.filter(kind=SurveyKind.AFTER).exists()  # the cohort has not ended
    survey = Survey.objects.get(session=first)
    assert survey.kind == SurveyKind.SESSION and survey.cohort == data["cohort"] and survey.anonymous
    assert survey.questionnaire.title == "Sessiooni tagasiside"
    assert Message.objects.filter(kind="feedback_invitation").count() == 4


def test_running_the_sweep_again_sends_nothing_new():
    running_cohort(people=3)
    assert services.invitations_send_due()["invited"] == 4
    assert services.invitations_send_due() == {"invited": 0, "reminded": 0}
    assert Message.objects.count() == 4
    assert Survey.objects.count() == 2 and Invitation.objects.count() == 4


def test_one_reminder_per_person_and_session_survey():
    data = running_cohort(people=2)
    services.invitations_send_due()
    answered = Invitation.objects.get(survey__session=data["sessions"][0], user=data["enrollments"][1].user)
    services.response_submit(invitation=answered, answers=full_answers(answered.survey))
    later = timezone.now() + dt.timedelta(days=8)
    assert services.invitations_send_due(now=later)["reminded"] == 2  # 3 invitations, one answered
    assert services.invitations_send_due(now=later + dt.timedelta(days=1))["reminded"] == 0
    reminded = Message.objects.filter(kind="feedback_reminder")
    assert reminded.count() == 2
    first_person = data["enrollments"][0].user_id
    assert set(Invitation.objects.exclude(reminded_at=None).values_list("user_id", "survey__session")) == {
        (first_person, data["sessions"][0].pk), (first_person, data["sessions"][1].pk)}


def test_without_the_option_no_session_is_asked():
    running_cohort(people=2, per_session=False)
    assert services.invitations_send_due()["invited"] == 0
    assert not Survey.objects.exists()


def test_cancelled_session_is_not_asked():
    data = running_cohort(people=2)
    second = data["sessions"][1]
    second.status = SessionStatus.CANCELLED
    second.save()
    services.invitations_send_due()
    assert not Survey.objects.filter(session=second).exists()
    assert Survey.objects.filter(session=data["sessions"][0]).exists()


def test_person_marked_present_later_is_invited_while_the_survey_is_open():
    data = running_cohort(people=2)
    services.invitations_send_due()
    late = factories.EnrollmentFactory(cohort=data["cohort"], status=EnrollmentStatus.CONFIRMED)
    factories.AttendanceFactory(enrollment=late, session=data["sessions"][1])
    assert services.invitations_send_due()["invited"] == 1
    assert late.user_id in _invited(data["sessions"][1])


def test_the_last_session_is_asked_by_the_training_questionnaire_only():
    """Two invitations for one afternoon would be one too many: when the course has a questionnaire after the
    training, the session that ends the cohort gets that one, not a session survey as well."""
    data = running_cohort(people=2)
    coming = data["sessions"][2]
    for enrollment in data["enrollments"]:
        factories.AttendanceFactory(enrollment=enrollment, session=coming)
    after_the_end = coming.ends_at + dt.timedelta(hours=1)
    services.invitations_send_due(now=after_the_end)
    assert not Survey.objects.filter(session=coming).exists()
    after = Survey.objects.get(kind=SurveyKind.AFTER)
    assert set(after.invitations.values_list("user_id", flat=True)) == {e.user_id for e in data["enrollments"]}


def test_without_a_training_questionnaire_the_last_session_is_asked_too():
    data = running_cohort(people=2, after=False)
    coming = data["sessions"][2]
    factories.AttendanceFactory(enrollment=data["enrollments"][0], session=coming)
    services.invitations_send_due(now=coming.ends_at + dt.timedelta(hours=1))
    assert _invited(coming) == {data["enrollments"][0].user_id}
    assert not Survey.objects.filter(kind=SurveyKind.AFTER).exists()


def test_the_invitation_and_the_prompt_name_the_session(client, django_capture_on_commit_callbacks):
    from django.core import mail

    data = running_cohort(people=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send_due()
    days = [timezone.localtime(s.starts_at).strftime("%d.%m.%Y") for s in data["sessions"][:2]]
    person = data["enrollments"][0].user  # at both sessions: two questionnaires, one about each
    bodies = sorted((m.body for m in mail.outbox if m.to == [person.email]), key=lambda body: days[1] in body)
    assert len(bodies) == 2 and days[0] in bodies[0] and days[1] in bodies[1]
    client.force_login(person)
    page = client.get(reverse("my_trainings")).content.decode()
    assert days[0] in page and days[1] in page and page.count("/feedback/") == 2


def test_results_stand_per_session_survey(client, coordinator):
    data = running_cohort(people=6)
    services.invitations_send_due()
    first = Survey.objects.get(session=data["sessions"][0])
    second = Survey.objects.get(session=data["sessions"][1])
    for invitation in first.invitations.all()[:5]:
        services.response_submit(invitation=invitation, answers=full_answers(first, rating=5))
    services.response_submit(invitation=second.invitations.get(), answers=full_answers(second, rating=1))
    first_results, second_results = selectors.survey_results(first), selectors.survey_results(second)
    assert first_results.shown and first_results.questions[0].average == 5
    assert first_results.invited == 6 and first_results.answered == 5
    assert not second_results.shown  # one answer of one person: hidden, as for any anonymous survey
    client.force_login(coordinator)
    index = client.get(reverse("feedback_results:index")).content.decode()
    day = timezone.localtime(data["sessions"][0].starts_at).strftime("%d.%m.%Y")
    assert f'data-survey="{first.pk}"' in index and f'data-survey="{second.pk}"' in index
    assert day in index
    page = client.get(reverse("feedback_results:survey", args=[first.pk]))
    assert page.status_code == 200 and day in page.content.decode()
