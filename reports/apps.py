from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The coordinators' desk (admin home panels) and the reports funders ask for: reads only, no models."""

    name = "reports"
    verbose_name = _("Reports")
