"""A visitor signs up, confirms the e-mail, logs in, fills the profile and switches the language."""

import re

import pytest
from django.core import mail

from accounts.models import User
from tests.conftest import login
from tests.factories import home_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_signs_up_confirms_logs_in_fills_profile_and_switches_language(browser_page, assert_accessible):
    home_page()
    page = browser_page
    page.goto("/accounts/signup/")
    assert page.locator("html").get_attribute("lang") == "et"
    assert_accessible(page)
    page.fill("input[name=email]", "kati.kask@vald.ee")
    page.fill("input[name=full_name]", "Kati Kask")
    page.fill("input[name=password1]", "Mets-ja-meri-2026")
    page.fill("input[name=password2]", "Mets-ja-meri-2026")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))

    body = mail.outbox[-1].body
    confirm_path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", body).group(1)
    page.goto(confirm_path)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert User.objects.get(email="kati.kask@vald.ee").emailaddress_set.get().verified

    page.context.clear_cookies()
    login(page, "kati.kask@vald.ee", "Mets-ja-meri-2026")
    page.goto("/accounts/profile/")
    assert_accessible(page)
    page.select_option("select[name=profession]", "child_protection")
    page.fill("input[name=organisation]", "Räpina Vallavalitsus")
    page.select_option("select[name=municipality]", label="Räpina vald (Põlva maakond)")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    profile = User.objects.get(email="kati.kask@vald.ee").profile
    assert profile.municipality.name == "Räpina vald"
    assert profile.county.name == "Põlva maakond"

    page.select_option("#language-select", "en")
    page.locator(".language-switch button").click()
    page.wait_for_url(re.compile(r"/en/accounts/profile/$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Your profile"
