"""Sign-up by e-mail with mandatory verification; bad input is refused and saves nothing."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

SIGNUP = "/accounts/signup/"
GOOD = {
    "email": "kati.kask@vald.ee",
    "full_name": "Kati Kask",
    "profession": "child_protection",
    "password1": "Mets-ja-meri-2026",
    "password2": "Mets-ja-meri-2026",
}


def municipality_id(name):
    from accounts.models import Municipality

    return Municipality.objects.get(name=name).pk


@pytest.fixture
def good_data(db):
    return {**GOOD, "municipality": municipality_id("Räpina vald")}


def test_signup_creates_unverified_account_with_profile_and_sends_confirmation(client, good_data):
    response = client.post(SIGNUP, good_data)
    assert response.status_code == 302
    user = User.objects.get(email="kati.kask@vald.ee")
    assert user.full_name == "Kati Kask"
    assert user.profile.profession == "child_protection"
    assert user.profile.municipality.name == "Räpina vald"
    assert user.profile.county.name == "Põlva maakond"
    assert not user.emailaddress_set.get().verified
    assert len(mail.outbox) == 1
    assert re.search(r"/accounts/confirm-email/[^/\s]+/", mail.outbox[0].body)


def test_unverified_user_cannot_log_in_until_the_email_is_confirmed(client, good_data):
    client.post(SIGNUP, good_data)
    client.logout()
    response = client.post("/accounts/login/", {"login": good_data["email"], "password": good_data["password1"]})
    assert response.status_code == 302
    assert "confirm-email" in response.url or "verification" in response.url
    assert "_auth_user_id" not in client.session
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", mail.outbox[-1].body).group(1)
    client.post(f"/accounts/confirm-email/{key}/")
    client.logout()
    response = client.post("/accounts/login/", {"login": good_data["email"], "password": good_data["password1"]})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email=good_data["email"]).pk)


def test_signup_with_a_used_email_saves_nothing_and_tells_the_owner(client, good_data):
    """allauth prevents account enumeration: the visitor sees the usual "check your e-mail" page, no second
    account exists, and the owner of the address is told by e-mail that an account already exists."""
    UserFactory(email="kati.kask@vald.ee", full_name="Kati Kask")
    response = client.post(SIGNUP, good_data)
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert User.objects.filter(email__iexact="kati.kask@vald.ee").count() == 1
    assert User.objects.get(email="kati.kask@vald.ee").full_name == "Kati Kask"
    assert [(m.to, m.subject) for m in mail.outbox] == [(["kati.kask@vald.ee"], "[Oskus] Konto on juba olemas")]


def test_signup_with_a_weak_password_shows_the_rule_and_saves_nothing(client, good_data):
    data = {**good_data, "password1": "12345", "password2": "12345"}
    response = client.post(SIGNUP, data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["password1"])
    assert "10" in errors  # the minimum length is named
    assert not User.objects.filter(email=data["email"]).exists()
    assert mail.outbox == []


def test_signup_with_an_unknown_municipality_is_refused_with_a_clear_message(client, good_data):
    data = {**good_data, "municipality": "999999"}
    response = client.post(SIGNUP, data)
    assert response.status_code == 200
    assert response.context["form"].errors["municipality"] == [
        "Choose your municipality from the list of Estonia's municipalities."
    ] or "omavalitsus" in response.context["form"].errors["municipality"][0]
    assert not User.objects.filter(email=data["email"]).exists()


def test_signup_error_messages_are_in_estonian_by_default(client, good_data):
    response = client.post(SIGNUP, {**good_data, "municipality": "999999"})
    assert "Valige" in response.context["form"].errors["municipality"][0]


def test_signup_error_messages_are_in_english_under_en(client, good_data):
    response = client.post("/en" + SIGNUP, {**good_data, "municipality": "999999"})
    assert response.context["form"].errors["municipality"] == [
        "Choose your municipality from the list of Estonia's municipalities."
    ]


def test_forged_csrf_post_is_refused_and_saves_nothing(good_data):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(SIGNUP, good_data)
    assert response.status_code == 403
    assert b"html" in response.content.lower()
    assert not User.objects.filter(email=good_data["email"]).exists()


def test_password_reset_sends_a_link_to_a_known_address(client, db):
    UserFactory(email="mari@vald.ee")
    response = client.post(reverse("account_reset_password"), {"email": "mari@vald.ee"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_failed_logins_are_rate_limited(client, settings, db):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    UserFactory(email="mari@vald.ee")
    errors = []
    for _ in range(5):
        response = client.post("/en/accounts/login/", {"login": "mari@vald.ee", "password": "wrong-password"})
        assert response.status_code == 200
        errors.append(" ".join(response.context["form"].non_field_errors()))
    assert all("not correct" in error for error in errors[:3])
    assert all("Too many failed login attempts" in error for error in errors[3:])
    assert "_auth_user_id" not in client.session
