"""The coordinators' desk as Wagtail home-page panels: one read (dashboard.desk), one panel per subject."""

from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from .dashboard import LIST_LIMIT, Desk, desk


class DeskPanel(Component):
    template_name = ""
    name = ""
    order = 0

    def __init__(self, data: Desk):
        self.data = data

    def get_context_data(self, parent_context=None):
        return {"desk": self.data, "limit": LIST_LIMIT, "now": timezone.now(), **self.links()}

    def links(self) -> dict:
        return {}


class SessionsPanel(DeskPanel):
    name = "desk_sessions"
    order = 10
    template_name = "reports/dashboard/sessions.html"


class PendingPanel(DeskPanel):
    name = "desk_pending"
    order = 20
    template_name = "reports/dashboard/pending.html"

    def links(self):
        return {"all_pending_url": f"{reverse('enrollment_enrollments:index')}?status=pending"}


class OffersDuePanel(DeskPanel):
    name = "desk_offers_due"
    order = 30
    template_name = "reports/dashboard/offers_due.html"


class ReadyToClosePanel(DeskPanel):
    name = "desk_ready_to_close"
    order = 40
    template_name = "reports/dashboard/ready_to_close.html"


class ExpiringPanel(DeskPanel):
    name = "desk_expiring"
    order = 60
    template_name = "reports/dashboard/expiring.html"

    def links(self):
        return {"all_expiring_url": f"{reverse('certificates_trainers:index')}?status=expiring"}


def desk_panels() -> list[DeskPanel]:
    data = desk()
    return [panel(data) for panel in (SessionsPanel, PendingPanel, OffersDuePanel, ReadyToClosePanel, ExpiringPanel)]
