"""Remove a person's second factor (lost phone, no recovery codes); they set a new one up at the next visit."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.security import second_factor_reset


class Command(BaseCommand):
    help = "Remove every second-factor authenticator (TOTP, recovery codes) of the person with this e-mail."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account with the e-mail address {email}.")
        removed = second_factor_reset(user=user)
        self.stdout.write(f"Removed {removed} authenticator(s) of {user.email}.")
