"""Coordinators write questionnaires (inline questions) and course settings in the Wagtail admin and read the
results per cohort, per course over time and per trainer, with CSV/XLSX downloads."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from feedback import services
from feedback.models import CourseFeedbackSettings, Invitation, Questionnaire
from tests import factories

from .conftest import finished_cohort, full_answers

pytestmark = pytest.mark.django_db


def _inline(prefix, rows):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
        data[f"{prefix}-{i}-ORDER"] = str(i + 1)
        data[f"{prefix}-{i}-DELETE"] = ""
    return data


def test_coordinator_writes_a_questionnaire_with_inline_questions(client, coordinator):
    client.force_login(coordinator)
    data = {"title": "Järeltagasiside", "title_en": "Follow-up", "intro": "", "intro_en": "", "answer_days": "21",
            **_inline("questions", [
                {"kind": "single", "text": "Kas mängite mängu klassis?", "text_en": "Are you playing the game?",
                 "choices": "Jah\nEi", "choices_en": "Yes\nNo", "measures_implementation": "on"},
                {"kind": "text", "text": "Mis takistab?", "text_en": "What stops you?", "choices": "",
                 "choices_en": ""},
            ])}
    response = client.post(reverse("feedback_questionnaires:add"), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    questionnaire = Questionnaire.objects.get(title="Järeltagasiside")
    assert [q.kind for q in questionnaire.questions.all()] == ["single", "text"]


def test_single_choice_without_options_is_refused(client, coordinator):
    client.force_login(coordinator)
    data = {"title": "Vigane", "title_en": "", "intro": "", "intro_en": "", "answer_days": "21",
            **_inline("questions", [{"kind": "single", "text": "Kas?", "text_en": "", "choices": "Jah",
                                     "choices_en": ""}])}
    response = client.post(reverse("feedback_questionnaires:add"), data)
    assert response.status_code == 200
    assert not Questionnaire.objects.filter(title="Vigane").exists()


def test_coordinator_sets_a_course_questionnaire_anonymity_and_follow_ups(client, coordinator):
    course = factories.CoursePageFactory()
    after = services.questionnaire_create(title="Pärast", questions=[{"kind": "rating", "text": "Hinne"}])
    later = services.questionnaire_create(title="Hiljem", questions=[{"kind": "text", "text": "Kuidas läheb?"}])
    client.force_login(coordinator)
    data = {"course": str(course.pk), "questionnaire": str(after.pk), "anonymous": "on",
            **_inline("follow_ups", [{"questionnaire": str(later.pk), "months": "3"},
                                     {"questionnaire": str(later.pk), "months": "6"}])}
    response = client.post(reverse("feedback_courses:add"), data)
    assert response.status_code == 302
    feedback_settings = CourseFeedbackSettings.objects.get(course=course)
    assert feedback_settings.anonymous and feedback_settings.questionnaire == after
    assert sorted(feedback_settings.follow_ups.values_list("months", flat=True)) == [3, 6]


def test_coordinator_turns_on_a_questionnaire_after_each_session(client, coordinator):
    course = factories.CoursePageFactory()
    after = services.questionnaire_create(title="Pärast", questions=[{"kind": "rating", "text": "Hinne"}])
    per_session = services.questionnaire_create(title="Päeva lõpus", questions=[{"kind": "rating", "text": "Päev"}])
    client.force_login(coordinator)
    data = {"course": str(course.pk), "questionnaire": str(after.pk), "session_questionnaire": str(per_session.pk),
            "anonymous": "on", **_inline("follow_ups", [])}
    response = client.post(reverse("feedback_courses:add"), data)
    assert response.status_code == 302
    feedback_settings = CourseFeedbackSettings.objects.get(course=course)
    assert feedback_settings.session_questionnaire == per_session and feedback_settings.questionnaire == after


def _answered(people, **kwargs):
    data = finished_cohort(people=people, **kwargs)
    services.invitations_send_due()
    invitations = list(Invitation.objects.filter(survey__cohort=data["cohort"]))
    for i, invitation in enumerate(invitations):
        answers = full_answers(invitation.survey)
        text_key = [k for k in answers if answers[k] == "Väga hea"][0]
        answers[text_key] = "=HYPERLINK(\"http://x\")" if i == 0 else f"Vastus {i}"
        services.response_submit(invitation=invitation, answers=answers)
    return data, invitations[0].survey


def test_results_pages_and_downloads(client, coordinator, trainer):
    data, survey = _answered(5, trainers=[trainer])
    client.force_login(coordinator)
    index = client.get(reverse("feedback_results:index"))
    assert index.status_code == 200 and str(data["cohort"]) in index.content.decode()
    page = client.get(reverse("feedback_results:survey", args=[survey.pk]))
    assert page.status_code == 200 and page.context["results"].shown
    assert "Vastus 1" in page.content.decode() and "data-feedback-chart" in page.content.decode()
    assert client.get(reverse("feedback_results:course", args=[data["course"].pk])).status_code == 200
    per_trainer = client.get(reverse("feedback_results:trainers"))
    assert per_trainer.status_code == 200 and trainer.full_name in per_trainer.content.decode()
    csv_text = b"".join(client.get(reverse("feedback_results:export", args=[survey.pk, "csv"]))
                        .streaming_content).decode()
    assert "'=HYPERLINK" in csv_text and "Vastus 1" in csv_text
    assert data["enrollments"][0].user.email not in csv_text  # anonymous: no names in the download
    xlsx = client.get(reverse("feedback_results:export", args=[survey.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 6
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_anonymous_results_hidden_in_the_admin_below_five(client, coordinator):
    _data, survey = _answered(4)
    client.force_login(coordinator)
    page = client.get(reverse("feedback_results:survey", args=[survey.pk]))
    assert not page.context["results"].shown and "Vastus 1" not in page.content.decode()
    csv_text = b"".join(client.get(reverse("feedback_results:export", args=[survey.pk, "csv"]))
                        .streaming_content).decode()
    assert "Vastus" not in csv_text


def test_trainers_and_specialists_cannot_open_the_admin_results(client, trainer, specialist):
    _data, survey = _answered(5)
    for user in (trainer, specialist):
        client.force_login(user)
        response = client.get(reverse("feedback_results:survey", args=[survey.pk]))
        assert response.status_code in (302, 403)
