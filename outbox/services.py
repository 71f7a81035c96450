"""Reliable background work on django-tasks + django-tasks-db: what the library leaves out, in one place.

Guarantees (see docs/operations.md):

* **Outbox.** `enqueue_in_transaction` writes the task row in the caller's transaction when the backend is the
  database one: the follow-up work commits or rolls back with the change. Other backends (the immediate one
  of the tests, a dummy) get the task after the commit, as before.
* **At-least-once.** A task whose worker died (RUNNING while its worker's heartbeat is older than the lease)
  is put back to READY by `tasks_recover_abandoned`; after `OUTBOX_MAX_CLAIMS` claims it is marked FAILED.
* **E-mail, once per message.** `message_enqueue` records one `Message` (stable Message-ID) in the caller's
  transaction. With the database backend and `OUTBOX_RELAY` (on with PostgreSQL) the message row is the whole
  outbox entry: every `db_worker` runs a relay (`messages_relay`) that reads the due messages from the message
  log, so an enrollment writes no task row for its e-mail. Otherwise each message gets a `message_send_task`
  (in the transaction with the database backend, after the commit with the others). `message_deliver` locks the
  row, skips a message already sent, sends, and records "sent" in the same transaction. The only duplicate
  possible: the SMTP server accepted the message and the process died (or the database failed) before that
  transaction committed; the retry sends it again with the same Message-ID.
* **Transient failures** (connection refused, timeout, disconnect, 4xx) are retried with exponential
  backoff (`OUTBOX_RETRY_BASE_SECONDS` doubling up to `OUTBOX_RETRY_MAX_SECONDS`) until at least
  `OUTBOX_RETRY_FOR_SECONDS` (24 h) after the message was queued; then the message is FAILED. Permanent
  failures (5xx, a message that cannot be built) are FAILED at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
import socket
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Min, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from leansql import insert

from .models import Message, WorkerHeartbeat

logger = logging.getLogger(__name__)
State = Message.State
SEND_TASK_PATH = "outbox.tasks.message_send_task"
WORKER_LOST = "outbox.WorkerLost"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# --- enqueueing ------------------------------------------------------------------------------------------

def is_transactional(task) -> bool:
    """True when `task`'s backend stores the task in the project database (so it can join a transaction)."""
    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue_in_transaction(task, *, run_after: dt.datetime | None = None, wait_for_commit: bool = True,
                           **kwargs) -> None:
    """Enqueue `task(**kwargs)` as part of the current transaction.

    Database backend: the task row is written now, so it commits or rolls back with the caller's change (a
    process that dies right after COMMIT still leaves the task queued). Any other backend: enqueued after the
    commit (the immediate backend would otherwise run it before the change is committed); `run_after` is
    dropped where the backend cannot defer (the periodic sweep is then the safety net). `wait_for_commit=False`
    enqueues at once on those backends too (for callers whose change is committed already).
    """
    if run_after is not None and getattr(task.get_backend(), "supports_defer", False):
        task = task.using(run_after=run_after)
    if is_transactional(task) or not wait_for_commit:
        task.enqueue(**kwargs)
        return

    def enqueue():
        try:
            task.enqueue(**kwargs)
        except Exception:  # nothing durable to lose here: the sweep re-queues what is still due
            logger.exception("Could not enqueue %s", task.module_path)

    transaction.on_commit(enqueue)


def _send_task():
    # The task module imports this one; looked up at call time to keep the import graph one-way.
    return import_string(SEND_TASK_PATH)


def relay_enabled() -> bool:
    """True when the workers' relay delivers e-mails from the message log (`OUTBOX_RELAY` with the database task
    backend): a message then needs no task row of its own."""
    return bool(getattr(settings, "OUTBOX_RELAY", True)) and is_transactional(_send_task())


def _domain() -> str:
    domain = getattr(settings, "OUTBOX_MESSAGE_ID_DOMAIN", "") or settings.DEFAULT_FROM_EMAIL.rpartition("@")[2]
    return domain.strip(" >") or socket.getfqdn()


