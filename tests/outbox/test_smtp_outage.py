"""Finding 2: a mail-server outage loses nothing; each message is delivered once, when mail is back.

A real `db_worker` sends to a real SMTP server (aiosmtpd on a loopback port) that is down at first
(connection refused), then up. The in-process tests below cover the other transient and permanent replies
and the 24-hour limit.
"""

import datetime as dt
import signal
import smtplib

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from enrollment.emails import enrollment_email_enqueue
from outbox import services
from outbox.models import Message
from tests import factories

from .support import DATABASE_TASKS, SMTPServer, child_env, free_port, start_worker, wait_for
from .test_transactional_outbox import committed_cohort  # noqa: F401  (fixture)

State = Message.State


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_outage_then_recovery_delivers_every_message_exactly_once(committed_cohort):  # noqa: F811
    enrollments = [factories.EnrollmentFactory(cohort=committed_cohort) for _ in range(6)]
    with transaction.atomic():
        for enrollment in enrollments:
            enrollment_email_enqueue("confirmation", enrollment)
    port = free_port()
    env = child_env(EMAIL_PORT=port, OUTBOX_RETRY_BASE_SECONDS="1", OUTBOX_RETRY_MAX_SECONDS="2")
    worker = start_worker(env, "outage-worker")
    smtp = SMTPServer(port)
    try:
        wait_for(lambda: Message.objects.filter(state=State.RETRYING, attempts__gte=2).count() == 6, timeout=60,
                 what="every message to fail twice while mail is down")
        assert set(Message.objects.values_list("last_error", flat=True)) == {
            "ConnectionRefusedError: Connection refused"}
        smtp.start()
        wait_for(lambda: Message.objects.filter(state=State.SENT).count() == 6, timeout=60,
                 what="every message to be sent once mail is back")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=15)
        smtp.stop()
    received = smtp.recorder.message_ids()
    assert sorted(received) == sorted(Message.objects.values_list("message_id", flat=True))
    assert len(set(received)) == 6
    assert {m["To"] for m in smtp.recorder.messages} == {e.user.email for e in enrollments}


# --- in process: the SMTP server's replies, backoff and the 24-hour limit ---------------------------------

