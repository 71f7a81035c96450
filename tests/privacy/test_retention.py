"""The retention policy: a dry run reports, a run applies, a second run finds nothing (idempotent); the sweep
runs it."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from outbox.models import Message
from privacy.models import ErasureRequest, InactivityWarning
from privacy.services.retention import retention_apply
from tests import factories

from .conftest import finished_cohort

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _data():
    now = timezone.now()
    cohort, _session = finished_cohort(funded=False, days_ago=40)
    old_answers = factories.EnrollmentFactory(cohort=cohort, status="completed", answers={"dietary_needs": "x"})
    recent, _s = finished_cohort(funded=False, days_ago=5)
    kept_answers = factories.EnrollmentFactory(cohort=recent, status="completed", answers={"dietary_needs": "y"})
    old = Message.objects.create(message_id="<old@o>", kind="k", state="sent")
    Message.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=400))
    Message.objects.create(message_id="<new@o>", kind="k", state="sent")
    inactive = factories.UserFactory()
    type(inactive).objects.filter(pk=inactive.pk).update(last_login=now - dt.timedelta(days=3 * 365 + 1))
    active = factories.UserFactory(last_login=now)
    return old_answers, kept_answers, inactive, active


def test_dry_run_reports_and_changes_nothing(db):
    old_answers, _kept, inactive, _active = _data()
    counts = retention_apply(dry_run=True)
    assert counts["signup_answers"] == 1 and counts["email_log"] == 1 and counts["inactive_warned"] == 1
    old_answers.refresh_from_db()
    assert old_answers.answers and Message.objects.count() == 2 and not InactivityWarning.objects.exists()


def test_the_run_applies_the_policy_once(db, django_capture_on_commit_callbacks):
    old_answers, kept, inactive, active = _data()
    with django_capture_on_commit_callbacks(execute=True):
        counts = retention_apply()
    assert counts["signup_answers"] == 1 and counts["email_log"] == 1 and counts["inactive_warned"] == 1
    old_answers.refresh_from_db()
    kept.refresh_from_db()
    assert old_answers.answers == {} and kept.answers
    assert list(Message.objects.exclude(kind="privacy_inactivity_warning").values_list("message_id", flat=True)) \
        == ["<new@o>"]
    assert [m.to for m in mail.outbox] == [[inactive.email]]
    assert set(retention_apply().values()) == {0}  # idempotent

    # Still unused after the grace period: erased.
    later = timezone.now() + dt.timedelta(days=31)
    assert retention_apply(now=later, dry_run=True)["inactive_erased"] == 1
    assert retention_apply(now=later)["inactive_erased"] == 1
    assert ErasureRequest.objects.get().reason == "inactivity"
    inactive.refresh_from_db()
    assert not inactive.is_active and active.is_active


def test_a_log_in_after_the_warning_withdraws_it(db):
    _data()
    retention_apply()
    warned = InactivityWarning.objects.get().user
    type(warned).objects.filter(pk=warned.pk).update(last_login=timezone.now())
    assert retention_apply(now=timezone.now() + dt.timedelta(days=31))["inactive_erased"] == 0
    assert not InactivityWarning.objects.exists()


def test_the_command_and_the_sweep(db, capsys):
    _data()
    call_command("retention", "--dry-run")
    out = capsys.readouterr().out
    assert "signup_answers: 1 would go" in out
    call_command("sweep")
    assert "retention=signup_answers:1" in capsys.readouterr().out
