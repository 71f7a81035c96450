"""`manage.py sweep`: every periodic job of every app, in one idempotent pass (cron or `--loop`)."""

import io
import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from certificates.services import qualification_reminders_send
from enrollment.attendance.services import cohorts_close_due
from enrollment.services import offers_expire_due, reminders_send_due
from feedback.services import anonymity_seal as feedback_anonymity_seal
from feedback.services import sweep_step as feedback_sweep_step
from outbox.services import messages_requeue_overdue, outbox_prune, tasks_recover_abandoned, tasks_retry_transient
from privacy.services.retention import retention_sweep
from reports.downloads import exports_expire_due as report_downloads_expire_due

logger = logging.getLogger(__name__)


def publish_scheduled() -> str:
    """Wagtail's scheduled publishing and unpublishing (go-live and expiry times set by coordinators)."""
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    return "done"


JOBS = (
    ("scheduled_pages", publish_scheduled),
    ("expired_offers", offers_expire_due),
    ("session_reminders", reminders_send_due),
    ("closed_cohorts", cohorts_close_due),
    ("qualification_reminders", qualification_reminders_send),
    ("feedback_invitations", feedback_sweep_step),  # after closing: a follow-up asks who completed
    # Anonymous answers whose after-commit unlinking died with its process (feedback.services.anonymity_seal).
    ("feedback_anonymity", feedback_anonymity_seal),
    ("retention", retention_sweep),  # personal data past its retention period (privacy/services/retention.py)
    ("report_downloads", report_downloads_expire_due),  # background report files past REPORTS_DOWNLOAD_DAYS
    # Reliability safety nets (outbox.services): tasks of dead workers, messages whose task went missing.
    ("abandoned_tasks", tasks_recover_abandoned),
    ("transient_task_retries", tasks_retry_transient),
    ("overdue_messages", messages_requeue_overdue),
    # Housekeeping: finished task rows and old message-log rows (outbox.services.outbox_prune, settings
    # OUTBOX_PRUNE_*); last, since nothing waits on it.
    ("pruned_rows", lambda: sum(outbox_prune().values())),
)


class Command(BaseCommand):
    help = "Expire offers, send reminders, close finished cohorts, remind trainers of expiring qualifications."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS",
                            help="Repeat every SECONDS seconds instead of running once.")

    def handle(self, *args, loop=0, **options):
        while True:
            results, failed = [], []
            for name, job in JOBS:
                try:
                    results.append(f"{name}={job()}")
                except Exception:  # one broken job must not starve the others (recovery runs last)
                    logger.exception("sweep job %s failed", name)
                    results.append(f"{name}=error")
                    failed.append(name)
            self.stdout.write(f"sweep {' '.join(results)}")
            if not loop:
                if failed:
                    raise CommandError(f"sweep jobs failed: {', '.join(failed)}")
                return
            time.sleep(loop)
