"""The e-mail relay: with the database task backend the message log is the queue, and every `db_worker` delivers
the messages that are due (outbox.services.messages_relay, outbox.worker.Relay). An e-mail then costs the change
that records it one row, not two (bench/README.md). A real worker killed mid-delivery: test_worker_crash.py."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from outbox import services
from outbox.models import Message

from .support import DATABASE_TASKS, run_at_once

State = Message.State
BUILDER = "tests.outbox.test_smtp_outage.build_test_message"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("relay")]


@pytest.fixture
def relay(settings):
    settings.TASKS = DATABASE_TASKS
    settings.OUTBOX_LEASE_SECONDS = 60
    settings.OUTBOX_MAX_CLAIMS = 5


def logged(n: int, *, due_in: dt.timedelta = dt.timedelta(0), now=None) -> Message:
    message = services.message_enqueue(kind="test", builder=BUILDER, params={"n": n})
    Message.objects.filter(pk=message.pk).update(next_attempt_at=(now or timezone.now()) + due_in)
    return message


class Died(BaseException):
    """The process delivering a message ends (SIGKILL, out of memory): nothing after it runs."""


def test_an_email_is_one_row_and_the_relay_sends_what_is_due_oldest_first():
    now = timezone.now()
    later = logged(1, due_in=-dt.timedelta(minutes=1), now=now)
    first = logged(2, due_in=-dt.timedelta(minutes=5), now=now)
    future = logged(3, due_in=dt.timedelta(hours=1), now=now)
    assert not DBTaskResult.objects.exists()  # no task row per e-mail
    assert services.messages_relay(now=now) == 2
    assert [m.subject for m in mail.outbox] == ["Test 2", "Test 1"]
    states = dict(Message.objects.values_list("pk", "state"))
    assert states == {first.pk: State.SENT, later.pk: State.SENT, future.pk: State.QUEUED}
    assert services.messages_relay(now=now) == 0  # a sent message is not sent again
    assert services.messages_relay(now=now + dt.timedelta(hours=2)) == 1 and len(mail.outbox) == 3


def test_a_retry_is_sent_by_the_relay_once_its_time_has_come():
    now = timezone.now()
    message = logged(1, now=now)
    Message.objects.filter(pk=message.pk).update(state=State.RETRYING, attempts=1,
                                                 next_attempt_at=now + dt.timedelta(minutes=2))
    assert services.messages_relay(now=now) == 0 and mail.outbox == []
    assert services.messages_relay(now=now + dt.timedelta(minutes=2)) == 1
    message.refresh_from_db()
    assert message.state == State.SENT and message.attempts == 2 and len(mail.outbox) == 1


def test_a_delivery_cut_short_is_taken_again_after_the_lease(monkeypatch):
    now = timezone.now()
    message = logged(1, now=now)

    def dies(**kwargs):
        raise Died()

    with monkeypatch.context() as patch:
        patch.setattr(services, "message_deliver", dies)
        with pytest.raises(Died):
            services.messages_relay(now=now)
    message.refresh_from_db()
    assert (message.state, message.claims, message.attempts) == (State.QUEUED, 1, 0)
    assert services.messages_relay(now=now + dt.timedelta(seconds=59)) == 0  # still within the claim's lease
    assert services.messages_relay(now=now + dt.timedelta(seconds=60)) == 1
    message.refresh_from_db()
    assert (message.state, message.claims, message.attempts) == (State.SENT, 2, 1) and len(mail.outbox) == 1


def test_a_message_that_keeps_killing_its_worker_is_failed_not_claimed_forever():
    message = logged(1)
    Message.objects.filter(pk=message.pk).update(claims=5, attempts=0)  # five deliveries never came back
    assert services.messages_relay() == 0 and mail.outbox == []
    message.refresh_from_db()
    assert message.state == State.FAILED and message.next_attempt_at is None
    assert message.last_error == "the worker delivering it stopped 5 times"


def test_a_database_error_in_one_delivery_does_not_stop_the_others(monkeypatch):
    broken, fine = logged(1, due_in=-dt.timedelta(minutes=1)), logged(2)
    assert fine.pk != broken.pk
    deliver = services.message_deliver

    def flaky(*, message_pk, **kwargs):
        if message_pk == broken.pk:
            raise ConnectionError("database gone")
        return deliver(message_pk=message_pk, **kwargs)

    monkeypatch.setattr(services, "message_deliver", flaky)
    assert services.messages_relay() == 2
    assert [m.subject for m in mail.outbox] == ["Test 2"]
    assert Message.objects.get(pk=broken.pk).state == State.QUEUED  # due again after its claim's lease
    assert Message.objects.get(pk=fine.pk).state == State.SENT


def test_without_the_database_backend_each_message_gets_its_task(settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert not services.relay_enabled()
    with django_capture_on_commit_callbacks(execute=True):
        message = logged(1)
    message.refresh_from_db()
    assert message.state == State.SENT and len(mail.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_relays_at_once_send_every_message_once():
    messages = [logged(n) for n in range(30)]
    claimed, errors = run_at_once(services.messages_relay)
    assert errors == [] and sum(claimed) == 30
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(m.message_id for m in messages)
    assert not Message.objects.exclude(state=State.SENT).exists()
    assert set(Message.objects.values_list("claims", "attempts")) == {(1, 1)}


def test_with_the_relay_off_each_email_gets_its_task_and_the_sweep_keeps_its_safety_net(settings):
    settings.OUTBOX_RELAY = False  # the default on SQLite (oskus/settings/base.py)
    message = logged(1, due_in=-dt.timedelta(hours=1))
    sends = DBTaskResult.objects.filter(task_path=services.SEND_TASK_PATH)
    assert list(sends.values_list("args_kwargs__kwargs__message_pk", flat=True)) == [message.pk]
    assert services.messages_requeue_overdue() == 0  # its task still waits
    sends.update(status="FAILED")
    assert services.messages_requeue_overdue() == 1 and sends.filter(status="READY").count() == 1


def test_with_the_relay_the_sweep_has_nothing_to_requeue():
    logged(1, due_in=-dt.timedelta(hours=1))
    assert services.messages_requeue_overdue() == 0
    assert services.messages_relay() == 1 and len(mail.outbox) == 1
