"""`manage.py sweep`: every periodic job of every app, in one idempotent pass (cron or `--loop`)."""

import io
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from certificates.services import qualification_reminders_send
from enrollment.attendance.services import cohorts_close_due
from enrollment.services import offers_expire_due, reminders_send_due


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
)


class Command(BaseCommand):
    help = "Expire offers, send reminders, close finished cohorts, remind trainers of expiring qualifications."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS",
                            help="Repeat every SECONDS seconds instead of running once.")

    def handle(self, *args, loop=0, **options):
        while True:
            results = " ".join(f"{name}={job()}" for name, job in JOBS)
            self.stdout.write(f"sweep {results}")
            if not loop:
                return
            time.sleep(loop)
