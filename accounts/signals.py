"""Every account gets a profile the moment it exists; log-ins and second factors stamp the session."""

from allauth.account import signals as account_signals
from allauth.account.models import EmailAddress
from allauth.mfa import signals as mfa_signals
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import security
from .models import Profile, User


@receiver(post_save, sender=User, dispatch_uid="accounts.create_profile")
def create_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver(user_logged_in, dispatch_uid="accounts.session_started")
def stamp_session(sender, request, user, **kwargs):
    """Staff session limits count from the log-in (accounts.security)."""
    if request is not None and hasattr(request, "session"):
        security.session_started(session=request.session, user=user)


@receiver(mfa_signals.authenticator_used, dispatch_uid="accounts.mfa_used")
@receiver(mfa_signals.authenticator_added, dispatch_uid="accounts.mfa_added")
def remember_second_factor(sender, request, user, **kwargs):
    """A code given at log-in, at re-authentication or while setting up the factor opens the admin to staff."""
    if request is not None and hasattr(request, "session"):
        security.record_second_factor(session=request.session, user=user)


@receiver(account_signals.password_reset, dispatch_uid="accounts.password_reset_verifies")
def verify_address_by_password_reset(sender, request, user, **kwargs):
    """A password set through an e-mailed link proves the address the link went to. When the account has only
    that one address (a person created by a coordinator's import, or one who never confirmed the sign-up mail),
    it is marked verified, so logging in needs no second e-mail (accounts.invitations)."""
    addresses = list(EmailAddress.objects.filter(user=user)[:2])
    if len(addresses) == 1 and not addresses[0].verified and addresses[0].email.lower() == user.email.lower():
        addresses[0].verified = True
        addresses[0].save(update_fields=["verified"])
