"""The answering page from the e-mail's signed link (no log-in), its refusals, drafts, the My trainings prompt
and the trainer's results of their own closed cohorts."""

import datetime as dt

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from enrollment.models import CohortStatus
from feedback import services, tokens
from feedback.models import AnonymousResponse, Invitation, NamedResponse

from .conftest import finished_cohort, full_answers

pytestmark = pytest.mark.django_db


def _invitation(**kwargs):
    data = finished_cohort(**kwargs)
    services.invitations_send_due()
    invitations = list(Invitation.objects.filter(survey__cohort=data["cohort"]).order_by("pk"))
    return data, invitations


def _url(invitation):
    return reverse("feedback_answer", args=[tokens.invitation_token(invitation)])


def test_answer_from_the_link_without_logging_in(client):
    _data, (invitation, *_rest) = _invitation(people=1)
    response = client.get(_url(invitation))
    assert response.status_code == 200
    assert b"Kui kasulik oli koolitus?" in response.content
    response = client.post(_url(invitation), {**full_answers(invitation.survey), "action": "submit"})
    assert response.status_code == 302 and response["Location"] == reverse("feedback_thanks")
    assert AnonymousResponse.objects.count() == 1


def test_a_second_anonymous_answer_is_refused_with_a_message(client):
    _data, (invitation, *_rest) = _invitation(people=1)
    client.post(_url(invitation), {**full_answers(invitation.survey), "action": "submit"})
    response = client.post(_url(invitation), {**full_answers(invitation.survey), "action": "submit"})
    assert response.status_code == 409
    assert "Olete sellele küsimustikule juba vastanud" in response.content.decode() or \
        b"already answered" in response.content
    assert AnonymousResponse.objects.count() == 1


def test_expired_link_is_refused(client):
    _data, (invitation, *_rest) = _invitation(people=1)
    url = _url(invitation)
    with override_settings(FEEDBACK_LINK_MAX_AGE_DAYS=0):
        response = client.get(url)
    assert response.status_code == 410


def test_tampered_link_is_refused(client):
    _data, (invitation, *_rest) = _invitation(people=1)
    token = tokens.invitation_token(invitation)
    response = client.get(reverse("feedback_answer", args=[token[:-2] + "xx"]))
    assert response.status_code == 404
    forged = signing.dumps({"i": invitation.pk}, salt="something-else")
    assert client.get(reverse("feedback_answer", args=[forged])).status_code == 404


def test_closed_questionnaire_is_refused_and_nothing_is_saved(client):
    _data, (invitation, *_rest) = _invitation(people=1)
    survey = invitation.survey
    survey.closes_on = timezone.localdate() - dt.timedelta(days=1)
    survey.save()
    response = client.post(_url(invitation), {**full_answers(survey), "action": "submit"})
    assert response.status_code == 410
    assert not AnonymousResponse.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered_on is None


def test_missing_required_answer_shows_the_form_again(client):
    _data, (invitation, *_rest) = _invitation(people=1)
    answers = full_answers(invitation.survey)
    answers.pop(next(iter(answers)))  # the required rating
    response = client.post(_url(invitation), {**answers, "action": "submit"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not AnonymousResponse.objects.exists()


def test_anonymous_half_done_answer_lives_in_a_signed_cookie_not_on_the_server(client):
    _data, (invitation, *_rest) = _invitation(people=1)
    text = invitation.survey.questionnaire.questions.get(kind="text")
    response = client.post(_url(invitation), {f"q{text.pk}": "Poolik mõte", "action": "save"})
    assert response.status_code == 200
    assert not AnonymousResponse.objects.exists() and not NamedResponse.objects.exists()
    cookie = response.cookies[f"feedback_draft_{invitation.pk}"]
    assert "Poolik mõte" not in cookie.value  # signed and compressed, and still only on the device
    response = client.get(_url(invitation))
    assert "Poolik mõte" in response.content.decode()


def test_named_half_done_answer_is_kept_and_finished_later(client):
    _data, (invitation, *_rest) = _invitation(people=1, anonymous=False)
    text = invitation.survey.questionnaire.questions.get(kind="text")
    client.post(_url(invitation), {f"q{text.pk}": "Poolik mõte", "action": "save"})
    assert NamedResponse.objects.get().submitted_at is None
    response = client.get(_url(invitation))
    assert "Poolik mõte" in response.content.decode()
    client.post(_url(invitation), {**full_answers(invitation.survey), "action": "submit"})
    assert NamedResponse.objects.get().submitted_at is not None


def test_my_trainings_prompts_an_open_questionnaire(client):
    _data, (invitation, *_rest) = _invitation(people=1)
    client.force_login(invitation.user)
    response = client.get(reverse("my_trainings"))
    assert _url(invitation).split("/feedback/")[0] in response.content.decode()
    assert "/feedback/" in response.content.decode()
    services.response_submit(invitation=invitation, answers=full_answers(invitation.survey))
    assert "/feedback/" not in client.get(reverse("my_trainings")).content.decode()


def test_trainer_sees_own_closed_cohort_results_only(client, trainer):
    other_trainer = __import__("tests.factories", fromlist=["UserFactory"]).UserFactory(groups=["Trainers"])
    data, invitations = _invitation(people=5, trainers=[trainer])
    for invitation in invitations:
        services.response_submit(invitation=invitation, answers=full_answers(invitation.survey))
    survey = invitations[0].survey
    url = reverse("feedback_trainer_results", args=[survey.pk])
    client.force_login(trainer)
    response = client.get(url)
    assert response.status_code == 200 and response.context["results"].shown
    client.force_login(other_trainer)
    assert client.get(url).status_code == 403  # someone else's cohort
    cohort = data["cohort"]
    cohort.status = CohortStatus.RUNNING
    cohort.save()
    client.force_login(trainer)
    assert client.get(url).status_code == 403  # own cohort, not closed yet
