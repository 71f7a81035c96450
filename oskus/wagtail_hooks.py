"""Admin parts that join several apps: the message log (oskus.message_log)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from outbox.models import Message

from .message_log import CoordinatorsOnly, MessageViewSet

register_permission_policy(Message, CoordinatorsOnly(Message))


@hooks.register("register_admin_viewset")
def register_message_log():
    return MessageViewSet()
