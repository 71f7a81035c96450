"""Close every cohort whose last session ended ATTENDANCE_LOCK_DAYS ago: completion is computed for everyone.

Idempotent (a finished cohort is never closed twice); run it from cron or `--loop`, beside `manage.py db_worker`.
The same work is the `enrollment.attendance.tasks.close_finished_cohorts` task.
"""

import time

from django.core.management.base import BaseCommand

from enrollment.attendance.services import cohorts_close_due


class Command(BaseCommand):
    help = "Compute completion and finish cohorts whose marks are final (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS",
                            help="Repeat every SECONDS seconds instead of running once.")

    def handle(self, *args, loop=0, **options):
        while True:
            closed = cohorts_close_due()
            self.stdout.write(f"attendance_close_cohorts closed={closed}")
            if not loop:
                return
            time.sleep(loop)
