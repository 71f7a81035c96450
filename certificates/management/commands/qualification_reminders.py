"""`manage.py qualification_reminders`: send the due 90- and 30-day expiry reminders (safe to run daily)."""

from django.core.management.base import BaseCommand

from certificates.services import qualification_reminders_send


class Command(BaseCommand):
    help = "Send trainer-qualification expiry reminders (90 and 30 days before); each is sent only once."

    def handle(self, *args, **options):
        sent = qualification_reminders_send()
        self.stdout.write(f"Reminders sent: {sent}")
