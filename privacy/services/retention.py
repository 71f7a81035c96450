"""The retention policy (settings.PRIVACY_RETENTION, defaults below) and its application by `manage.py sweep`
(`retention_apply`) and `manage.py retention --dry-run` (the same plan, nothing changed). Every step is
idempotent: what is gone is not found again.

| kind | kept | then |
| --- | --- | --- |
| sign-up answers (may hold health data) | `signup_answers_days` after the cohort's last session | emptied |
| e-mail log | `email_log_days` after the e-mail was queued | the row is deleted |
| accounts unused for `inactive_account_days` | warned by e-mail, then `inactive_grace_days` | erased |
| funded participation, after an erasure | the funder's date (end of year + `funded_participation_years`) | name goes |
| "My data" downloads | `export_link_days` | the file is deleted |
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from accounts.models import User
from enrollment.models import Enrollment, Session, SessionStatus
from outbox.models import Message
from outbox.services import message_enqueue

from ..models import ErasureRequest, InactivityWarning
from ..policy import policy


def _answers_due(now):
    last_end = (Session.objects.filter(cohort=OuterRef("cohort")).exclude(status=SessionStatus.CANCELLED)
                .order_by().values("cohort").annotate(last=Max("ends_at")).values("last"))
    limit = now - dt.timedelta(days=policy("signup_answers_days"))
    return Enrollment.objects.exclude(answers={}).annotate(last_end=Subquery(last_end)).filter(last_end__lt=limit)


def signup_answers_expire(*, now=None, dry_run: bool = False) -> int:
    due = _answers_due(now or timezone.now())
    if dry_run:
        return due.count()
    return Enrollment.objects.filter(pk__in=list(due.values_list("pk", flat=True))).update(answers={})


def email_log_expire(*, now=None, dry_run: bool = False) -> int:
    limit = (now or timezone.now()) - dt.timedelta(days=policy("email_log_days"))
    due = Message.objects.filter(created_at__lt=limit).exclude(
        state__in=[Message.State.QUEUED, Message.State.RETRYING])
    if dry_run:
        return due.count()
    Message.objects.filter(resent_from__in=due).update(resent_from=None)
    return due.delete()[1].get("outbox.Message", 0)


def _inactive_accounts(now):
    limit = now - dt.timedelta(days=policy("inactive_account_days"))
    erased = ErasureRequest.objects.filter(erased_at__isnull=False).values("user_id")
    return (User.objects.filter(is_active=True, is_staff=False, is_superuser=False)
            .filter(Q(last_login__lt=limit) | Q(last_login__isnull=True, date_joined__lt=limit))
            .exclude(pk__in=erased).exclude(groups__isnull=False))


def inactive_accounts_warn(*, now=None, dry_run: bool = False) -> int:
    now = now or timezone.now()
    due = _inactive_accounts(now).exclude(pk__in=InactivityWarning.objects.values("user_id"))
    if dry_run:
        return due.count()
    count = 0
    erase_on = timezone.localdate(now) + dt.timedelta(days=policy("inactive_grace_days"))
    for user_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            _warning, created = InactivityWarning.objects.get_or_create(user_id=user_id, defaults={"warned_at": now})
            if created:
                message_enqueue(kind="privacy_inactivity_warning", recipient_id=user_id,
                                builder="privacy.emails.inactivity_warning_build",
                                params={"user_id": user_id, "erase_on": erase_on.isoformat()})
                count += 1
    return count


def inactive_accounts_erase(*, now=None, dry_run: bool = False) -> int:
    """Erase the accounts warned `inactive_grace_days` ago that still were not used (a log-in since the
    warning withdraws it)."""
    from .erasure import account_erase

    now = now or timezone.now()
    InactivityWarning.objects.filter(user__last_login__gt=F("warned_at")).delete()
    grace = now - dt.timedelta(days=policy("inactive_grace_days"))
    due = _inactive_accounts(now).filter(pk__in=InactivityWarning.objects.filter(warned_at__lte=grace)
                                         .values("user_id"))
    if dry_run:
        return due.count()
    count = 0
    for user in list(due):
        account_erase(user=user, reason=ErasureRequest.Reason.INACTIVITY, now=now)
        count += 1
    return count


def retention_jobs():
    from .erasure import retained_anonymise_due
    from .exports import exports_expire_due

    return (
        ("signup_answers", signup_answers_expire),
        ("email_log", email_log_expire),
        ("inactive_warned", inactive_accounts_warn),
        ("inactive_erased", inactive_accounts_erase),
        ("retained_participation", lambda now=None, dry_run=False: retained_anonymise_due(
            today=timezone.localdate(now) if now else None, dry_run=dry_run)),
        ("expired_downloads", exports_expire_due),
    )


def retention_apply(*, now=None, dry_run: bool = False) -> dict[str, int]:
    """Apply (or, with dry_run, count) every retention rule; returns {kind: number of records}."""
    return {name: job(now=now, dry_run=dry_run) for name, job in retention_jobs()}


def retention_sweep() -> str:
    """The sweep's job: one line of counts."""
    return ",".join(f"{name}:{count}" for name, count in retention_apply().items())
