"""After the training: the sweep invites everyone who attended (e-mail through the outbox, once), reminds
once, and follow-ups go to completed participants only at the chosen month."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from feedback import services
from feedback.models import Invitation, Survey, SurveyKind
from outbox.models import Message

from .conftest import finished_cohort, full_answers

pytestmark = pytest.mark.django_db


def test_sweep_invites_everyone_who_attended_once(django_capture_on_commit_callbacks):
    data = finished_cohort(people=3)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep", stdout=io.StringIO())
    survey = Survey.objects.get(cohort=data["cohort"])
    assert survey.kind == SurveyKind.AFTER and survey.anonymous
    invited = set(Invitation.objects.filter(survey=survey).values_list("user_id", flat=True))
    assert invited == {e.user_id for e in data["enrollments"]}  # not the person who never came
    assert Message.objects.filter(kind="feedback_invitation").count() == 3
    assert len([m for m in mail.outbox if "/feedback/" in m.body]) == 3


def test_invitation_email_links_to_the_signed_page(django_capture_on_commit_callbacks):
    finished_cohort(people=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send_due()
    body = mail.outbox[-1].body
    assert "/feedback/" in body
    assert mail.outbox[-1].to == [Invitation.objects.get().user.email]


def test_cohort_still_running_or_long_past_is_not_invited():
    finished_cohort(people=2, ended_days_ago=-1)  # ends tomorrow
    finished_cohort(people=2, ended_days_ago=200)  # before feedback was set up: too old to ask now
    assert services.invitations_send_due()["invited"] == 0
    assert not Invitation.objects.exists()


def test_exactly_one_reminder_even_when_the_sweep_runs_twice():
    data = finished_cohort(people=2)
    services.invitations_send_due()
    answered = Invitation.objects.get(user=data["enrollments"][0].user)
    services.response_submit(invitation=answered, answers=full_answers(answered.survey))
    later = timezone.now() + dt.timedelta(days=8)
    first = services.invitations_send_due(now=later)
    second = services.invitations_send_due(now=later + dt.timedelta(days=1))
    assert first["reminded"] == 1 and second["reminded"] == 0
    assert Message.objects.filter(kind="feedback_reminder").count() == 1
    reminded = Invitation.objects.exclude(reminded_at=None).get()
    assert reminded.user == data["enrollments"][1].user  # not the one who answered


def test_follow_up_goes_to_completed_participants_at_the_month():
    data = finished_cohort(people=2, follow_up_months=[3])
    not_completed = data["enrollments"][1]
    not_completed.status = "not_completed"
    not_completed.save()
    services.invitations_send_due()
    assert not Survey.objects.filter(kind=SurveyKind.FOLLOW_UP).exists()
    in_three_months = timezone.now() + dt.timedelta(days=92)
    services.invitations_send_due(now=in_three_months)
    survey = Survey.objects.get(kind=SurveyKind.FOLLOW_UP, months=3)
    assert list(survey.invitations.values_list("user_id", flat=True)) == [data["enrollments"][0].user_id]
    assert Message.objects.filter(kind="feedback_invitation", params__invitation_id=survey.invitations.get().pk
                                  ).count() == 1


def test_invitation_rolls_back_with_its_message():
    """The invitation and its e-mail are recorded in one transaction: a failure leaves neither."""
    finished_cohort(people=2)
    from unittest import mock

    with mock.patch("feedback.services.message_enqueue", side_effect=RuntimeError("boom")), \
            pytest.raises(RuntimeError):
        services.invitations_send_due()
    assert not Invitation.objects.exists() and not Survey.objects.exists()