def message_new(*, kind: str, recipient_id: int | None = None, builder: str = "", params: dict | None = None,
                payload: dict | None = None, cohort_id: int | None = None, enrollment_id: int | None = None,
                resent_from: Message | None = None, idempotency_key: str | None = None) -> Message:
    """A new, unsaved message of the log (see `message_enqueue` for the arguments). A caller that inserts it
    itself, beside other rows in one statement (enrollment_create), calls `message_queue` after the insert."""
    if not builder and payload is None:
        raise ValueError("a message needs a builder or a payload")
    return Message(message_id=make_msgid(domain=_domain()), next_attempt_at=timezone.now(), kind=kind,
                   recipient_id=recipient_id, builder=builder, params=params or {}, payload=payload,
                   cohort_id=cohort_id, enrollment_id=enrollment_id, resent_from=resent_from,
                   idempotency_key=idempotency_key)


def message_queue(message: Message, *, wait_for_commit: bool = True) -> None:
    """Queue the delivery of `message`, just inserted in the caller's transaction: nothing to do while the
    relay delivers from the log itself (messages_relay); a task per message otherwise."""
    if not relay_enabled():
        enqueue_in_transaction(_send_task(), wait_for_commit=wait_for_commit, message_pk=message.pk)


def message_enqueue(*, kind: str, recipient_id: int | None = None, builder: str = "", params: dict | None = None,
                    payload: dict | None = None, cohort_id: int | None = None,
                    enrollment_id: int | None = None, resent_from: Message | None = None,
                    wait_for_commit: bool = True, idempotency_key: str | None = None) -> Message:
    """Record one e-mail in the message log and queue its delivery, in the caller's transaction.

    `builder` is the dotted path of a function `builder(**params) -> EmailMessage | None` (None: the subject of
    the message is gone, nothing to send); it runs in the worker at each attempt, so `params` hold ids, never
    personal data. An e-mail that cannot be rebuilt from ids is passed rendered as `payload` (see
    `message_payload`), kept only until it is sent. `wait_for_commit`: see `enqueue_in_transaction`.

    `idempotency_key` names what makes the message one of a kind (e.g. "certificate-ready:7:1"): when a message
    with that key is logged already (committed, or earlier in this transaction) it is returned and nothing new
    is recorded or queued, so a job that runs twice sends once. Two transactions racing with one key: the unique
    index makes the second wait for the first and then return its message.
    Returns the new (or the already logged) `Message`.
    """
    message = message_new(kind=kind, recipient_id=recipient_id, builder=builder, params=params, payload=payload,
                          cohort_id=cohort_id, enrollment_id=enrollment_id, resent_from=resent_from,
                          idempotency_key=idempotency_key)
    if idempotency_key:
        existing = Message.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():  # a savepoint: a key taken meanwhile must not break the caller's transaction
                insert(message)
        except IntegrityError:
            existing = Message.objects.filter(idempotency_key=idempotency_key).first()
            if existing is None:
                raise
            return existing
    else:
        insert(message)  # one plain INSERT (leansql)
    message_queue(message, wait_for_commit=wait_for_commit)
    return message


def message_payload(email: EmailMessage) -> dict:
    """A rendered e-mail as JSON (for `message_enqueue(payload=...)`); attachments are not supported."""
    alternatives = [[content, mimetype] for content, mimetype in getattr(email, "alternatives", [])]
    return {"subject": email.subject, "body": email.body, "from_email": email.from_email, "to": list(email.to),
            "cc": list(email.cc), "bcc": list(email.bcc), "reply_to": list(email.reply_to),
            "headers": dict(email.extra_headers), "alternatives": alternatives, "content_subtype":
            email.content_subtype}


def _from_payload(payload: dict) -> EmailMessage:
    email = EmailMultiAlternatives(subject=payload["subject"], body=payload["body"],
                                   from_email=payload["from_email"], to=payload["to"], cc=payload["cc"],
                                   bcc=payload["bcc"], reply_to=payload["reply_to"], headers=payload["headers"])
    email.content_subtype = payload.get("content_subtype", "plain")
    for content, mimetype in payload["alternatives"]:
        email.attach_alternative(content, mimetype)
    return email


def message_send_again(*, message: Message) -> Message:
    """Queue a new copy of `message` (new Message-ID, rebuilt from the current data); ValueError when the
    message cannot be rebuilt (an account e-mail already sent: its one-time link is gone)."""
    if not message.builder and message.payload is None:
        raise ValueError("this message cannot be rebuilt")
    with transaction.atomic():
        return message_enqueue(kind=message.kind, recipient_id=message.recipient_id, builder=message.builder,
                               params=message.params, payload=message.payload, cohort_id=message.cohort_id,
                               enrollment_id=message.enrollment_id, resent_from=message)


