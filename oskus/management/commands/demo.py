"""`manage.py demo`: idempotent demo content for people to look at (never a test fixture)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import demo as accounts_demo
from accounts.roles import ensure_roles
from courses import demo as courses_demo


def _optional_loaders():
    """Apps above courses add their own demo data; each module has a load(stdout) function."""
    loaders = []
    for module_name in ("enrollment.demo", "enrollment.attendance.demo", "certificates.demo"):
        try:
            module = __import__(module_name, fromlist=["load"])
        except ModuleNotFoundError:
            continue
        loaders.append(module.load)
    return loaders


class Command(BaseCommand):
    help = "Create or refresh the demo page tree, accounts, cohorts and certificates."

    def handle(self, *args, **options):
        with transaction.atomic():
            ensure_roles()
            accounts_demo.load(self.stdout)
            courses_demo.load(self.stdout)
            for load in _optional_loaders():
                load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        accounts_demo.print_logins(self.stdout)
