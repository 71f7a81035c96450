import datetime as dt

import pytest
from django.utils import timezone

from enrollment.models import CohortStatus, EnrollmentStatus
from feedback import services
from feedback.models import QuestionKind
from tests import factories


def questionnaire(title="Tagasiside", follow_up=False):
    questions = [
        {"kind": QuestionKind.RATING, "text": "Kui kasulik oli koolitus?", "text_en": "How useful was it?",
         "required": True},
        {"kind": QuestionKind.SINGLE, "text": "Kas mängite mängu?", "text_en": "Do you play the game?",
         "choices": "Jah\nEi", "choices_en": "Yes\nNo", "measures_implementation": follow_up},
        {"kind": QuestionKind.MULTIPLE, "text": "Mis takistab?", "text_en": "What stops you?",
         "choices": "Aeg\nRuum\nMuu", "choices_en": "Time\nRoom\nOther"},
        {"kind": QuestionKind.TEXT, "text": "Kommentaarid", "text_en": "Comments"},
        {"kind": QuestionKind.RECOMMEND, "text": "Kas soovitaksite?", "text_en": "Would you recommend it?"},
    ]
    return services.questionnaire_create(title=title, title_en="Feedback", questions=questions)


def finished_cohort(*, people=6, anonymous=True, ended_days_ago=1, trainers=(), follow_up_months=()):
    """A cohort whose last session ended `ended_days_ago`, with `people` who attended (COMPLETED) and one
    confirmed person who never came."""
    course = factories.CoursePageFactory()
    q = questionnaire()
    follow_ups = [(questionnaire("Järeltagasiside", follow_up=True), m) for m in follow_up_months]
    services.course_feedback_configure(course=course, questionnaire=q, anonymous=anonymous, follow_ups=follow_ups)
    cohort = factories.CohortFactory(course=course, status=CohortStatus.FINISHED, trainers=list(trainers))
    start = timezone.now() - dt.timedelta(days=ended_days_ago, hours=7)
    session = factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=6))
    enrollments = []
    for _ in range(people):
        e = factories.EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.COMPLETED)
        factories.AttendanceFactory(enrollment=e, session=session)
        enrollments.append(e)
    absent = factories.EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.NOT_COMPLETED)
    return {"course": course, "cohort": cohort, "questionnaire": q, "enrollments": enrollments, "absent": absent,
            "session": session}


def full_answers(survey, rating=4):
    qs = list(survey.questionnaire.questions.all())
    return {f"q{qs[0].pk}": str(rating), f"q{qs[1].pk}": "0", f"q{qs[2].pk}": ["0", "2"],
            f"q{qs[3].pk}": "Väga hea", f"q{qs[4].pk}": "9"}


@pytest.fixture
def build():
    return finished_cohort