# --- delivery ----------------------------------------------------------------------------------------------

def is_transient(exc: BaseException) -> bool:
    """Would the same message get through later? Connection problems, timeouts and 4xx replies: yes."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | smtplib.SMTPAuthenticationError):
        return True  # authentication: a configuration problem an operator fixes; the message itself is fine
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPException):
        return False
    return isinstance(exc, OSError)  # refused, unreachable, timeout, TLS handshake, name resolution


def describe_error(exc: BaseException) -> str:
    """The error without personal data (SMTP replies may quote the address): class, code, OS error text."""
    name = type(exc).__name__
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"{name} {sorted({code for code, _text in exc.recipients.values()})}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{name} {exc.smtp_code}"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{name}: {exc.strerror}"[:300]
    return name


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential backoff after the `attempts`-th failed attempt (1, 2, ...)."""
    base = _setting("OUTBOX_RETRY_BASE_SECONDS", 60)
    ceiling = _setting("OUTBOX_RETRY_MAX_SECONDS", 3600)
    return dt.timedelta(seconds=min(ceiling, base * 2 ** min(max(attempts - 1, 0), 30)))


def _build(message: Message) -> EmailMessage | None:
    if message.payload is not None:
        return _from_payload(message.payload)
    builder: Callable[..., EmailMessage | None] = import_string(message.builder)
    return builder(**message.params)


def _fail(message: Message, error: str) -> str:
    message.state = State.FAILED
    message.last_error = error
    message.next_attempt_at = None
    message.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
    logger.warning("E-mail %s (%s) failed: %s", message.pk, message.kind, error)
    return State.FAILED


