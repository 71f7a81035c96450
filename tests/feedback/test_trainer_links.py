"""The trainer's pages lead to the feedback on their own cohorts: "My cohorts" (enrollment) links to it through
enrollment's trainer-links hook, so enrollment names no feedback page. A link appears once a cohort the trainer
teaches has closed and was asked; never for a cohort still running, never for another trainer's cohort."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrollment.models import CohortStatus
from feedback import services
from feedback.models import Invitation, Survey
from tests import factories

from .conftest import finished_cohort, full_answers

pytestmark = pytest.mark.django_db


def _answered(**kwargs):
    data = finished_cohort(**kwargs)
    services.invitations_send_due()
    for invitation in Invitation.objects.filter(survey__cohort=data["cohort"]):
        services.response_submit(invitation=invitation, answers=full_answers(invitation.survey))
    return data, Survey.objects.get(cohort=data["cohort"])


def _dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("trainer_dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_trainer_with_a_closed_cohort_is_led_from_my_cohorts_to_its_results(client, trainer):
    data, survey = _answered(people=5, trainers=[trainer])
    html = _dashboard(client, trainer)
    index = reverse("feedback_trainer_index")
    cohort_results = f"{index}?cohort={data['cohort'].pk}"
    assert f'href="{index}"' in html  # the page's link to all of them
    assert f'href="{cohort_results}"' in html  # and the closed cohort's own
    page = client.get(cohort_results)
    assert page.status_code == 200
    results_url = reverse("feedback_trainer_results", args=[survey.pk])
    assert results_url in page.content.decode()
    results = client.get(results_url)
    assert results.status_code == 200 and results.context["results"].shown


def test_trainer_whose_cohort_has_not_closed_sees_no_link(client, trainer):
    data = finished_cohort(people=5, trainers=[trainer])
    data["cohort"].status = CohortStatus.RUNNING  # the last session is over, the cohort not closed yet
    data["cohort"].save()
    services.invitations_send_due()
    assert Survey.objects.filter(cohort=data["cohort"]).exists()
    html = _dashboard(client, trainer)
    assert reverse("feedback_trainer_index") not in html


def test_trainer_without_cohorts_sees_no_link(client, trainer):
    _answered(people=5)  # someone's closed cohort, not this trainer's
    assert reverse("feedback_trainer_index") not in _dashboard(client, trainer)


def test_another_trainers_cohort_is_neither_linked_nor_shown_nor_opened(client, trainer):
    other = factories.UserFactory(groups=["Trainers"])
    data, survey = _answered(people=5, trainers=[other])
    mine, _my_survey = _answered(people=5, trainers=[trainer])
    html = _dashboard(client, trainer)
    index = reverse("feedback_trainer_index")
    assert f"?cohort={data['cohort'].pk}" not in html and f"?cohort={mine['cohort'].pk}" in html
    results_url = reverse("feedback_trainer_results", args=[survey.pk])
    foreign = client.get(f"{index}?cohort={data['cohort'].pk}")
    assert foreign.status_code == 200 and results_url not in foreign.content.decode()
    assert foreign.context["rows"] == []
    assert results_url not in client.get(index).content.decode()
    refused = client.get(results_url)
    assert refused.status_code == 403 and "Väga hea" not in refused.content.decode()


def test_junk_cohort_filter_lists_all_own_cohorts(client, trainer):
    mine, survey = _answered(people=5, trainers=[trainer])
    client.force_login(trainer)
    page = client.get(reverse("feedback_trainer_index") + "?cohort=abc")
    assert page.status_code == 200
    assert reverse("feedback_trainer_results", args=[survey.pk]) in page.content.decode()


def test_dashboard_reads_the_feedback_links_in_one_query(client, trainer):
    """The hook asks feedback once for all the trainer's closed cohorts, not once per cohort."""
    for _ in range(3):
        _answered(people=1, trainers=[trainer])
    client.force_login(trainer)
    client.get(reverse("trainer_dashboard"))  # warm the per-process caches
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("trainer_dashboard"))
    assert sum("feedback_survey" in q["sql"] for q in captured.captured_queries) == 1
