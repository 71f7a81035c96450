"""Mails to an address that is not verified yet never quote what the sign-up form was given (issue 13, 7):
anyone can type a name and someone else's address, so the name must not travel to that address."""

import pytest
from django.core import mail

from accounts.models import Municipality
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

BAIT = "Win a prize at https://evil.example now"


def test_signup_confirmation_does_not_quote_the_typed_name(client):
    response = client.post("/en/accounts/signup/", {
        "email": "victim@vald.ee", "full_name": BAIT, "profession": "child_protection",
        "municipality": Municipality.objects.get(name="Räpina vald").pk,
        "password1": "Mets-ja-meri-2026", "password2": "Mets-ja-meri-2026",
    })
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "evil.example" not in message.body and "evil.example" not in message.subject
    assert "Win a prize" not in message.body
    assert "/accounts/confirm-email/" in message.body


def test_confirming_an_added_address_does_not_quote_the_account_name(client):
    user = UserFactory(full_name=BAIT)
    client.force_login(user)
    client.post("/en/accounts/reauthenticate/", {"password": PASSWORD})
    client.post("/en/accounts/email/", {"action_add": "", "email": "someone-else@vald.ee"})
    sent = [m for m in mail.outbox if "someone-else@vald.ee" in m.to]
    assert sent
    assert all("evil.example" not in m.body and "Win a prize" not in m.body for m in sent)
