"""E-mails of privacy, built by the outbox worker at each attempt from ids (see outbox.services)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User

from .models import DataExport


def export_ready_build(*, export_id: int, language: str = "et") -> EmailMessage | None:
    export = DataExport.objects.select_related("user").filter(pk=export_id, state=DataExport.State.READY).first()
    if export is None or not export.user.email:
        return None
    with translation.override(language):
        context = {"export": export, "url": settings.SITE_URL.rstrip("/") + reverse("privacy_my_data")}
        subject = _("Your personal data is ready to download")
        body = render_to_string("privacy/email/export_ready.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [export.user.email])


def inactivity_warning_build(*, user_id: int, erase_on: str) -> EmailMessage | None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        context = {"user": user, "erase_on": erase_on, "url": settings.SITE_URL.rstrip("/") + reverse("account_login")}
        subject = _("Your Oskus account will be deleted because it has not been used")
        body = render_to_string("privacy/email/inactivity_warning.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
