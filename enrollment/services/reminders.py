"""Reminders before a cohort starts (run by the periodic `sweep`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from ..emails import enrollment_email_enqueue
from ..models import Enrollment
from ..statuses import LIVE_COHORT_STATUSES, EnrollmentStatus

REMINDER_BEFORE = dt.timedelta(days=2)


def reminders_send_due(*, now=None) -> int:
    """Send the reminder e-mail to every confirmed participant whose first session starts within two days.

    Each enrollment is marked (`reminder_sent_at`) in the same transaction that hands the e-mail to the
    task queue; with the database task backend both commit together, so a restart neither loses nor
    repeats a reminder.
    """
    now = now or timezone.now()
    candidates = (Enrollment.objects.filter(status=EnrollmentStatus.CONFIRMED, reminder_sent_at__isnull=True,
                                            cohort__status__in=LIVE_COHORT_STATUSES)
                  .annotate(first_start=Min("cohort__sessions__starts_at"))
                  .filter(first_start__gt=now, first_start__lte=now + REMINDER_BEFORE)
                  .values_list("pk", flat=True))
    sent = 0
    for pk in list(candidates):
        with transaction.atomic():
            row = (Enrollment.objects.select_for_update(skip_locked=True)
                   .filter(pk=pk, status=EnrollmentStatus.CONFIRMED, reminder_sent_at__isnull=True).first())
            if row is None:
                continue
            row.reminder_sent_at = now
            row.save(update_fields=["reminder_sent_at"])
            enrollment_email_enqueue("reminder", row)
            sent += 1
    return sent
