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
    invitation.refresh_from_db()
    assert invitation.answered_sealed  # the fast path sealed it: nothing left for the sweep
    assert services.anonymity_seal() == 0


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


# --- durable unlinking: the sweep seals what the after-commit step did not ---------------------------------

def _xmins(table: str, survey_id: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text FROM {table} WHERE survey_id = %s", [survey_id])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _answered_without_the_after_commit_step(people: int):
    """`people` anonymous answers whose process died right after COMMIT: the after-commit seal never ran."""
    from unittest import mock

    from tests.base_data import ensure_base_data

    ensure_base_data()
    data = finished_cohort(people=people)
    services.invitations_send_due()
    invitations = list(Invitation.objects.filter(survey__cohort=data["cohort"]).order_by("pk"))
    arrival = []
    with mock.patch("feedback.services.anonymity_seal") as seal:
        for invitation in invitations:
            before = set(AnonymousResponse.objects.values_list("id", flat=True))
            services.response_submit(invitation=invitation, answers=full_answers(invitation.survey))
            arrival += list(set(AnonymousResponse.objects.values_list("id", flat=True)) - before)
    assert seal.call_count == people  # the fast path was asked for, and did not happen
    return invitations[0].survey, arrival


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_after_the_sweep_no_answer_shares_a_transaction_id_with_any_invitation_even_if_the_process_died():
    import io

    from django.core.management import call_command

    survey, _arrival = _answered_without_the_after_commit_step(3)
    # The control: without the seal, each answer carries the transaction id of its "has answered" record.
    assert set(_xmins("feedback_anonymousresponse", survey.pk)) <= set(_xmins("feedback_invitation", survey.pk))
    assert Invitation.objects.filter(answered_on__isnull=False, answered_sealed=False).count() == 3
    out = io.StringIO()
    call_command("sweep", stdout=out)
    assert "feedback_anonymity=3" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM feedback_anonymousresponse")
        answer_xmins = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT xmin::text FROM feedback_invitation")
        invitation_xmins = {row[0] for row in cursor.fetchall()}
    assert answer_xmins and not answer_xmins & invitation_xmins
    # The survey's answers share one stamp: their transaction ids no longer tell in which order they came.
    assert len(answer_xmins) == 1
    assert not Invitation.objects.filter(answered_on__isnull=False, answered_sealed=False).exists()
    out = io.StringIO()
    call_command("sweep", stdout=out)
    assert "feedback_anonymity=0" in out.getvalue()  # idempotent: nothing left to seal


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_after_sealing_the_stored_order_of_answers_is_their_random_key_not_their_arrival():
    """A SELECT without ORDER BY returns rows in their physical order, which follows insertion: sealing
    rewrites the survey's answers one by one in the order of their random keys."""
    survey, arrival = _answered_without_the_after_commit_step(8)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM feedback_anonymousresponse WHERE survey_id = %s ORDER BY ctid", [survey.pk])
        assert [row[0] for row in cursor.fetchall()] == arrival  # the control: stored as they came
    services.anonymity_seal()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM feedback_anonymousresponse WHERE survey_id = %s ORDER BY ctid", [survey.pk])
        stored = [row[0] for row in cursor.fetchall()]
    assert stored == sorted(arrival) != arrival


def test_anonymous_keys_are_random_and_their_order_is_not_the_order_of_arrival():
    """Sequential keys (or time-ordered UUIDs: versions 1, 6, 7) would pair the n-th answer with the n-th
    "has answered" record; a version-4 UUID is random, and the table's ordering is by that key alone."""
    assert AnonymousResponse().id.version == 4
    assert AnonymousResponse._meta.ordering == ["id"]
    data = finished_cohort(people=10)
    services.invitations_send_due()
    arrival = []
    for invitation in Invitation.objects.filter(survey__cohort=data["cohort"]).order_by("pk"):
        before = set(AnonymousResponse.objects.values_list("id", flat=True))
        services.response_submit(invitation=invitation, answers=full_answers(invitation.survey))
        arrival += list(set(AnonymousResponse.objects.values_list("id", flat=True)) - before)
    listed = list(AnonymousResponse.objects.values_list("id", flat=True))
    assert sorted(listed) == sorted(arrival) and listed != arrival  # 1 in 10! that they agree by chance


def test_named_answers_need_no_seal():
    data = finished_cohort(people=1, anonymous=False)
    services.invitations_send_due()
    invitation = Invitation.objects.get(survey__cohort=data["cohort"])
    services.response_submit(invitation=invitation, answers=full_answers(invitation.survey))
    assert services.anonymity_seal() == 0
