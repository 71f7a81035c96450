"""Admin parts that join several apps: the message log (oskus.message_log) and its dashboard panel."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.permissions import register_permission_policy

from accounts.roles import is_coordinator
from outbox.models import Message
from outbox.services import tasks_failed_count

from .message_log import CoordinatorsOnly, MessageViewSet

register_permission_policy(Message, CoordinatorsOnly(Message))


@hooks.register("register_admin_viewset")
def register_message_log():
    return MessageViewSet()


class FailedEmailsPanel(Component):
    """On the coordinators' admin home: how many e-mails failed for good, with the way to send them again, and
    how many background jobs (certificates, PDFs, completions) failed for good after their retries."""

    name = "failed_emails"
    order = 50
    template_name = "oskus/dashboard/failed_emails.html"

    def __init__(self, count: int, tasks: int = 0):
        self.count = count
        self.tasks = tasks

    def get_context_data(self, parent_context=None):
        return {"count": self.count, "tasks": self.tasks,
                "url": f"{reverse('outbox_messages:index')}?state={Message.State.FAILED}"}


@hooks.register("construct_homepage_panels")
def add_failed_emails_panel(request, panels):
    if not is_coordinator(request.user):
        return
    failed = Message.objects.filter(state=Message.State.FAILED).count()
    tasks = tasks_failed_count()
    if failed or tasks:
        panels.append(FailedEmailsPanel(failed, tasks))
