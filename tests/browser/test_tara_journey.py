"""A person logs in with their national eID through TARA (a TARA-like provider on a loopback port): the first
time they give and confirm their e-mail and complete the profile; the next time they are simply logged in.
A refused log-in ends on the error page, under the site's strict CSP."""

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core import mail

from accounts.models import User
from tests.factories import home_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_person_signs_up_with_tara_confirms_the_email_and_logs_in_with_tara_again(
        browser_page, assert_accessible, fake_tara):
    home_page()
    page = browser_page
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.click("#tara-login")
    page.wait_for_url(re.compile(r"/accounts/3rdparty/signup/$"))
    assert page.locator("input[name=full_name]").input_value() == "Mari-Liis Männik"
    assert "EE38001085718" not in page.content()
    assert_accessible(page)
    page.fill("input[name=email]", "mari.mannik@vald.ee")
    page.select_option("select[name=profession]", "social_worker")
    page.select_option("select[name=municipality]", label="Räpina vald (Põlva maakond)")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))

    user = User.objects.get(email="mari.mannik@vald.ee")
    assert SocialAccount.objects.get(user=user).uid == "EE38001085718"
    assert user.profile.is_complete
    confirm_path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    page.goto(confirm_path)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    page.goto("/accounts/profile/")
    assert page.locator("#eid-connections").is_visible()
    assert "EE38001085718" not in page.content()

    page.context.clear_cookies()
    page.goto("/en/accounts/login/")
    page.click("#tara-login")
    page.wait_for_load_state("networkidle")
    page.goto("/en/accounts/profile/")
    assert page.locator("h1").inner_text() == "Your profile"
    assert page.locator("input[name=full_name]").input_value() == "Mari-Liis Männik"
    assert User.objects.count() == 1 and SocialAccount.objects.count() == 1


def test_a_token_with_a_bad_signature_ends_on_the_error_page(browser_page, assert_accessible, fake_tara):
    home_page()
    fake_tara.tamper = "bad_signature"
    page = browser_page
    page.goto("/accounts/signup/")
    page.click("#tara-login")
    page.wait_for_selector("#eid-error")
    assert page.url.split("?")[0].endswith("/accounts/tara/callback/")
    assert_accessible(page)
    assert User.objects.count() == 0 and SocialAccount.objects.count() == 0
