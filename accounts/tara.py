"""National eID log-in: TARA, the state authentication service (ID-card, Mobile-ID, Smart-ID), through allauth's
OpenID Connect provider (`allauth.socialaccount.providers.openid_connect`), configured from the environment
(`oskus/settings/base.py`: `tara_providers`; off when unset).

What this module adds to allauth's provider:
- the ID token's signature is always checked against the provider's published keys (allauth skips it for a
  token it fetched itself), and a nonce sent with the request must come back in the token;
- the identity must be verified: a national identity code (`sub`, e.g. EE38001085718), the names from
  `profile_attributes`, an authentication method (`amr`) and at least the configured level of assurance (`acr`);
- an identity is never matched to an account by name or e-mail: it logs in the account it was linked to,
  links to the logged-in person who connects it (after re-authentication), or signs up a new account whose
  e-mail address allauth verifies (SOCIALACCOUNT_AUTO_SIGNUP = False; TARA gives no e-mail);
- the personal code is kept only as the link (`SocialAccount.uid`); `extra_data` holds the two names and
  nothing else; `national_identity(user)` is the one read of it (for the person's own data export).
The callback URL does not depend on the language (one redirect URL to register with TARA).
"""

import logging
import re
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    OpenIDConnectProviderAccount,
)
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models import ProtectedError
from django.dispatch import receiver
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, get_random_string
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

TARA = getattr(settings, "TARA_PROVIDER_ID", "tara")
LANGUAGE_SESSION_KEY = "oskus.tara_language"
# Levels of assurance in TARA's order (eIDAS): a token must carry at least the configured one.
ACR_LEVELS = ("low", "substantial", "high")
# TARA's `amr` values for the Estonian means (all of level "high"); "eIDAS" (cross-border) states its `acr`.
DOMESTIC_METHODS = {"idcard", "mID", "smartid"}
# `sub`: a two-letter country code and the personal identifier (EE + the Estonian personal code).
SUB_PATTERN = re.compile(r"^[A-Z]{2}[A-Za-z0-9+/=._:-]{1,120}$")


class IdentityRefused(OAuth2Error):
    """The provider answered, but the identity in its token is not one we accept (no details for the user)."""


def is_enabled() -> bool:
    return any(app.get("provider_id") == TARA
               for app in settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", []))


def provider_origin() -> str | None:
    """TARA's origin (scheme://host[:port]) when the log-in is on: the site's CSP lets forms lead there."""
    for app in settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", []):
        if app.get("provider_id") == TARA:
            url = urlsplit(app.get("settings", {}).get("server_url", ""))
            return f"{url.scheme}://{url.netloc}" if url.scheme and url.netloc else None
    return None


def button_label():
    return _("Log in with ID-card, Mobile-ID or Smart-ID")


# --- the provider ------------------------------------------------------------------------------------------


def verified_claims(claims: dict, *, nonce: str | None, min_acr: str) -> dict:
    """Check what an ID token says about the person (its signature, issuer, audience and expiry were checked
    already); return the claims, or raise `IdentityRefused` naming what is missing (never the values)."""
    if not nonce or not constant_time_compare(str(claims.get("nonce", "")), nonce):
        raise IdentityRefused("nonce does not match")
    if not SUB_PATTERN.match(str(claims.get("sub", ""))):
        raise IdentityRefused("no national identity in sub")
    attributes = claims.get("profile_attributes")
    if not isinstance(attributes, dict) or not attributes.get("given_name") or not attributes.get("family_name"):
        raise IdentityRefused("no names in profile_attributes")
    amr = claims.get("amr")
    if not isinstance(amr, list) or not amr:
        raise IdentityRefused("no authentication method (amr)")
    acr = claims.get("acr")
    minimum = ACR_LEVELS.index(min_acr) if min_acr in ACR_LEVELS else ACR_LEVELS.index("substantial")
    if acr is None:
        # TARA leaves `acr` out where the level does not apply or is not known; the domestic means (ID-card,
        # Mobile-ID, Smart-ID) are all of level "high", anything else must state its level.
        if not set(amr) & DOMESTIC_METHODS:
            raise IdentityRefused("no level of assurance (acr) for a cross-border or unknown method")
    elif acr not in ACR_LEVELS or ACR_LEVELS.index(acr) < minimum:
        raise IdentityRefused("level of assurance too low (acr)")
    return claims


def display_name(given_name: str, family_name: str) -> str:
    """TARA gives the names in capitals (as in the population register): 'MARI-LIIS', 'MÄNNIK' -> 'Mari-Liis
    Männik'. The person can correct the result on the sign-up form and the profile page."""
    def nice(part: str) -> str:
        return part.title() if part.isupper() else part
    return " ".join(nice(p.strip()) for p in (given_name, family_name) if p and p.strip())


class TaraOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    """allauth's OpenID Connect adapter with a language-independent callback and a strict ID token check."""

    # TARA's answer when the person presses "Cancel" (allauth's log-in cancelled page, not an error).
    login_cancelled_error = "user_cancel"

    def get_callback_url(self, request, app):
        return build_absolute_uri(request, reverse("tara_callback"), self.redirect_uri_protocol)

    def complete_login(self, request, app, token, **kwargs):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise IdentityRefused("no id_token")
        # Signature (the provider's published keys), issuer, audience and expiry, always.
        claims = jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )
        login = self.get_provider().sociallogin_from_response(request, {"id_token": claims})
        # Checked in the adapter's pre_social_login, where the request's state (with the nonce) is known;
        # never saved.
        login.tara_claims = claims
        return login


