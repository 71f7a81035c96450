"""`privacy_notice_url` for every template: the footer, the sign-up and the enroll forms link to the privacy
notice through it, so the lower apps' templates name no URL of this app."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject


def privacy_notice(request):
    return {"privacy_notice_url": SimpleLazyObject(lambda: reverse("privacy_notice"))}