def message_deliver(*, message_pk: int, now: dt.datetime | None = None) -> str:
    """Build and send one logged message unless it was already sent; returns the message's state after.

    The row stays locked from the check to the "sent" record, so two deliveries of the same message (a
    re-run task, a send-again, two workers) never both send it. See the module docstring for the one
    duplicate window.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_pk).first()
        if message is None:
            return "missing"
        if message.state in (State.SENT, State.FAILED):
            return message.state
        message.attempts += 1
        try:
            with transaction.atomic():  # a database error while building must not poison the outer block
                email = _build(message)
        except Exception as exc:
            logger.exception("E-mail %s (%s) could not be built", message.pk, message.kind)
            return _fail(message, f"not built: {describe_error(exc)}")
        if email is None:
            return _fail(message, "nothing to send: its subject no longer exists")
        email.extra_headers["Message-ID"] = message.message_id
        try:
            email.send(fail_silently=False)
        except Exception as exc:
            error = describe_error(exc)
            if not is_transient(exc):
                return _fail(message, error)
            return _schedule_retry(message, error, now=now or timezone.now())
        message.state = State.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.next_attempt_at = None
        message.payload = None  # the rendered account e-mail (one-time links) is not kept once sent
        message.save(update_fields=["state", "attempts", "sent_at", "last_error", "next_attempt_at", "payload"])
        return State.SENT


def _schedule_retry(message: Message, error: str, *, now: dt.datetime) -> str:
    give_up_at = message.created_at + dt.timedelta(seconds=_setting("OUTBOX_RETRY_FOR_SECONDS", 24 * 3600))
    if now >= give_up_at:
        return _fail(message, error)
    message.state = State.RETRYING
    message.last_error = error
    message.next_attempt_at = min(now + retry_delay(message.attempts), give_up_at)
    message.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
    task = _send_task()
    if not relay_enabled() and getattr(task.get_backend(), "supports_defer", False):
        enqueue_in_transaction(task, run_after=message.next_attempt_at, message_pk=message.pk)
    # The relay sends it again once `next_attempt_at` has come. Without the relay and a backend that defers (the
    # immediate one) an immediate retry would spin: `messages_requeue_overdue` picks it up.
    logger.info("E-mail %s (%s) will be retried at %s: %s", message.pk, message.kind, message.next_attempt_at,
                error)
    return State.RETRYING


def _due_messages(now: dt.datetime):
    return Message.objects.filter(state__in=[State.QUEUED, State.RETRYING], next_attempt_at__lte=now)


def _claim(pk: int, *, now: dt.datetime) -> bool:
    """Take message `pk` for one delivery, committed before it starts: count the claim and hide the message from
    other relays for a lease (it is due again then if this process dies while delivering). A message whose
    deliveries were cut short `OUTBOX_MAX_CLAIMS` times (they kill their worker) is failed instead."""
    lease = dt.timedelta(seconds=_setting("OUTBOX_LEASE_SECONDS", 60))
    with transaction.atomic():
        message = _due_messages(now).select_for_update(skip_locked=True).filter(pk=pk).first()
        if message is None:  # another relay has it, or it is no longer due
            return False
        if message.claims - message.attempts >= _setting("OUTBOX_MAX_CLAIMS", 5):
            _fail(message, f"the worker delivering it stopped {message.claims - message.attempts} times")
            return False
        message.claims += 1
        message.next_attempt_at = now + lease
        message.save(update_fields=["claims", "next_attempt_at"])
    return True


def messages_relay(*, limit: int = 100, now: dt.datetime | None = None) -> int:
    """The relay's pass (every `db_worker` runs it every `OUTBOX_RELAY_SECONDS`, outbox.worker.Relay): deliver the
    messages that are due, oldest first, up to `limit`. Safe in several processes at once (a message is claimed
    with a skip-locked row lock); a delivery cut short by a dying process is claimed again after the lease.
    Returns how many messages this pass claimed."""
    now = now or database_now()
    due = list(_due_messages(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    claimed = 0
    for pk in due:
        if not _claim(pk, now=now):
            continue
        claimed += 1
        try:
            message_deliver(message_pk=pk)
        except Exception:  # a database error: the claim's lease brings the message back; go on with the others
            logger.exception("E-mail %s could not be delivered", pk)
    return claimed


def messages_requeue_overdue(*, now: dt.datetime | None = None) -> int:
    """Safety net (periodic sweep) without the relay: queue again every unsent message whose attempt is overdue and
    that has no task waiting or running (its task failed on a database error, or the backend cannot defer). With
    the relay there is nothing to re-queue: the message log is the queue, and a message due is sent by the next
    pass. Idempotent: an extra delivery of a message finds it sent and does nothing."""
    if relay_enabled():
        return 0
    now = now or timezone.now()
    grace = dt.timedelta(seconds=_setting("OUTBOX_OVERDUE_SECONDS", 900))
    task = _send_task()
    pending: set[int] = set()
    if is_transactional(task):
        pending = {row["kwargs"].get("message_pk") for row in DBTaskResult.objects.filter(
            task_path=SEND_TASK_PATH, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        ).values_list("args_kwargs", flat=True)}
    count = 0
    for pk in _due_messages(now - grace).exclude(pk__in=pending).values_list("pk", flat=True):
        with transaction.atomic():
            message = (Message.objects.select_for_update(skip_locked=True)
                       .filter(pk=pk, state__in=[State.QUEUED, State.RETRYING]).first())
            if message is None:
                continue
            message.next_attempt_at = now
            message.save(update_fields=["next_attempt_at"])
            enqueue_in_transaction(task, message_pk=message.pk)
            count += 1
    return count


# --- workers: heartbeat, lease, recovery ----------------------------------------------------------------

def database_now() -> dt.datetime:
    """The database server's clock: heartbeats and leases are compared on one clock, whatever the hosts' clocks.
    The statement's time, not the transaction's start (CURRENT_TIMESTAMP), which is old inside a long one."""
    if connection.vendor != "postgresql":
        return timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement_timestamp()")
        return cursor.fetchone()[0]


def worker_heartbeat(*, worker_id: str, started_at: dt.datetime | None = None) -> None:
    """Record that worker `worker_id` is alive now (called every `OUTBOX_HEARTBEAT_SECONDS` by db_worker)."""
    now = database_now()
    defaults = {"last_seen": now, "hostname": socket.gethostname()[:255], "pid": os.getpid()}
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults=defaults,
                                             create_defaults={**defaults, "started_at": started_at or now})


def worker_stopped(*, worker_id: str) -> None:
    """A worker that exits ends its lease at once: a task it leaves RUNNING is re-queued by the next recovery."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(
        last_seen=database_now() - dt.timedelta(seconds=_setting("OUTBOX_LEASE_SECONDS", 60) + 1))


