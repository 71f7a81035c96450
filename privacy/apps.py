from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts import profile_links


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        profile_links.register("privacy_my_data", _("My data"))
        profile_links.register("privacy_erasure", _("Delete my account"))
