"""E-mails: logged and queued with the change (outbox), sent by the worker, in the recipient's language, text + HTML."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from enrollment import emails, services
from enrollment.models import Enrollment, EnrollmentStatus
from tests import factories

S = EnrollmentStatus
pytestmark = pytest.mark.django_db
JANUARY = dt.datetime(2027, 1, 14, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def cohort(site_tree):
    cohort = factories.CohortFactory(capacity=1, course=factories.CoursePageFactory(title="Traumateadlik suhtlus"))
    factories.SessionFactory(cohort=cohort, starts_at=JANUARY, venue=factories.VenueFactory(name="Tartu Loomemajandus"))
    return cohort


def run(callbacks, fn, **kwargs):
    with callbacks(execute=True):
        return fn(**kwargs)


def test_confirmation_email_in_estonian_by_default_with_text_and_html(cohort, django_capture_on_commit_callbacks):
    user = factories.UserFactory()
    run(django_capture_on_commit_callbacks, services.enrollment_create, user=user, cohort=cohort, answers={})
    message = mail.outbox[-1]
    assert message.to == [user.email]
    assert message.extra_headers["Content-Language"] == "et"
    assert "Traumateadlik suhtlus" in message.subject
    assert "14. jaanuar 2027" in message.body  # Estonian month name, Tallinn time
    assert "12:00" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and '<html lang="et">' in html and "Tartu Loomemajandus" in html
    assert "/my-trainings/" in message.body and "/en/my-trainings/" not in message.body


def test_email_uses_the_language_the_participant_enrolled_in(cohort, django_capture_on_commit_callbacks):
    user = factories.UserFactory()
    run(django_capture_on_commit_callbacks, services.enrollment_create, user=user, cohort=cohort, answers={},
        language="en")
    message = mail.outbox[-1]
    assert message.extra_headers["Content-Language"] == "en"
    assert "14. January 2027" in message.body
    assert "Your place in the training" in message.body
    assert "/en/my-trainings/" in message.body


def test_waitlisted_offer_email_has_deadline_and_signed_links(cohort, django_capture_on_commit_callbacks):
    holder = services.enrollment_create(user=factories.UserFactory(), cohort=cohort, answers={})
    waiting = services.enrollment_create(user=factories.UserFactory(), cohort=cohort, answers={}, language="en")
    mail.outbox.clear()
    run(django_capture_on_commit_callbacks, services.enrollment_cancel, enrollment=holder, actor=holder.user)
    offers = [m for m in mail.outbox if m.to == [waiting.user.email]]
    assert len(offers) == 1
    body = offers[0].body
    waiting.refresh_from_db()
    deadline = timezone.localtime(waiting.offer_expires_at)
    assert deadline.strftime("%H:%M") in body and "Please answer by" in body
    links = re.findall(r"http://\S+/en/offer/\S+/", body)
    assert len(links) == 2
    html = offers[0].alternatives[0][0]
    assert all(link in html for link in links)


def test_every_kind_renders_in_both_languages(cohort):
    enrollment = factories.EnrollmentFactory(cohort=cohort, status=S.OFFERED,
                                             offer_expires_at=timezone.now() + dt.timedelta(hours=48))
    for language in ("et", "en"):
        Enrollment.objects.filter(pk=enrollment.pk).update(language=language)
        enrollment.refresh_from_db()
        for kind in emails.KINDS:
            message = emails.build_message(kind, enrollment)
            assert message.subject.startswith("[Oskus] ") and cohort.course.title in message.subject
            assert message.body.strip() and message.alternatives[0][1] == "text/html"


def test_attachment_builders_are_called_and_a_failing_one_does_not_stop_the_mail(cohort, monkeypatch):
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    calls = []

    def attach(kind, enrollment, message):
        calls.append(kind)
        message.attach("invitation.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")

    def broken(kind, enrollment, message):
        raise RuntimeError("boom")

    monkeypatch.setattr(emails, "ATTACHMENT_BUILDERS", [broken, attach])
    message = emails.build_message("confirmation", enrollment)
    assert calls == ["confirmation"]
    assert message.attachments[0][0] == "invitation.ics"


def test_no_email_when_the_transaction_rolls_back(cohort, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.enrollment_create(user=factories.UserFactory(), cohort=cohort, answers={})
            raise RuntimeError("roll back")
    assert callbacks == [] and mail.outbox == []
    assert not Enrollment.objects.exists()


def test_reminder_is_sent_once_two_days_before_the_first_session(site_tree, django_capture_on_commit_callbacks):
    cohort = factories.CohortFactory()
    factories.SessionFactory(cohort=cohort, starts_at=timezone.now() + dt.timedelta(hours=40))
    later = factories.CohortFactory()
    factories.SessionFactory(cohort=later, starts_at=timezone.now() + dt.timedelta(days=5))
    due = factories.EnrollmentFactory(cohort=cohort)
    factories.EnrollmentFactory(cohort=later)
    factories.EnrollmentFactory(cohort=cohort, status=S.WAITLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep")
    assert [m.to for m in mail.outbox] == [[due.user.email]]
    assert mail.outbox[0].subject.startswith("[Oskus] Meeldetuletus:")  # Estonian by default
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep")
    assert len(mail.outbox) == 1
    due.refresh_from_db()
    assert due.reminder_sent_at is not None


def test_sweep_command_expires_overdue_offers(site_tree, capsys):
    cohort = factories.CohortFactory(capacity=1)
    factories.SessionFactory(cohort=cohort)
    factories.EnrollmentFactory(cohort=cohort, status=S.OFFERED,
                                offer_expires_at=timezone.now() - dt.timedelta(hours=1))
    nxt = factories.EnrollmentFactory(cohort=cohort, status=S.WAITLISTED, waitlist_joined_at=timezone.now())
    call_command("sweep")
    assert "expired_offers=1" in capsys.readouterr().out
    nxt.refresh_from_db()
    assert nxt.status == S.OFFERED


def test_every_email_is_logged_with_a_stable_message_id(cohort, django_capture_on_commit_callbacks):
    from outbox.models import Message

    user = factories.UserFactory()
    enrollment = run(django_capture_on_commit_callbacks, services.enrollment_create, user=user, cohort=cohort,
                     answers={})
    logged = Message.objects.get(enrollment_id=enrollment.pk)
    assert (logged.kind, logged.recipient_id, logged.cohort_id, logged.state) == (
        "confirmation", user.pk, cohort.pk, Message.State.SENT)
    assert mail.outbox[-1].extra_headers["Message-ID"] == logged.message_id
    assert logged.payload is None and logged.params == {"kind": "confirmation", "enrollment_id": enrollment.pk}


def test_a_task_queued_before_the_message_log_still_sends_its_email(cohort, django_capture_on_commit_callbacks):
    enrollment = factories.EnrollmentFactory(cohort=cohort)
    with django_capture_on_commit_callbacks(execute=True):
        emails.enrollment_email_task.call(kind="changed", enrollment_id=enrollment.pk)
    assert [m.to for m in mail.outbox] == [[enrollment.user.email]]
    assert emails.enrollment_email_task.call(kind="changed", enrollment_id=0) == "missing"