class TaraProviderAccount(OpenIDConnectProviderAccount):
    def to_str(self) -> str:
        data = self.account.extra_data or {}
        return display_name(data.get("given_name", ""), data.get("family_name", "")) or str(button_label())


class TaraProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider for the TARA app (the adapter below hands out this class for it)."""

    account_class = TaraProviderAccount
    oauth2_adapter_class = TaraOAuth2Adapter

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.name = _("ID-card, Mobile-ID or Smart-ID")

    def get_login_url(self, request, **kwargs):
        url = reverse("tara_login")
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse("tara_callback")

    @property
    def min_acr(self) -> str:
        return self.app.settings.get("acr", "substantial")

    def get_auth_params(self):
        params = super().get_auth_params()
        params["acr_values"] = self.min_acr
        params["ui_locales"] = translation.get_language() or settings.LANGUAGE_CODE
        return params

    def get_auth_params_from_request(self, request, action):
        # Nothing from the query string: the request to TARA is ours alone.
        return self.get_auth_params()

    def get_scope_from_request(self, request):
        return self.get_scope()

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = get_random_string(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params["nonce"] = nonce
        return super().redirect(request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs)

    def extract_uid(self, data):
        return str(data["id_token"]["sub"])

    def extract_extra_data(self, data):
        """Only the names: the personal code is the uid, and nothing else from the token is kept."""
        attributes = data["id_token"].get("profile_attributes") or {}
        return {"given_name": attributes.get("given_name", ""), "family_name": attributes.get("family_name", "")}

    def extract_common_fields(self, data):
        names = self.extract_extra_data(data)
        return {"name": display_name(names["given_name"], names["family_name"])}

    def extract_email_addresses(self, data):
        # An address from the token (TARA's optional "email" scope) is not one the person proved to us.
        return []


# --- allauth's social account adapter --------------------------------------------------------------------


def _as_tara(provider):
    if (isinstance(provider, OpenIDConnectProvider) and not isinstance(provider, TaraProvider)
            and provider.app is not None and provider.app.provider_id == TARA):
        return TaraProvider(provider.request, app=provider.app)
    return provider


class TaraSocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_provider(self, request, provider, client_id=None):
        return _as_tara(super().get_provider(request, provider, client_id=client_id))

    def list_providers(self, request):
        return [_as_tara(provider) for provider in super().list_providers(request)]

    def pre_social_login(self, request, sociallogin):
        provider = sociallogin.provider
        if not isinstance(provider, TaraProvider):
            return
        claims = getattr(sociallogin, "tara_claims", None) or {}
        try:
            verified_claims(claims, nonce=(sociallogin.state or {}).get("nonce"), min_acr=provider.min_acr)
        except IdentityRefused as e:
            raise ImmediateHttpResponse(render_authentication_error(request, provider, exception=e))
        if sociallogin.is_existing and abandoned_signup_remove(sociallogin.user):
            # Start again as a new person, from the same verified token.
            fresh = provider.sociallogin_from_response(request, {"id_token": claims})
            sociallogin.user, sociallogin.account = fresh.user, fresh.account
            sociallogin.email_addresses = fresh.email_addresses

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        # The kind of failure only: the exception texts name claims, never their values.
        logger.warning("TARA log-in refused: %s %s", error, type(exception).__name__ if exception else "-")
        if exception is not None:
            logger.info("TARA log-in refusal detail: %s", exception)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.full_name = data.get("name") or ""
        return user

    def get_signup_form_initial_data(self, sociallogin):
        initial = super().get_signup_form_initial_data(sociallogin)
        initial["full_name"] = getattr(sociallogin.user, "full_name", "")
        return initial


def abandoned_signup_remove(user) -> bool:
    """Remove an account that only a TARA sign-up made and that never got further: never logged in, no
    confirmed e-mail address, no password, nothing that refers to it. The identity that made it is back
    (a mistyped address would otherwise lock it out for good); the new sign-up form follows. True if removed."""
    if (user.last_login is not None or user.has_usable_password() or user.is_staff or user.is_superuser
            or EmailAddress.objects.filter(user_id=user.pk, verified=True).exists()
            or SocialAccount.objects.filter(user_id=user.pk).exclude(provider=TARA).exists()):
        return False
    try:
        with transaction.atomic():
            user.delete()
    except ProtectedError:
        return False
    logger.info("TARA: an unconfirmed sign-up was started again")
    return True


# --- views (language-independent URLs: accounts/tara_urls.py) ------------------------------------------


def login(request):
    """Start a TARA log-in (POST from the log-in, sign-up or connections page); 404 when TARA is off."""
    if not is_enabled():
        raise Http404
    request.session[LANGUAGE_SESSION_KEY] = translation.get_language()
    return OAuth2LoginView.adapter_view(TaraOAuth2Adapter(request, TARA))(request)


def callback(request):
    """TARA sends the person back here; the pages after it are in the language the log-in started in."""
    if not is_enabled():
        raise Http404
    language = request.session.get(LANGUAGE_SESSION_KEY)
    if language in dict(settings.LANGUAGES):
        translation.activate(language)
        request.LANGUAGE_CODE = language
    return OAuth2CallbackView.adapter_view(TaraOAuth2Adapter(request, TARA))(request)


def not_found(request, *args, **kwargs):
    """allauth's generic OpenID Connect URLs: TARA has its own (above), so these answer 404."""
    raise Http404


