"""`manage.py demo`: idempotent demo content for people to look at (never a test fixture).

The demo is generated through the services people use, relative to today, so every figure agrees with the rules
(tests/test_demo.py). Each cohort is built and committed in its own transaction: closing a cohort issues its
certificates (and trainer qualifications) when that transaction commits, and later cohorts are staffed with
the trainers qualified that way. A second run finds everything by its code and changes nothing.

Background work (certificate PDFs, e-mails, the search index) is queued for the task worker that `make run`
starts beside the server.
"""

from django.core.management.base import BaseCommand

from accounts import demo as accounts_demo
from accounts.roles import ensure_roles
from certificates import demo as certificates_demo
from courses import demo as courses_demo
from enrollment import demo as enrollment_demo
from enrollment.attendance import demo as attendance_demo
from feedback import demo as feedback_demo


class Command(BaseCommand):
    help = "Create or refresh the demo page tree, accounts, cohorts, attendance, certificates and trainers."

    def handle(self, *args, **options):
        ensure_roles()
        accounts_demo.load(self.stdout)
        courses_demo.load(self.stdout)
        # Trainers first: the cohorts of courses that need qualified trainers are staffed through the rule.
        certificates_demo.load_trainers(self.stdout)
        # The cohorts with named people and trainers next; enrollment.demo then fills every seed course's
        # cohorts with whoever is free on their days.
        attendance_demo.load(self.stdout)
        certificates_demo.load(self.stdout)
        enrollment_demo.load(self.stdout)
        feedback_demo.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        accounts_demo.print_logins(self.stdout)
