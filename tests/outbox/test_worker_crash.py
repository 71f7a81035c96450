"""Finding 1: a real `db_worker` killed with SIGKILL in the middle of a delivery loses nothing.

The worker's e-mail relay blocks inside one delivery (the message's builder waits for a file the test creates)
and is killed with -9: that delivery's transaction rolls back, and the message's claim hides it from other
relays for a lease. A new worker's relay takes it once the lease has run out: every message reaches the SMTP
server started by the test, exactly once. (Tasks of a dead worker are recovered by the heartbeat's lease:
tests/outbox/test_recovery.py.)
"""

import os
import signal

import pytest
from django.db import transaction
from django.test import override_settings

from enrollment.emails import enrollment_email_enqueue
from outbox.models import Message, WorkerHeartbeat
from outbox.services import message_enqueue
from tests import factories

from .support import DATABASE_TASKS, SMTPServer, child_env, start_worker, wait_for
from .test_transactional_outbox import committed_cohort  # noqa: F401  (fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@override_settings(TASKS=DATABASE_TASKS)
def test_worker_killed_mid_delivery_is_replaced_and_every_message_is_delivered_once(committed_cohort, tmp_path):  # noqa: F811
    started, gate = tmp_path / "started", tmp_path / "gate"
    enrollments = [factories.EnrollmentFactory(cohort=committed_cohort) for _ in range(8)]
    with transaction.atomic():
        for enrollment in enrollments[:4]:
            enrollment_email_enqueue("confirmation", enrollment)
        blocking = message_enqueue(kind="test", builder="tests.outbox.blocking.build_blocking",
                                   params={"started": str(started), "gate": str(gate), "to": "gate@example.ee"})
        for enrollment in enrollments[4:]:
            enrollment_email_enqueue("changed", enrollment)
    smtp = SMTPServer().start()
    env = child_env(EMAIL_PORT=smtp.port, OUTBOX_HEARTBEAT_SECONDS="0.5", OUTBOX_LEASE_SECONDS="3")
    try:
        first = start_worker(env, "worker-one")
        wait_for(started.exists, timeout=60, what="the worker to reach the blocking message")
        assert len(smtp.recorder.message_ids()) == 4
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        stuck = Message.objects.get(pk=blocking.pk)
        assert stuck.state == Message.State.QUEUED  # its delivery's transaction rolled back
        assert (stuck.claims, stuck.attempts) == (1, 0)  # claimed, never finished: a delivery cut short

        gate.touch()
        second = start_worker(env, "worker-two")
        try:
            wait_for(lambda: not Message.objects.exclude(state=Message.State.SENT).exists(), timeout=90,
                     what="every message to be sent")
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=15)
    finally:
        smtp.stop()

    logged = sorted(Message.objects.values_list("message_id", flat=True))
    received = smtp.recorder.message_ids()
    assert len(logged) == 9
    assert sorted(received) == logged  # each message once, with its logged Message-ID
    stuck.refresh_from_db()
    assert (stuck.claims, stuck.attempts) == (2, 1) and stuck.sent_at is not None
    # the replacement ended its lease when it stopped cleanly
    assert WorkerHeartbeat.objects.get(worker_id="worker-two").last_seen < stuck.sent_at