# --- the link ------------------------------------------------------------------------------------------


def national_identity(user) -> dict | None:
    """The person's linked national identity, for their own data export (My data), or None.

    The only read of the personal code: nothing else shows it (not the admin, not the connections page).
    The link is removed with the account (SocialAccount.user cascades).
    """
    account = SocialAccount.objects.filter(user_id=user.pk, provider=TARA).first()
    if account is None:
        return None
    data = account.extra_data or {}
    return {
        "service": "TARA",
        "identity_code": account.uid,
        "given_name": data.get("given_name", ""),
        "family_name": data.get("family_name", ""),
        "linked_at": account.date_joined,
        "last_login": account.last_login,
    }


def has_national_identity(user) -> bool:
    return SocialAccount.objects.filter(user_id=user.pk, provider=TARA).exists()


@receiver(user_logged_in, dispatch_uid="accounts.tara.forget_uid_in_session")
def forget_uid_in_session(sender, request, user, **kwargs):
    """allauth records how the person logged in (in the session, for re-authentication); the personal code is
    not needed there, so the record keeps the provider only."""
    if request is None or not hasattr(request, "session"):
        return
    records = request.session.get("account_authentication_methods")
    if not records:
        return
    changed = False
    for record in records:
        if record.get("provider") == TARA and record.get("uid"):
            record["uid"] = ""
            changed = True
    if changed:
        request.session["account_authentication_methods"] = records
