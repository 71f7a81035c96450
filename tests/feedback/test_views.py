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


@pytest.fixture
def my_trainings_cached(settings):
    from django.core.cache import cache

    settings.OSKUS_MY_TRAININGS_CACHE = True
    cache.clear()
    yield
    cache.clear()


def test_the_prompt_lives_in_the_cached_my_trainings_and_follows_every_change(
        client, my_trainings_cached, django_capture_on_commit_callbacks):
    """The prompt is part of the person's cached page (no query of its own on a hit), yet it appears with a new
    invitation, goes when answered, and the page is never kept past the questionnaire's closing day."""
    person = finished_cohort(people=1)["enrollments"][0].user
    client.force_login(person)
    assert "/feedback/" not in client.get(reverse("my_trainings")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send_due()
    invitation = Invitation.objects.get(user=person)
    page = client.get(reverse("my_trainings")).content.decode()
    assert _url(invitation) in page, "a new invitation shows at once"

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as hit:
        assert _url(invitation) in client.get(reverse("my_trainings")).content.decode()
    assert not [q for q in hit.captured_queries if "feedback_invitation" in q["sql"]], "a hit asks feedback nothing"

    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(invitation=invitation, answers=full_answers(invitation.survey))
    assert "/feedback/" not in client.get(reverse("my_trainings")).content.decode()


def test_a_cached_page_with_a_prompt_expires_when_the_questionnaire_closes(client, my_trainings_cached,
                                                                          monkeypatch):
    from enrollment.my_trainings import cache as my_trainings_cache

    _data, (invitation, *_rest) = _invitation(people=1)
    client.force_login(invitation.user)
    stored = {}
    real_set = my_trainings_cache.cache.set

    def recording_set(key, value, timeout=None, **kwargs):
        if key.startswith("oskus:my-trainings:"):
            stored["t"] = timeout
        return real_set(key, value, timeout, **kwargs)

    monkeypatch.setattr(my_trainings_cache.cache, "set", recording_set)
    client.get(reverse("my_trainings"))
    closes = timezone.make_aware(dt.datetime.combine(invitation.survey.closes_on + dt.timedelta(days=1),
                                                     dt.time.min))
    assert "t" in stored and stored["t"] <= max(1, (closes - timezone.now()).total_seconds())


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
