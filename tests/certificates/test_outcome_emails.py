"""Issue 12/7: the e-mails of closing a cohort: completed (hours), certificate ready (a link to My certificates,
once the PDF exists), not completed (why); each recorded once, whatever runs twice."""

import pytest
from django.core import mail
from django.db import transaction
from django.test import TestCase

from certificates.models import Certificate
from certificates.rendering import certificate_pdf_render_task
from enrollment.attendance.exceptions import CohortNotClosable
from enrollment.attendance.services import (
    Mark,
    attendance_mark,
    cohort_close,
    completion_announce_task,
    completion_reevaluate,
)
from outbox.models import Message

from .test_follow_up_is_durable import _closable_cohort

pytestmark = pytest.mark.django_db


def _by_person():
    found = {}
    for message in mail.outbox:
        found.setdefault(message.to[0], []).append(message)
    return found


def test_closing_sends_completed_then_certificate_ready_and_not_completed_with_the_reason(
        site_tree, coordinator, django_capture_on_commit_callbacks):
    cohort, done, short = _closable_cohort(coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cohort_close(cohort=cohort, actor=coordinator)

    mails = _by_person()
    assert set(mails) == {"valmis@example.ee", "puudu@example.ee"}
    completed, ready = mails["valmis@example.ee"]
    assert "läbinud" in completed.subject
    assert "12 akadeemilisest tunnist 12" in completed.body
    certificate = Certificate.objects.get(enrollment=done)
    assert certificate.pdf  # the ready e-mail is recorded when the PDF is stored, not before
    assert certificate.title in ready.subject  # (its Estonian words come with the catalogue: see the English test)
    assert "https://oskus.example.ee/my-certificates/" in ready.body
    assert certificate.number in ready.body
    [not_done] = mails["puudu@example.ee"]
    assert "ei ole läbitud" in not_done.subject
    assert "12 akadeemilisest tunnist 6" in not_done.body and "80" in not_done.body
    assert sorted(Message.objects.values_list("kind", flat=True)) == ["certificate_ready", "completed",
                                                                     "not_completed"]


def test_the_certificate_ready_email_is_in_the_language_of_the_enrollment(site_tree, coordinator,
                                                                          django_capture_on_commit_callbacks):
    cohort, done, _short = _closable_cohort(coordinator)
    done.language = "en"
    done.save(update_fields=["language"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cohort_close(cohort=cohort, actor=coordinator)
    ready = [m for m in mail.outbox if m.to == ["valmis@example.ee"] and "certificate" in m.subject.lower()]
    assert len(ready) == 1
    assert "is ready" in ready[0].subject and "https://oskus.example.ee/en/my-certificates/" in ready[0].body


def test_running_the_follow_up_again_or_closing_again_sends_nothing_twice(site_tree, coordinator,
                                                                          django_capture_on_commit_callbacks):
    cohort, done, short = _closable_cohort(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        cohort_close(cohort=cohort, actor=coordinator)
    mail.outbox.clear()
    messages_before = Message.objects.count()
    certificate = Certificate.objects.get(enrollment=done)

    with django_capture_on_commit_callbacks(execute=True):
        completion_announce_task.call(enrollment_id=done.pk, completed=True)  # the task re-run (at least once)
        certificate_pdf_render_task.call(certificate_id=certificate.pk)
        with pytest.raises(CohortNotClosable):
            cohort_close(cohort=cohort, actor=coordinator)
        # Re-evaluating without any change in the figures: nothing to say.
        assert completion_reevaluate(enrollment=done, actor=coordinator) is False
        assert completion_reevaluate(enrollment=short, actor=coordinator) is False

    assert Certificate.objects.count() == 1
    assert Message.objects.count() == messages_before and mail.outbox == []


def test_a_changed_outcome_is_told_once_per_change(site_tree, coordinator, django_capture_on_commit_callbacks):
    cohort, _done, short = _closable_cohort(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        cohort_close(cohort=cohort, actor=coordinator)
    mail.outbox.clear()
    session = cohort.sessions.order_by("starts_at").last()
    with django_capture_on_commit_callbacks(execute=True):  # a make-up recorded late: now completed
        attendance_mark(session=session, actor=coordinator, reason="late mark",
                        marks=[Mark(enrollment_id=short.pk, status="present")])
    kinds = sorted(Message.objects.filter(enrollment_id=short.pk).values_list("kind", flat=True))
    assert kinds == ["certificate_ready", "completed", "not_completed"]
    assert len([m for m in mail.outbox if m.to == ["puudu@example.ee"]]) == 2  # completed + certificate ready
    keys = set(Message.objects.filter(recipient=short.user).values_list("idempotency_key", flat=True))
    assert None not in keys and len(keys) == 3


def test_the_message_of_a_closing_is_keyed_so_a_second_recording_is_the_same_message(site_tree, coordinator):
    from enrollment.emails import outcome_email_enqueue

    cohort, done, _short = _closable_cohort(coordinator)
    with TestCase.captureOnCommitCallbacks(execute=False), transaction.atomic():
        cohort_close(cohort=cohort, actor=coordinator)
        done.refresh_from_db()
        first = Message.objects.get(enrollment_id=done.pk, kind="completed")
        assert outcome_email_enqueue(done).pk == first.pk
    assert Message.objects.filter(enrollment_id=done.pk).count() == 1
