"""`manage.py db_worker`: django-tasks-db's worker plus a heartbeat (lease) with recovery of dead workers' tasks,
and the e-mail relay (with `--batch`, the e-mails due are delivered after the tasks, before the command ends).

This app comes before django_tasks_db in INSTALLED_APPS, so this command replaces the library's one; every
option is the library's. See outbox.worker and docs/operations.md.
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from outbox.services import relay_enabled, worker_stopped
from outbox.worker import Heartbeat, Relay, relay_drain


class Command(db_worker.Command):
    help = ("Run a database background worker with a heartbeat and the e-mail relay; re-queue the tasks of workers "
            "that died.")

    def handle(self, *args, **options):
        if options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)  # the reloader's parent process runs no task
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.beat()  # before the first claim: a claimed task always has a live lease behind it
        heartbeat.start()
        relay = Relay(options["worker_id"]) if relay_enabled() else None
        if relay is not None:
            relay.start()
        try:
            result = super().handle(*args, **options)
            if relay is not None and options.get("batch"):
                relay.stop()
                relay_drain()  # what the tasks just recorded, too
            return result
        finally:
            if relay is not None:
                relay.stop()
            heartbeat.stop()
            worker_stopped(worker_id=options["worker_id"])
