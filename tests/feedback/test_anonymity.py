"""Anonymous mode, proven on the database: the answer table cannot link an answer to a person or enrollment."""

import pytest
from django.db import connection

from feedback import selectors, services
from feedback.exceptions import AlreadyAnswered
from feedback.models import AnonymousResponse, Invitation, NamedResponse, Survey

from .conftest import finished_cohort, full_answers

pytestmark = pytest.mark.django_db


def _columns(table):
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
        relations = connection.introspection.get_relations(cursor, table)
    return {c.name: c for c in description}, relations


def test_the_anonymous_answer_table_has_no_link_to_a_person_an_enrollment_or_a_time():
    columns, relations = _columns(AnonymousResponse._meta.db_table)
    assert set(columns) == {"id", "survey_id", "answers"}
    # The only foreign key is the survey (a questionnaire sent to a whole cohort).
    assert {column: target for column, (_field, target) in relations.items()} == {"survey_id": Survey._meta.db_table}
    # The key is random (a UUID), not a sequence that orders answers like the "has answered" records.
    field = AnonymousResponse._meta.get_field("id")
    assert field.get_internal_type() == "UUIDField" and callable(field.default)
    # No date or time column anywhere in the row.
    assert not [f for f in AnonymousResponse._meta.get_fields() if f.get_internal_type() in
                ("DateField", "DateTimeField", "TimeField", "AutoField", "BigAutoField")]


def test_has_answered_record_keeps_the_day_only():
    field = Invitation._meta.get_field("answered_on")
    assert field.get_internal_type() == "DateField"


def test_an_anonymous_answer_carries_no_person_after_submission():
    data = finished_cohort(people=2)
    services.invitations_send_due()
    invitation = Invitation.objects.filter(survey__cohort=data["cohort"]).first()
    services.response_submit(invitation=invitation, answers=full_answers(invitation.survey))
    row = AnonymousResponse.objects.values().get()
    assert set(row) == {"id", "survey_id", "answers"}
    text = str(row["answers"])
    assert invitation.user.email not in text and str(invitation.user_id) not in row["answers"].values()
    assert not NamedResponse.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered_on is not None


def test_a_second_anonymous_answer_is_refused_and_nothing_is_saved():
    data = finished_cohort(people=2)
    services.invitations_send_due()
    invitation = Invitation.objects.filter(survey__cohort=data["cohort"]).first()
    services.response_submit(invitation=invitation, answers=full_answers(invitation.survey))
    with pytest.raises(AlreadyAnswered):
        services.response_submit(invitation=invitation, answers=full_answers(invitation.survey, rating=1))
    assert AnonymousResponse.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_answer_and_the_has_answered_record_do_not_share_a_transaction_id():
    """PostgreSQL stamps each row with the id of the transaction that wrote it (xmin): the "has answered" record
    is rewritten after the commit, so its xmin no longer matches the answer's."""
    from tests.base_data import ensure_base_data

    ensure_base_data()
    data = finished_cohort(people=1)
    services.invitations_send_due()
    invitation = Invitation.objects.get(survey__cohort=data["cohort"])
    services.response_submit(invitation=invitation, answers=full_answers(invitation.survey))
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM feedback_anonymousresponse")
        answer_xmin = cursor.fetchone()[0]
        cursor.execute("SELECT xmin::text FROM feedback_invitation WHERE id = %s", [invitation.pk])
        invitation_xmin = cursor.fetchone()[0]
    assert answer_xmin != invitation_xmin


def test_results_hidden_below_five_answers_and_shown_at_five():
    data = finished_cohort(people=6)
    services.invitations_send_due()
    invitations = list(Invitation.objects.filter(survey__cohort=data["cohort"]))
    survey = invitations[0].survey
    for invitation in invitations[:4]:
        services.response_submit(invitation=invitation, answers=full_answers(survey))
    results = selectors.survey_results(survey)
    assert results.answered == 4 and not results.shown and results.questions == []
    services.response_submit(invitation=invitations[4], answers=full_answers(survey, rating=2))
    results = selectors.survey_results(survey)
    assert results.answered == 5 and results.shown
    rating = results.questions[0]
    assert rating.average == pytest.approx((4 * 4 + 2) / 5)
    assert results.response_rate == pytest.approx(5 / 6 * 100)


def test_anonymous_draft_is_a_signed_token_not_a_row():
    data = finished_cohort(people=1)
    services.invitations_send_due()
    invitation = Invitation.objects.get(survey__cohort=data["cohort"])
    text_question = invitation.survey.questionnaire.questions.get(kind="text")
    draft = {f"q{text_question.pk}": "Pool vastust"}
    token = services.response_save_draft(invitation=invitation, answers=draft)
    assert isinstance(token, str) and token
    assert not AnonymousResponse.objects.exists() and not NamedResponse.objects.exists()
    assert services.anonymous_draft_load(invitation=invitation, token=token) == draft
    # A draft signed for one invitation does not open for another.
    other = finished_cohort(people=1)
    services.invitations_send_due()
    other_invitation = Invitation.objects.get(survey__cohort=other["cohort"])
    assert services.anonymous_draft_load(invitation=other_invitation, token=token) == {}


def test_named_mode_one_answer_per_person_editable_until_the_deadline():
    data = finished_cohort(people=2, anonymous=False)
    services.invitations_send_due()
    invitation = Invitation.objects.filter(survey__cohort=data["cohort"]).first()
    survey = invitation.survey
    services.response_save_draft(invitation=invitation, answers={f"q{survey.questionnaire.questions.first().pk}": "3"})
    draft = NamedResponse.objects.get()
    assert draft.submitted_at is None and draft.user == invitation.user
    services.response_submit(invitation=invitation, answers=full_answers(survey, rating=5))
    services.response_submit(invitation=invitation, answers=full_answers(survey, rating=2))
    answer = NamedResponse.objects.get()
    assert answer.submitted_at is not None
    assert answer.answers[str(survey.questionnaire.questions.first().pk)] == 2
    assert not AnonymousResponse.objects.exists()
