"""`manage.py retention [--dry-run]`: apply the retention policy now (the sweep does it periodically), or
report what would go."""

from django.core.management.base import BaseCommand

from privacy.services.retention import retention_apply


class Command(BaseCommand):
    help = "Apply the personal-data retention policy; with --dry-run, only report how many records would go."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Change nothing; report what would go.")

    def handle(self, *args, dry_run=False, **options):
        counts = retention_apply(dry_run=dry_run)
        verb = "would go" if dry_run else "done"
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} {verb}")
