"""Finding 3: the e-mail is recorded in the same transaction as the change it is about (outbox).

A web worker killed between COMMIT and the on-commit callbacks used to leave a committed enrollment with no
e-mail task. The child process here does exactly that: it dies (os._exit) the instant its transaction commits.
With the database task backend the e-mail's row in the message log is the outbox entry (the workers' relay
delivers it, outbox.services.messages_relay); other follow-up work is a task row in the same transaction.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from enrollment import services
from enrollment.models import Enrollment, EnrollmentStatus
from outbox.models import Message
from tests import factories

from .support import DATABASE_TASKS, child_env, python

S = EnrollmentStatus

DIE_AFTER_COMMIT = """
from django.db import connection
from accounts.models import User
from enrollment import services
from enrollment.models import Cohort, Enrollment

def die():  # the process is killed right after COMMIT, before any on-commit callback
    os._exit(0)

connection.run_and_clear_commit_hooks = die
"""


def ensure_wagtail_root():
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code="et")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))


@pytest.fixture
def committed_cohort(transactional_db):
    ensure_wagtail_root()
    factories.home_page()
    factories.catalogue_page()
    cohort = factories.CohortFactory(capacity=1)
    factories.SessionFactory(cohort=cohort)
    return cohort


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_enrollment_committed_by_a_process_that_dies_at_once_still_has_its_email_queued(committed_cohort):
    user = factories.UserFactory()
    code = DIE_AFTER_COMMIT + (
        f"services.enrollment_create(user=User.objects.get(pk={user.pk}),"
        f" cohort=Cohort.objects.get(pk={committed_cohort.pk}), answers={{}})\n"
        "os._exit(3)  # not reached: the commit above ends the process\n")
    result = python(code, child_env())
    assert result.returncode == 0, result.stderr
    enrollment = Enrollment.objects.get(user=user, cohort=committed_cohort)
    assert enrollment.status == S.CONFIRMED
    message = Message.objects.get(enrollment_id=enrollment.pk)
    assert (message.kind, message.state, message.recipient_id) == ("confirmation", Message.State.QUEUED, user.pk)
    assert message.next_attempt_at is not None  # due: the relay's next pass sends it
    assert not DBTaskResult.objects.filter(task_path="outbox.tasks.message_send_task").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_offer_made_by_someone_elses_cancellation_keeps_its_email_and_expiry(committed_cohort):
    holder = factories.EnrollmentFactory(cohort=committed_cohort, status=S.CONFIRMED)
    waiting = factories.EnrollmentFactory(cohort=committed_cohort, status=S.WAITLISTED,
                                          waitlist_joined_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    code = DIE_AFTER_COMMIT + (
        f"holder = Enrollment.objects.get(pk={holder.pk})\n"
        "services.enrollment_cancel(enrollment=holder, actor=holder.user)\n"
        "os._exit(3)\n")
    result = python(code, child_env())
    assert result.returncode == 0, result.stderr
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED
    offer = Message.objects.get(enrollment_id=waiting.pk)
    assert offer.kind == "offer" and offer.state == Message.State.QUEUED
    expiry = DBTaskResult.objects.get(task_path="enrollment.services.waitlist.offer_expire_task")
    assert expiry.args_kwargs["kwargs"] == {"enrollment_id": waiting.pk}
    assert expiry.run_after == waiting.offer_expires_at + dt.timedelta(seconds=1)
    assert Message.objects.filter(enrollment_id=holder.pk, kind="cancellation").exists()


@override_settings(TASKS=DATABASE_TASKS)
def test_with_the_database_backend_the_message_is_written_inside_the_transaction_without_a_task(site_tree):
    cohort = factories.CohortFactory()
    factories.SessionFactory(cohort=cohort)
    with transaction.atomic():
        enrollment = services.enrollment_create(user=factories.UserFactory(), cohort=cohort, answers={})
        message = Message.objects.get(enrollment_id=enrollment.pk)
        assert message.state == Message.State.QUEUED and message.next_attempt_at is not None
        assert not DBTaskResult.objects.filter(task_path__startswith="outbox.").exists()


@override_settings(TASKS=DATABASE_TASKS)
def test_a_rolled_back_change_leaves_no_task_and_no_message(site_tree):
    cohort = factories.CohortFactory()
    factories.SessionFactory(cohort=cohort)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.enrollment_create(user=factories.UserFactory(), cohort=cohort, answers={})
        raise RuntimeError("the request fails after the service")
    assert not Enrollment.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__startswith="outbox.").exists()
    assert not DBTaskResult.objects.filter(task_path__startswith="enrollment.").exists()
    assert not Message.objects.exists()