def tasks_recover_abandoned(*, now: dt.datetime | None = None) -> int:
    """Put back to READY every RUNNING task whose worker's lease ran out (no heartbeat for
    `OUTBOX_LEASE_SECONDS`); a task that has been claimed `OUTBOX_MAX_CLAIMS` times is marked FAILED instead
    (it probably kills its worker). Returns the number of tasks recovered or failed. Safe to run from several
    processes at once (row locks, skip locked).

    A worker without any heartbeat row (a plain django-tasks-db worker) is judged by the task's start time
    against the same lease: only then is age the criterion.
    """
    now = now or database_now()
    lease = dt.timedelta(seconds=_setting("OUTBOX_LEASE_SECONDS", 60))
    max_claims = _setting("OUTBOX_MAX_CLAIMS", 5)
    beats = dict(WorkerHeartbeat.objects.values_list("worker_id", "last_seen"))
    count = 0
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update(skip_locked=True).filter(status=TaskResultStatus.RUNNING)
        for row in running:
            worker = row.worker_ids[-1] if row.worker_ids else None
            seen = beats.get(worker)
            if seen is not None and seen > now - lease:
                continue
            if seen is None and row.started_at is not None and row.started_at > now - lease:
                continue
            if len(row.worker_ids) >= max_claims:
                row.status = TaskResultStatus.FAILED
                row.finished_at = now
                row.exception_class_path = WORKER_LOST
                row.traceback = f"The worker running this task stopped {len(row.worker_ids)} times."
                row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                logger.error("Task %s (%s) failed: its worker died %s times", row.pk, row.task_path,
                             len(row.worker_ids))
            else:
                row.status = TaskResultStatus.READY
                row.save(update_fields=["status"])
                logger.warning("Task %s (%s) re-queued: worker %s stopped beating", row.pk, row.task_path, worker)
            count += 1
    WorkerHeartbeat.objects.filter(last_seen__lt=now - dt.timedelta(days=1)).delete()
    return count



def is_transient_class(class_path: str) -> bool:
    """A task's recorded error class (django-tasks-db keeps its dotted path) that a later run may not meet:
    lost database or network connections and timeouts. SMTP errors count only when the server was unreachable."""
    from django.db import InterfaceError, OperationalError

    try:
        cls = import_string(class_path)
    except ImportError:
        return False
    if not (isinstance(cls, type) and issubclass(cls, BaseException)):
        return False
    if issubclass(cls, smtplib.SMTPException):
        return issubclass(cls, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError)
    return issubclass(cls, OSError | OperationalError | InterfaceError)


def tasks_retry_transient(*, now: dt.datetime | None = None) -> int:
    """Put back to READY every failed task (except e-mail delivery, which retries itself) whose error was
    transient, once its backoff (`retry_delay` of its attempts) has passed, for `OUTBOX_TASK_RETRY_HOURS` (24)
    after it was enqueued; after that it stays failed and is counted on the admin home. Tasks are idempotent,
    so running one again is safe. Returns how many were put back; safe when two sweeps overlap."""
    now = now or database_now()
    window = dt.timedelta(hours=_setting("OUTBOX_TASK_RETRY_HOURS", 24))
    count = 0
    with transaction.atomic():
        rows = (DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(status=TaskResultStatus.FAILED, enqueued_at__gte=now - window)
                .exclude(task_path=SEND_TASK_PATH).exclude(exception_class_path=WORKER_LOST))
        for row in rows:
            if not is_transient_class(row.exception_class_path):
                continue
            if row.finished_at and row.finished_at + retry_delay(len(row.worker_ids)) > now:
                continue
            row.status = TaskResultStatus.READY
            row.run_after = now
            row.finished_at = None
            row.exception_class_path = ""
            row.traceback = ""
            row.save(update_fields=["status", "run_after", "finished_at", "exception_class_path", "traceback"])
            logger.warning("Task %s (%s) re-queued after a transient error", row.pk, row.task_path)
            count += 1
    return count


def tasks_failed_count() -> int:
    """Background jobs (not e-mails: those are in the message log) that failed for good, for the admin home."""
    return DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exclude(task_path=SEND_TASK_PATH).count()


