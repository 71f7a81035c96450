"""The account e-mail of a person whose account someone else created (a coordinator's CSV import): a link to
set their password, so they can log in.

The link is allauth's password-reset link (allauth's token generator: bound to the account's current password
and last log-in, so it works once, for PASSWORD_RESET_TIMEOUT). It is made by the outbox worker at each attempt
from the user's id, so the message log stores no key and the link's validity starts when the mail is sent.
Following it proves the address, which is then marked verified (accounts.signals), so the first log-in needs
no second e-mail.
"""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from outbox.models import Message
from outbox.services import message_enqueue

KIND = "account_invitation"
BUILDER = "accounts.invitations.account_invitation_build"


def account_invitation_enqueue(*, user, cohort_id: int | None = None, language: str = "") -> Message:
    """Record the e-mail with the set-password link for `user` (just created by someone else) in the current
    transaction (outbox): it commits or rolls back with the account. Once per account (idempotency key)."""
    return message_enqueue(kind=KIND, recipient_id=user.pk, builder=BUILDER,
                           params={"user_id": user.pk, "language": language or settings.LANGUAGE_CODE},
                           cohort_id=cohort_id, idempotency_key=f"account-invitation:{user.pk}")


def account_invitation_build(*, user_id: int, language: str) -> EmailMessage | None:
    """The outbox's builder, at each attempt: the e-mail with a fresh link; None when the account is gone or
    inactive."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return None
    codes = {code for code, _name in settings.LANGUAGES}
    language = language if language in codes else settings.LANGUAGE_CODE
    site = settings.SITE_URL.rstrip("/")
    with translation.override(language):
        path = reverse("account_reset_password_from_key",
                       kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)})
        context = {"name": user.get_full_name(), "email": user.email, "set_password_url": site + path,
                   "reset_url": site + reverse("account_reset_password"),
                   "days": max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 86400), "site_url": settings.SITE_URL}
        subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("Your Oskus account: set your password")
        body = render_to_string("accounts/email/invitation.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email],
                        headers={"Content-Language": language})
