"""A security key as the staff second factor (issue 13): a coordinator without a factor is offered both kinds,
adds a security key (Chromium's virtual authenticator stands in for the hardware), reaches the admin, and at
the next log-in gives the key instead of a code. The strict CSP blocks nothing on the way."""

import re

import pytest
from allauth.mfa.models import Authenticator

from tests import factories
from tests.browser.test_csp import LISTEN
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _virtual_authenticator(page) -> None:
    """A platform authenticator that always answers (user present and verified), as a fingerprint reader would."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})


def _csp_refusals(page, console) -> list[str]:
    return page.evaluate("window.__cspViolations") + [
        text for text in console if "Content Security Policy" in text or text.startswith("Refused")]


def test_coordinator_adds_a_security_key_and_logs_in_with_it(browser_page, settings):
    settings.OSKUS_STAFF_MFA_REQUIRED = True
    coordinator = factories.UserFactory(full_name="Kadri Koordinaator", groups=["Coordinators"])
    page = browser_page
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(LISTEN)
    _virtual_authenticator(page)

    login(page, coordinator.email)
    page.goto("/admin/")
    page.wait_for_load_state("networkidle")
    assert page.locator("a[href*='/2fa/totp/activate/']").count() == 1  # an authenticator app is offered too
    # Sent to choose a second factor: an authenticator app or a security key.
    assert "/accounts/2fa/" in page.url
    page.locator("a[href*='/2fa/webauthn/add/']").first.click()
    page.wait_for_load_state("networkidle")
    if "/reauthenticate/" in page.url:
        page.fill("input[name=password]", factories.PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("networkidle")
    assert "/2fa/webauthn/add/" in page.url
    page.fill("input[name=name]", "Sõrmejäljelugeja")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    page.wait_for_load_state("networkidle")
    key = Authenticator.objects.get(user=coordinator, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Sõrmejäljelugeja"

    page.goto("/admin/")
    page.wait_for_load_state("networkidle")
    assert re.search(r"/admin/$", page.url), page.url

    # The next log-in asks for the second factor; the security key answers it.
    page.context.clear_cookies()
    login(page, coordinator.email)
    assert "/accounts/2fa/authenticate/" in page.url
    page.locator("#mfa_webauthn_authenticate").click()
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
    page.goto("/admin/")
    page.wait_for_load_state("networkidle")
    assert re.search(r"/admin/$", page.url), page.url
    assert _csp_refusals(page, console) == []
