"""The message log (one row per e-mail) and the task workers' heartbeats.

A `Message` row holds what is needed to rebuild and deliver one e-mail and what happened to it. It keeps no
message body: the body is rendered again from `builder` and `params` (ids only) at each attempt. Account
e-mails that cannot be rebuilt from ids (their links carry one-time keys) keep their rendered form in
`payload` until they are sent; it is erased then and never shown.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RETRYING = "retrying", _("retrying")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    # Unique and indexed through Meta, not `unique=True` / `db_index=True`: on PostgreSQL those add a second,
    # `varchar_pattern_ops` index for LIKE 'prefix%' lookups, which nothing here makes, and every message recorded
    # (one per enrollment, in its transaction) paid for updating them (bench/README.md).
    message_id = models.CharField(_("Message-ID"), max_length=255, editable=False)
    kind = models.CharField(_("kind"), max_length=64)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="outbox_messages")
    # Plain ids, not foreign keys: the outbox sits below the apps whose objects the messages are about.
    cohort_id = models.BigIntegerField(_("cohort"), null=True, blank=True, db_index=True)
    enrollment_id = models.BigIntegerField(_("enrollment"), null=True, blank=True, db_index=True)
    builder = models.CharField(max_length=200, blank=True, editable=False)
    params = models.JSONField(default=dict, blank=True, editable=False)
    payload = models.JSONField(null=True, blank=True, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Deliveries started by the relay (committed before each one): more than `attempts` means a worker died while
    # delivering, since every delivery that ends records its attempt (services.messages_relay). The database
    # default lets web servers of the release before it go on recording messages while this one is deployed.
    claims = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    resent_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, editable=False,
                                    related_name="resends", db_index=False)  # indexed in Meta, where set
    # What makes this message one of a kind ("enrollment-outcome:12:completed:1"): recording a message with a key
    # already logged returns that message instead of a second one (services.message_enqueue).
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_msg_state_next_idx"),
                   models.Index(fields=["kind"], name="outbox_msg_kind_idx"),
                   # Nearly every message is neither a resend nor keyed: their indexes hold only the rows that are.
                   models.Index(fields=["resent_from"], name="outbox_msg_resent_from_idx",
                                condition=models.Q(resent_from__isnull=False))]
        constraints = [models.UniqueConstraint(fields=["message_id"], name="outbox_message_message_id_unique"),
                       models.UniqueConstraint(fields=["idempotency_key"], name="outbox_message_idempotency_keyed",
                                               condition=models.Q(idempotency_key__isnull=False))]

    def __str__(self):
        return f"{self.kind} {self.message_id}"


class WorkerHeartbeat(models.Model):
    """Written every few seconds by each running `db_worker`; a task whose worker stopped beating is re-run."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.worker_id