# --- pruning ------------------------------------------------------------------------------------------------

PRUNE_BATCH = 1000


def _delete_in_batches(queryset) -> int:
    """Delete the rows of `queryset` a batch at a time (short transactions, no long lock on a big table)."""
    deleted = 0
    while True:
        pks = list(queryset.values_list("pk", flat=True)[:PRUNE_BATCH])
        if not pks:
            return deleted
        with transaction.atomic():
            count, _per_model = queryset.model.objects.filter(pk__in=pks).delete()
        deleted += count


def outbox_prune(*, now: dt.datetime | None = None) -> dict:
    """Drop finished rows that nobody needs any more (periodic sweep); idempotent, safe to run in parallel.

    Task rows (django-tasks-db) that SUCCEEDED more than `OUTBOX_PRUNE_SUCCESSFUL_TASKS_DAYS` (30) ago or FAILED
    more than `OUTBOX_PRUNE_FAILED_TASKS_DAYS` (90) ago, and message-log rows sent or failed more than
    `OUTBOX_PRUNE_MESSAGES_DAYS` (365) ago. A ready or running task and a message still queued or retrying are
    never touched. A setting of 0 keeps those rows forever. Returns the rows deleted: {"tasks": n, "messages": m}.
    """
    now = now or timezone.now()
    pruned = {"tasks": 0, "messages": 0}
    for status, setting in ((TaskResultStatus.SUCCESSFUL, "OUTBOX_PRUNE_SUCCESSFUL_TASKS_DAYS"),
                            (TaskResultStatus.FAILED, "OUTBOX_PRUNE_FAILED_TASKS_DAYS")):
        days = _setting(setting, 30 if status == TaskResultStatus.SUCCESSFUL else 90)
        if days > 0:
            pruned["tasks"] += _delete_in_batches(DBTaskResult.objects.filter(
                status=status, finished_at__lt=now - dt.timedelta(days=days)))
    days = _setting("OUTBOX_PRUNE_MESSAGES_DAYS", 365)
    if days > 0:
        pruned["messages"] = _delete_in_batches(Message.objects.filter(
            state__in=[State.SENT, State.FAILED], created_at__lt=now - dt.timedelta(days=days)))
    return pruned


# --- health -------------------------------------------------------------------------------------------------

def queue_health(*, now: dt.datetime | None = None) -> dict:
    """Is the task queue being worked? Oldest due task's or e-mail's age and the last worker heartbeat's age
    (seconds).

    Unhealthy ("ok": False) when a due task or e-mail has waited longer than `OUTBOX_HEALTH_MAX_QUEUE_AGE_SECONDS` or
    no worker has beaten within the lease. Backends that run tasks in the web process are always healthy.
    """
    now = now or database_now()
    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        return {"ok": True, "backend": type(backend).__name__}
    due_since = (DBTaskResult.objects.ready().filter(backend_name=backend.alias)
                 .annotate(due=Case(When(run_after=get_date_max(), then=F("enqueued_at")),
                                    default=Greatest("enqueued_at", "run_after")))
                 .aggregate(oldest=Min("due"))["oldest"])
    # With the relay the e-mails wait in the message log, not as tasks: the oldest due message counts too.
    message_due = _due_messages(now).aggregate(oldest=Min("next_attempt_at"))["oldest"]
    due_since = min((moment for moment in (due_since, message_due) if moment is not None), default=None)
    oldest_age = None if due_since is None else max(0.0, (now - due_since).total_seconds())
    last_seen = WorkerHeartbeat.objects.order_by("-last_seen").values_list("last_seen", flat=True).first()
    heartbeat_age = None if last_seen is None else max(0.0, (now - last_seen).total_seconds())
    max_age = _setting("OUTBOX_HEALTH_MAX_QUEUE_AGE_SECONDS", 300)
    lease = _setting("OUTBOX_LEASE_SECONDS", 60)
    ok = (oldest_age is None or oldest_age <= max_age) and heartbeat_age is not None and heartbeat_age <= lease
    return {"ok": ok, "backend": type(backend).__name__, "oldest_queued_age": oldest_age,
            "last_heartbeat_age": heartbeat_age, "failed_messages": Message.objects.filter(state=State.FAILED).count()}
