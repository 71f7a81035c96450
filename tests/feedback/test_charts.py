"""Distributions are drawn as Chart.js charts (the dashboard's library, served from the project's static files)
from the same figures as the table beside each one, which stays as the accessible equivalent."""

import json
import re

import pytest
from django.urls import reverse

from feedback import services
from feedback.models import Invitation, QuestionKind, Survey

from .conftest import finished_cohort, full_answers

pytestmark = pytest.mark.django_db


def _answered(people=5, **kwargs):
    data = finished_cohort(people=people, **kwargs)
    services.invitations_send_due()
    for i, invitation in enumerate(Invitation.objects.filter(survey__cohort=data["cohort"]).order_by("pk")):
        services.response_submit(invitation=invitation, answers=full_answers(invitation.survey, rating=5 - i % 2))
    return data, Survey.objects.get(cohort=data["cohort"])


def _charts(html: str) -> dict[str, dict]:
    """{canvas data id: the figures it is drawn from}."""
    found = {}
    for data_id in re.findall(r'<canvas[^>]* data-feedback-chart="([^"]+)"', html):
        script = re.search(rf'<script id="{data_id}" type="application/json">(.*?)</script>', html, re.S)
        assert script, data_id
        found[data_id] = json.loads(script.group(1))
    return found


def _check_charts(html: str, survey: Survey):
    charts = _charts(html)
    drawn = [q for q in survey.questionnaire.questions.all() if q.kind != QuestionKind.TEXT]
    assert len(charts) == len(drawn) == 4  # rating, single, multiple, recommendation; free text is listed
    rating = charts[f"fb-chart-{drawn[0].pk}-data"]
    assert rating["labels"] == ["1", "2", "3", "4", "5"]
    assert rating["data"] == [0, 0, 0, 2, 3]  # 5, 4, 5, 4, 5
    multiple = charts[f"fb-chart-{drawn[2].pk}-data"]
    assert multiple["labels"] == ["Aeg", "Ruum", "Muu"] and multiple["data"] == [5, 0, 5]
    assert "<meter" not in html
    # Each chart is an image named by its caption, and its table keeps the same figures for everyone.
    named = r'<canvas[^>]* role="img" aria-labelledby="fb-chart-(\d+)-question fb-chart-\1-caption"'
    assert len(re.findall(named, html)) == 4
    rating_table = re.search(rf'<section class="fb-result" data-question="{drawn[0].pk}">(.*?)</section>', html,
                             re.S).group(1)
    assert re.findall(r'<td data-count>(\d+)</td>', rating_table) == ["0", "0", "0", "2", "3"]
    assert "vendor/chart.js/chart.umd.min.js" in html and "feedback/js/charts.js" in html


def test_admin_results_draw_each_distribution_as_a_chart_beside_its_table(client, coordinator):
    _data, survey = _answered()
    client.force_login(coordinator)
    response = client.get(reverse("feedback_results:survey", args=[survey.pk]))
    assert response.status_code == 200
    _check_charts(response.content.decode(), survey)


def test_trainer_results_draw_the_same_charts(client, trainer):
    _data, survey = _answered(trainers=[trainer])
    client.force_login(trainer)
    response = client.get(reverse("feedback_trainer_results", args=[survey.pk]))
    assert response.status_code == 200
    _check_charts(response.content.decode(), survey)


def test_hidden_results_draw_no_chart(client, coordinator):
    _data, survey = _answered(people=4)
    client.force_login(coordinator)
    html = client.get(reverse("feedback_results:survey", args=[survey.pk])).content.decode()
    assert _charts(html) == {} and "chart.umd.min.js" not in html
