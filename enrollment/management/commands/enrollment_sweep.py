"""Periodic enrollment work: expire overdue offers and send reminders two days before the first session.

Run it from cron (e.g. every 5 minutes) or with `--loop 300` beside `manage.py db_worker`. Every run is
idempotent: reminders are marked as sent in the same transaction that queues them, offers are expired
under the cohort lock, so overlapping runs or restarts never double-send and never lose work.
"""

import time

from django.core.management.base import BaseCommand

from enrollment.services import offers_expire_due, reminders_send_due


class Command(BaseCommand):
    help = "Expire overdue offers and send due reminders (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS",
                            help="Repeat every SECONDS seconds instead of running once.")

    def handle(self, *args, loop=0, **options):
        while True:
            expired = offers_expire_due()
            reminders = reminders_send_due()
            self.stdout.write(f"enrollment_sweep expired_offers={expired} reminders={reminders}")
            if not loop:
                return
            time.sleep(loop)
