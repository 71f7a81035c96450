"""`feedback.personal_data(user)`: the person's named answers as plain dicts (for My data / erasure, h19);
anonymous answers belong to nobody and are not in it."""

import json

import pytest

import feedback
from feedback import services
from feedback.models import Invitation, NamedResponse

from .conftest import finished_cohort, full_answers

pytestmark = pytest.mark.django_db


def test_personal_data_lists_named_answers_only():
    named = finished_cohort(people=1, anonymous=False)
    anonymous = finished_cohort(people=1)
    services.invitations_send_due()
    mine = Invitation.objects.get(survey__cohort=named["cohort"])
    services.response_submit(invitation=mine, answers=full_answers(mine.survey))
    user = mine.user
    # The same person also answers an anonymous questionnaire.
    other = Invitation.objects.get(survey__cohort=anonymous["cohort"])
    other.user = user
    other.save()
    services.response_submit(invitation=other, answers=full_answers(other.survey))

    data = feedback.personal_data(user)
    json.dumps(data)  # plain data
    assert len(data) == 1 and data[0]["cohort"] == named["cohort"].code
    answers = {a["question"]: a["answer"] for a in data[0]["answers"]}
    assert answers["Kas mängite mängu?"] == "Jah" and answers["Mis takistab?"] == "Aeg; Muu"
    assert NamedResponse._meta.get_field("user").related_model is type(user)
