"""Issue 12: the certificate and its PDF follow a closing even when the process dies right after COMMIT.

The follow-up of a completion (issue the certificate, render its PDF, the e-mails) is a task row written in the
closing transaction, not an on-commit callback: a child process closes the cohort and is killed the instant its
transaction commits (no on-commit hook ever runs); a real `db_worker` then does the rest, exactly once, and
does it again without a duplicate when every task is run a second time (at-least-once).
"""

import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from certificates.models import Certificate
from enrollment.attendance.services import Mark, attendance_mark, cohort_close
from enrollment.models import Cohort, Enrollment, EnrollmentStatus
from outbox.models import Message
from tests import factories
from tests.base_data import ensure_base_data
from tests.enrollment.attendance.conftest import make_session
from tests.outbox.support import DATABASE_TASKS, ROOT, SMTPServer, child_env, python
from tests.outbox.test_transactional_outbox import DIE_AFTER_COMMIT, ensure_wagtail_root

ANNOUNCE = "enrollment.attendance.services.completion_announce_task"
FINISHED = "enrollment.attendance.services.cohort_finished_announce_task"
RENDER = "certificates.rendering.certificate_pdf_render_task"


def _closable_cohort(coordinator, *, done_email="valmis@example.ee", short_email="puudu@example.ee"):
    """A 12-hour course, two past sessions of 6 academic hours; one person attended both, one only the first."""
    course = factories.CoursePageFactory(academic_hours=Decimal("12"), completion_min_percent=80)
    cohort = factories.CohortFactory(course=course, status="running")
    sessions = [make_session(cohort, days_ago=3 - i, hours=4.5) for i in range(2)]
    done = factories.EnrollmentFactory(cohort=cohort, user=factories.UserFactory(email=done_email,
                                                                                 full_name="Valmis Inimene"))
    short = factories.EnrollmentFactory(cohort=cohort, user=factories.UserFactory(email=short_email,
                                                                                  full_name="Puudu Inimene"))
    for session in sessions:
        attendance_mark(session=session, actor=coordinator, reason="test",
                        marks=[Mark(enrollment_id=done.pk, status="present")])
    attendance_mark(session=sessions[0], actor=coordinator, reason="test",
                    marks=[Mark(enrollment_id=short.pk, status="present")])
    return cohort, done, short


@override_settings(TASKS=DATABASE_TASKS)
def test_the_closing_transaction_itself_holds_the_follow_up_tasks_and_the_emails(site_tree, coordinator):
    cohort, done, short = _closable_cohort(coordinator)
    with transaction.atomic():
        cohort_close(cohort=cohort, actor=coordinator)
        # Still inside the transaction: nothing has been committed, nothing waits for on_commit.
        announce = DBTaskResult.objects.get(task_path=ANNOUNCE, status="READY")
        assert announce.args_kwargs["kwargs"]["enrollment_id"] == done.pk
        assert announce.args_kwargs["kwargs"]["completed"] is True
        assert DBTaskResult.objects.filter(task_path=FINISHED, args_kwargs__kwargs__cohort_id=cohort.pk).exists()
        kinds = dict(Message.objects.filter(cohort_id=cohort.pk).values_list("enrollment_id", "kind"))
        assert kinds == {done.pk: "completed", short.pk: "not_completed"}
        queued = Message.objects.filter(cohort_id=cohort.pk, state=Message.State.QUEUED).count()
        assert queued == 2  # the message log is the queue: the workers' relay sends them
    assert not Certificate.objects.exists()  # issued by the task, never in the request


@override_settings(TASKS=DATABASE_TASKS)
def test_issuing_writes_the_pdf_task_in_its_own_transaction(site_tree, coordinator):
    cohort, done, _short = _closable_cohort(coordinator)
    cohort_close(cohort=cohort, actor=coordinator)
    from enrollment.attendance.services import completion_announce_task

    with transaction.atomic():
        completion_announce_task.call(enrollment_id=done.pk, completed=True)
        certificate = Certificate.objects.get(enrollment=done)
        assert DBTaskResult.objects.filter(task_path=RENDER, args_kwargs__kwargs__certificate_id=certificate.pk,
                                           status="READY").exists()


def _run_worker_batch(env):
    result = subprocess.run([sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay",
                             "--interval", "0.1", "--worker-id", "batch", "-v", "0"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_process_killed_after_the_closing_commit_still_gets_certificate_pdf_and_emails_exactly_once():
    ensure_base_data()  # whatever transactional test ran before flushed it
    ensure_wagtail_root()
    factories.home_page()
    factories.catalogue_page()
    coordinator = factories.UserFactory(groups=["Coordinators"])
    cohort, done, short = _closable_cohort(coordinator)
    Message.objects.all().delete()

    code = DIE_AFTER_COMMIT + (
        "from enrollment.attendance.services import cohort_close\n"
        f"cohort_close(cohort=Cohort.objects.get(pk={cohort.pk}), actor=None)\n"
        "os._exit(3)  # not reached: the commit above ends the process\n")
    smtp = SMTPServer().start()
    env = child_env(EMAIL_PORT=smtp.port, PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
                    SITE_URL="https://oskus.example.ee")
    try:
        result = python(code, env)
        assert result.returncode == 0, result.stderr
        # Committed: the outcome, and the follow-up as task rows; no on-commit hook ran, nothing is issued yet.
        assert Cohort.objects.get(pk=cohort.pk).status == "finished"
        assert Enrollment.objects.get(pk=done.pk).status == EnrollmentStatus.COMPLETED
        assert not Certificate.objects.exists()
        assert DBTaskResult.objects.filter(task_path=ANNOUNCE, status="READY").count() == 1
        assert DBTaskResult.objects.filter(task_path=FINISHED, status="READY").count() == 1
        assert Message.objects.filter(state="queued").count() == 2

        _run_worker_batch(env)

        certificate = Certificate.objects.get()
        assert certificate.enrollment_id == done.pk and certificate.pdf_version == certificate.version == 1
        assert certificate.pdf.storage.exists(certificate.pdf.name)
        pdf_name = certificate.pdf.name
        kinds = sorted(Message.objects.values_list("kind", "state"))
        assert kinds == [("certificate_ready", "sent"), ("completed", "sent"), ("not_completed", "sent")]
        received = sorted((m["To"], m["Message-ID"]) for m in smtp.recorder.messages)
        assert [to for to, _id in received] == ["puudu@example.ee", "valmis@example.ee", "valmis@example.ee"]

        # At least once: every task of the follow-up runs a second time. Nothing is issued, rendered or sent twice.
        DBTaskResult.objects.filter(task_path__in=[ANNOUNCE, FINISHED, RENDER]).update(status="READY",
                                                                                      finished_at=None)
        _run_worker_batch(env)
    finally:
        smtp.stop()
    certificate = Certificate.objects.get()
    assert certificate.pdf.name == pdf_name and certificate.version == 1
    assert Message.objects.count() == 3
    assert len(smtp.recorder.messages) == 3
