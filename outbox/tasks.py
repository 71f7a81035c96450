"""The outbox's task: deliver one logged e-mail (see `services.message_deliver`)."""

from django_tasks import task

from .services import message_deliver


@task()
def message_send_task(*, message_pk: int) -> str:
    """Send message `message_pk` unless it was sent already; transient failures schedule the next attempt."""
    return message_deliver(message_pk=message_pk)