class Replies:
    """aiosmtpd handler answering each DATA with the next scripted reply (then 250)."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.accepted = []

    async def handle_DATA(self, server, session, envelope):
        if self.replies:
            return self.replies.pop(0)
        self.accepted.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_TIMEOUT = 5
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    return settings


def scripted_server(settings, *replies):
    from aiosmtpd.controller import Controller

    handler = Replies(*replies)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_PORT = controller.port
    return handler, controller


def logged_message(**kwargs) -> Message:
    return services.message_enqueue(kind="test", builder="tests.outbox.test_smtp_outage.build_test_message",
                                    params={"n": 1}, **kwargs)


def build_test_message(*, n: int):
    from django.core.mail import EmailMessage

    return EmailMessage(subject=f"Test {n}", body="Body", to=["someone@example.ee"])


@pytest.mark.django_db
def test_a_4xx_reply_is_retried_with_backoff_and_the_message_then_sent_once(smtp_settings):
    handler, controller = scripted_server(smtp_settings, "451 4.3.0 Try again later")
    try:
        message = logged_message()
        before = timezone.now()
        assert services.message_deliver(message_pk=message.pk) == State.RETRYING
        message.refresh_from_db()
        assert message.last_error == "SMTPDataError 451" and message.attempts == 1
        assert before + dt.timedelta(seconds=59) < message.next_attempt_at < before + dt.timedelta(seconds=62)
        assert services.message_deliver(message_pk=message.pk) == State.SENT
        assert services.message_deliver(message_pk=message.pk) == State.SENT  # a re-run sends nothing
    finally:
        controller.stop()
    assert len(handler.accepted) == 1
    message.refresh_from_db()
    assert message.attempts == 2 and message.sent_at is not None and message.last_error == ""
    assert message.message_id.encode() in handler.accepted[0]


@pytest.mark.django_db
def test_a_5xx_reply_fails_the_message_at_once(smtp_settings):
    handler, controller = scripted_server(smtp_settings, "554 5.7.1 Rejected")
    try:
        message = logged_message()
        assert services.message_deliver(message_pk=message.pk) == State.FAILED
    finally:
        controller.stop()
    message.refresh_from_db()
    assert message.last_error == "SMTPDataError 554" and message.next_attempt_at is None


@pytest.mark.django_db
def test_retries_go_on_for_24_hours_then_the_message_fails(smtp_settings):
    smtp_settings.EMAIL_PORT = free_port()  # nothing listens: connection refused
    message = logged_message()
    queued = message.created_at
    assert services.message_deliver(message_pk=message.pk, now=queued + dt.timedelta(hours=2)) == State.RETRYING
    message.refresh_from_db()
    assert message.next_attempt_at == queued + dt.timedelta(hours=2, minutes=1)
    late = queued + dt.timedelta(hours=23, minutes=59, seconds=30)
    assert services.message_deliver(message_pk=message.pk, now=late) == State.RETRYING
    message.refresh_from_db()
    assert message.next_attempt_at == queued + dt.timedelta(hours=24)  # the last try is at the 24-hour mark
    assert services.message_deliver(message_pk=message.pk, now=queued + dt.timedelta(hours=24)) == State.FAILED
    message.refresh_from_db()
    assert message.attempts == 3 and message.last_error.startswith("ConnectionRefusedError")


def test_backoff_doubles_up_to_the_ceiling_and_covers_a_day(settings):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    settings.OUTBOX_RETRY_MAX_SECONDS = 3600
    delays = [services.retry_delay(n).total_seconds() for n in range(1, 9)]
    assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600]


@pytest.mark.parametrize(("exc", "transient"), [
    (ConnectionRefusedError(111, "Connection refused"), True),
    (TimeoutError("timed out"), True),
    (smtplib.SMTPServerDisconnected("gone"), True),
    (smtplib.SMTPConnectError(421, b"busy"), True),
    (smtplib.SMTPDataError(452, b"full"), True),
    (smtplib.SMTPRecipientsRefused({"a@example.ee": (450, b"greylisted")}), True),
    (smtplib.SMTPRecipientsRefused({"a@example.ee": (550, b"no such user")}), False),
    (smtplib.SMTPDataError(554, b"rejected"), False),
    (ValueError("a bug"), False),
])
def test_transient_errors_are_told_apart_from_permanent_ones(exc, transient):
    assert services.is_transient(exc) is transient


def test_recorded_errors_carry_no_address():
    exc = smtplib.SMTPRecipientsRefused({"mari@example.ee": (550, b"<mari@example.ee>: unknown")})
    assert services.describe_error(exc) == "SMTPRecipientsRefused [550]"


@pytest.mark.django_db
def test_message_whose_subject_is_gone_fails_with_a_reason(site_tree, django_capture_on_commit_callbacks):
    enrollment = factories.EnrollmentFactory()
    message = enrollment_email_enqueue("confirmation", enrollment)
    enrollment.delete()
    assert services.message_deliver(message_pk=message.pk) == State.FAILED
    message.refresh_from_db()
    assert message.last_error.startswith("nothing to send")


@pytest.mark.django_db
def test_overdue_messages_without_a_waiting_task_are_queued_again(smtp_settings, django_capture_on_commit_callbacks):
    handler, controller = scripted_server(smtp_settings)
    try:
        message = logged_message()  # immediate backend: its task would run after the commit that never comes
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - dt.timedelta(hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.messages_requeue_overdue() == 1
        assert services.messages_requeue_overdue() == 0
    finally:
        controller.stop()
    message.refresh_from_db()
    assert message.state == State.SENT and len(handler.accepted) == 1
