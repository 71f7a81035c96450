"""National eID log-in (TARA) against a TARA-like OpenID Connect provider on a loopback port.

The identity (the personal code in `sub`) logs in only the account it was linked to; it is linked only by a
logged-in person who connects it, or to a new account whose e-mail address was verified; it is never matched
by name or e-mail. Every refusal ends on the translated error page with nothing created, linked or logged in.
"""

import re
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.core import mail

from accounts.models import Municipality, User
from accounts.tara import display_name, national_identity
from tests.factories import UserFactory
from tests.oidc_provider import person

pytestmark = pytest.mark.django_db
CODE = "EE38001085718"


def start(client, process="login", path="/accounts/tara/login/", **extra) -> str:
    """Press the button: the site sends the browser to TARA's authorize endpoint."""
    response = client.post(path, {"process": process, **extra})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def at_tara(authorize_url: str) -> str:
    """TARA authenticates the person (the fake one at once) and sends the browser back: the callback URL."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def back(client, callback_url: str, **override):
    url = urlparse(callback_url)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    query.update(override)
    return client.get(url.path, query)


def tara_login(client, process="login", **extra):
    return back(client, at_tara(start(client, process, **extra)))


def signup_data(email="mari.mannik@vald.ee", **extra):
    return {"email": email, "full_name": "Mari-Liis Männik", "profession": "child_protection",
            "municipality": Municipality.objects.get(name="Räpina vald").pk, **extra}


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def confirm_last_mail(client):
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", mail.outbox[-1].body).group(1)
    return client.post(f"/accounts/confirm-email/{key}/")


# --- off unless configured ---------------------------------------------------------------------------

def test_without_configuration_there_is_no_button_and_the_urls_answer_404(client):
    assert b"tara-login" not in client.get("/accounts/login/").content
    assert b"tara-login" not in client.get("/accounts/signup/").content
    assert client.post("/accounts/tara/login/", {"process": "login"}).status_code == 404
    assert client.get("/accounts/tara/callback/", {"code": "x", "state": "y"}).status_code == 404


def test_the_log_in_and_sign_up_pages_have_the_button_when_configured(client, fake_tara):
    for path in ("/accounts/login/", "/accounts/signup/"):
        html = client.get(path).content.decode()
        assert 'id="tara-login"' in html
        assert 'action="/accounts/tara/login/"' in html
    assert 'action="/en/accounts/tara/login/"' in client.get("/en/accounts/login/").content.decode()
    assert "Log in with ID-card, Mobile-ID or Smart-ID" in client.get("/en/accounts/login/").content.decode()


def test_allauths_generic_openid_connect_urls_stay_closed(client, fake_tara):
    assert client.post("/accounts/oidc/tara/login/", {"process": "login"}).status_code == 404
    assert client.get("/accounts/oidc/tara/login/callback/", {"code": "x", "state": "y"}).status_code == 404


def test_the_request_to_tara_has_scopes_nonce_pkce_level_language_and_one_redirect_url(client, fake_tara):
    query = parse_qs(urlparse(start(client)).query)
    assert set(query["scope"][0].split()) == {"openid", "idcard", "mid", "smartid"}
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"] == ["http://testserver/accounts/tara/callback/"]
    assert len(query["nonce"][0]) >= 32 and len(query["state"][0]) >= 12
    assert query["code_challenge_method"] == ["S256"]
    assert query["acr_values"] == ["substantial"]
    assert query["ui_locales"] == ["et"]


# --- a new person ------------------------------------------------------------------------------------

def test_a_new_person_gives_and_verifies_an_email_and_completes_the_profile(client, fake_tara):
    response = tara_login(client)
    assert response.status_code == 302 and response.url == "/accounts/3rdparty/signup/"
    page = client.get(response.url).content.decode()
    assert 'value="Mari-Liis Männik"' in page  # the names from the token, editable
    assert CODE not in page and "1980" not in page
    assert User.objects.count() == 0 and SocialAccount.objects.count() == 0

    # Profession and municipality are required here: the profile is complete before any enrollment.
    incomplete = client.post("/accounts/3rdparty/signup/", {"email": "mari.mannik@vald.ee", "full_name": "M"})
    assert incomplete.status_code == 200
    assert set(incomplete.context["form"].errors) == {"profession", "municipality"}
    assert User.objects.count() == 0

    response = client.post("/accounts/3rdparty/signup/", signup_data())
    assert response.status_code == 302 and "confirm-email" in response.url
    user = User.objects.get(email="mari.mannik@vald.ee")
    assert not user.emailaddress_set.get().verified
    assert logged_in_user_id(client) is None  # not before the e-mail is confirmed
    assert user.full_name == "Mari-Liis Männik" and not user.has_usable_password()
    assert user.profile.is_complete and user.profile.municipality.name == "Räpina vald"
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("tara", CODE)
    assert account.extra_data == {"given_name": "MARI-LIIS", "family_name": "MÄNNIK"}  # nothing more is kept
    assert mail.outbox[-1].to == ["mari.mannik@vald.ee"]

    confirm_last_mail(client)
    assert logged_in_user_id(client) == str(user.pk)
    client.logout()

    # From now on the identity logs this account in directly.
    response = tara_login(client)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)
    assert SocialAccount.objects.count() == 1
    # The session's record of how the person logged in keeps no personal code.
    assert CODE not in str(dict(client.session.items()))


def test_a_person_who_mistyped_the_email_signs_in_again_and_gets_the_form_again(client, fake_tara):
    tara_login(client)
    client.post("/accounts/3rdparty/signup/", signup_data(email="mari.mannik@vlad.ee"))  # typo: never confirmed
    assert SocialAccount.objects.get().user.email == "mari.mannik@vlad.ee"
    client.logout()
    response = tara_login(client)
    assert response.url == "/accounts/3rdparty/signup/"
    assert not User.objects.exists() and not SocialAccount.objects.exists()
    client.post("/accounts/3rdparty/signup/", signup_data(email="mari.mannik@vald.ee"))
    assert SocialAccount.objects.get().user.email == "mari.mannik@vald.ee"
    assert User.objects.count() == 1


def test_a_confirmed_account_is_never_removed_that_way(client, fake_tara, password_user):
    SocialAccount.objects.create(user=password_user, provider="tara", uid=CODE, extra_data={})
    tara_login(client)
    assert logged_in_user_id(client) == str(password_user.pk)
    assert User.objects.filter(pk=password_user.pk).exists()


def test_national_identity_is_the_one_read_of_the_personal_code_and_goes_with_the_account(client, fake_tara):
    tara_login(client)
    client.post("/accounts/3rdparty/signup/", signup_data())
    user = User.objects.get(email="mari.mannik@vald.ee")
    identity = national_identity(user)
    assert identity["identity_code"] == CODE
    assert (identity["given_name"], identity["family_name"]) == ("MARI-LIIS", "MÄNNIK")
    assert national_identity(UserFactory()) is None
    user.delete()
    assert not SocialAccount.objects.filter(uid=CODE).exists()


def test_the_profile_and_connections_pages_never_show_the_personal_code(client, fake_tara):
    tara_login(client)
    client.post("/accounts/3rdparty/signup/", signup_data())
    confirm_last_mail(client)
    profile = client.get("/accounts/profile/").content.decode()
    assert 'id="eid-connections"' in profile and CODE not in profile
    connections = client.get("/accounts/3rdparty/").content.decode()
    assert "Mari-Liis Männik" in connections and CODE not in connections and "38001085718" not in connections


# --- never by name or e-mail -------------------------------------------------------------------------

def test_an_unknown_identity_never_attaches_to_an_account_with_the_same_name(client, fake_tara):
    same_name = UserFactory(full_name="Mari-Liis Männik", email="mari@vald.ee")
    response = tara_login(client)
    assert response.url == "/accounts/3rdparty/signup/"
    assert logged_in_user_id(client) is None
    assert not SocialAccount.objects.exists()

    # Giving that account's e-mail address does not link it either: no new account, no link; the owner
    # gets allauth's "account already exists" mail and the page looks like any sign-up (no enumeration).
    mail.outbox.clear()
    response = client.post("/accounts/3rdparty/signup/", signup_data(email="mari@vald.ee"))
    assert response.status_code == 302
    assert logged_in_user_id(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == 1 and User.objects.get() == same_name
    assert mail.outbox[-1].to == ["mari@vald.ee"]


def test_an_email_address_in_the_token_is_not_used(client, fake_tara, monkeypatch):
    UserFactory(email="mari@vald.ee")
    original = fake_tara.id_token

    def with_email(*, nonce):  # TARA's optional "email" scope: an address the person never proved to us
        from joserfc import jwt

        token = jwt.decode(original(nonce=nonce), fake_tara.key)
        claims = {**token.claims, "email": "mari@vald.ee", "email_verified": True}
        return jwt.encode({"alg": "RS256", "kid": "tara-test-key"}, claims, fake_tara.key)

    monkeypatch.setattr(fake_tara, "id_token", with_email)
    response = tara_login(client)
    assert response.url == "/accounts/3rdparty/signup/"
    assert logged_in_user_id(client) is None and not SocialAccount.objects.exists()
    assert 'value="mari@vald.ee"' not in client.get(response.url).content.decode()


# --- a logged-in person connects ---------------------------------------------------------------------

@pytest.fixture
def password_user(db):
    user = UserFactory(full_name="Mari-Liis Männik", email="mari@vald.ee", password="Mets-ja-meri-2026")
    user.emailaddress_set.update_or_create(email=user.email, defaults={"verified": True, "primary": True})
    return user


def log_in_with_password(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": "Mets-ja-meri-2026"})
    assert response.status_code == 302 and logged_in_user_id(client) == str(user.pk)


def test_a_logged_in_person_connects_the_identity_after_giving_the_password_again(client, fake_tara,
                                                                                 password_user):
    log_in_with_password(client, password_user)
    assert b"tara-connect" in client.get("/accounts/3rdparty/").content
    response = tara_login(client, process="connect")
    # allauth asks for the password again before it links anything (it proves the account now).
    assert response.status_code == 302 and response.url == "/accounts/reauthenticate/"
    assert not SocialAccount.objects.exists()
    response = client.post("/accounts/reauthenticate/", {"password": "Mets-ja-meri-2026"})
    assert response.status_code == 302 and response.url == "/accounts/3rdparty/"
    account = SocialAccount.objects.get()
    assert (account.user, account.uid) == (password_user, CODE)
    assert logged_in_user_id(client) == str(password_user.pk)

    client.logout()
    tara_login(client)
    assert logged_in_user_id(client) == str(password_user.pk)


def test_connecting_with_a_wrong_password_links_nothing(client, fake_tara, password_user):
    log_in_with_password(client, password_user)
    tara_login(client, process="connect")
    response = client.post("/accounts/reauthenticate/", {"password": "not-the-password"})
    assert response.status_code == 200
    assert not SocialAccount.objects.exists()


def test_an_identity_linked_to_one_account_cannot_be_connected_to_another(client, fake_tara, password_user):
    other = UserFactory(email="teine@vald.ee")
    SocialAccount.objects.create(user=other, provider="tara", uid=CODE, extra_data={})
    log_in_with_password(client, password_user)
    tara_login(client, process="connect")
    response = client.post("/accounts/reauthenticate/", {"password": "Mets-ja-meri-2026"})
    assert response.status_code == 302
    assert list(SocialAccount.objects.values_list("user_id", flat=True)) == [other.pk]
    assert logged_in_user_id(client) == str(password_user.pk)


def test_a_logged_in_person_who_logs_in_with_an_unknown_identity_is_not_linked(client, fake_tara, password_user):
    log_in_with_password(client, password_user)
    response = tara_login(client, process="login")
    assert response.url == "/accounts/3rdparty/signup/"
    assert not SocialAccount.objects.exists()
    assert logged_in_user_id(client) is None


# --- refusals ----------------------------------------------------------------------------------------

def assert_refused(response, client):
    assert response.status_code == 401  # allauth's status for a failed third-party log-in
    html = response.content.decode()
    assert 'id="eid-error"' in html
    assert User.objects.count() == 0 and not SocialAccount.objects.exists()
    assert logged_in_user_id(client) is None
    assert "socialaccount_sociallogin" not in client.session  # no pending sign-up either


@pytest.mark.parametrize("tamper", ["expired", "wrong_audience", "bad_signature", "wrong_nonce", "low_acr",
                                    "no_names", "eidas_without_acr"])
def test_a_token_that_does_not_prove_the_identity_is_refused(client, fake_tara, tamper):
    fake_tara.tamper = tamper
    assert_refused(tara_login(client), client)


def test_mobile_id_without_a_stated_level_is_accepted_as_tara_sends_it(client, fake_tara):
    fake_tara.tamper = "mobile_id_without_acr"
    assert tara_login(client).url == "/accounts/3rdparty/signup/"


def test_a_wrong_state_is_refused_before_the_token_is_asked_for(client, fake_tara):
    callback = at_tara(start(client))
    assert_refused(back(client, callback, state="forged-state-value"), client)
    assert fake_tara.token_requests == 0


def test_a_callback_from_another_browser_is_refused(client, fake_tara, django_user_model):
    from django.test import Client

    callback = at_tara(start(client))
    stranger = Client()
    assert_refused(back(stranger, callback), stranger)


def test_an_identity_without_a_national_code_is_refused(client, fake_tara):
    fake_tara.person = person(code="38001085718")
    assert_refused(tara_login(client), client)


def test_a_refused_connect_links_nothing_to_the_logged_in_account(client, fake_tara, password_user):
    log_in_with_password(client, password_user)
    fake_tara.tamper = "bad_signature"
    response = tara_login(client, process="connect")
    assert 'id="eid-error"' in response.content.decode()
    assert not SocialAccount.objects.exists()


def test_the_error_page_is_in_the_language_the_log_in_started_in(client, fake_tara):
    fake_tara.tamper = "expired"
    response = back(client, at_tara(start(client, path="/en/accounts/tara/login/")))
    assert response.status_code == 401
    assert '<html lang="en">' in response.content.decode()
    assert "We could not confirm your identity" in response.content.decode()


def test_tara_capital_names_read_as_names():
    assert display_name("MARI-LIIS", "MÄNNIK") == "Mari-Liis Männik"
    assert display_name("Jaan", "van der Berg") == "Jaan van der Berg"


def test_the_csp_lets_forms_lead_to_tara_only_when_it_is_on(client, settings):
    def form_action():
        header = client.get("/accounts/login/")["Content-Security-Policy"]
        return next(part for part in header.split(";") if part.strip().startswith("form-action")).split()[1:]

    assert form_action() == ["'self'"]
    from oskus.settings.base import tara_providers

    settings.SOCIALACCOUNT_PROVIDERS = tara_providers(server_url="https://tara-test.ria.ee/", client_id="c",
                                                      secret="s", scopes=["openid"])
    assert form_action() == ["'self'", "https://tara-test.ria.ee"]


def test_cancelling_at_tara_leads_to_the_cancelled_page_and_changes_nothing(client, fake_tara):
    fake_tara.tamper = "user_cancel"
    response = tara_login(client)
    assert response.status_code == 302 and response.url == "/accounts/3rdparty/login/cancelled/"
    assert fake_tara.token_requests == 0
    assert User.objects.count() == 0 and logged_in_user_id(client) is None


@pytest.mark.parametrize("missing", ["server_url", "client_id", "secret"])
def test_tara_is_off_unless_the_address_the_client_id_and_the_secret_are_all_set(missing):
    from oskus.settings.base import tara_providers

    given = {"server_url": "https://tara.ria.ee", "client_id": "oskus", "secret": "s3cret", missing: ""}
    assert tara_providers(**given, scopes=["openid"]) == {}


def test_no_admin_lists_the_link():
    """allauth's admin for social accounts (it lists the uid) needs django.contrib.admin, which is not installed;
    Wagtail registers no view of the model either."""
    from django.apps import apps
    from wagtail.admin.viewsets import viewsets

    assert not apps.is_installed("django.contrib.admin")
    assert all(getattr(viewset, "model", None) is not SocialAccount for viewset in viewsets.viewsets)
