"""The client address behind a trusted proxy (issue 13, 7c): X-Forwarded-For counts only when the connection
comes from a proxy listed in OSKUS_TRUSTED_PROXIES; allauth's per-address limits use it."""

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory

from accounts.client_ip import client_ip
from tests.factories import UserFactory

rf = RequestFactory()


def _request(remote: str, xff: str | None = None):
    headers = {"X-Forwarded-For": xff} if xff is not None else {}
    return rf.get("/", REMOTE_ADDR=remote, headers=headers)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.OSKUS_TRUSTED_PROXIES = []
    assert client_ip(_request("198.51.100.7", "203.0.113.5")) == "198.51.100.7"


@pytest.mark.parametrize(("remote", "xff", "expected"), [
    ("10.0.0.1", "203.0.113.5", "203.0.113.5"),
    ("10.0.0.1", "198.51.100.9, 203.0.113.5", "203.0.113.5"),  # the client's own first entry is not believed
    ("10.0.0.1", "203.0.113.5, 10.0.0.2", "203.0.113.5"),  # two trusted hops
    ("10.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3"),  # only proxies: the farthest one
    ("10.0.0.1", "", "10.0.0.1"),
    ("10.0.0.1", "not-an-address", "10.0.0.1"),
    ("198.51.100.7", "203.0.113.5", "198.51.100.7"),  # not from a trusted proxy: a spoofed header
    ("::1", "2001:db8::5", "2001:db8::5"),
])
def test_behind_a_trusted_proxy_the_nearest_untrusted_address_is_the_client(settings, remote, xff, expected):
    settings.OSKUS_TRUSTED_PROXIES = ["10.0.0.0/8", "::1"]
    assert client_ip(_request(remote, xff)) == expected


def test_allauth_uses_the_same_address(settings):
    settings.OSKUS_TRUSTED_PROXIES = ["127.0.0.1"]
    assert get_adapter().get_client_ip(_request("127.0.0.1", "203.0.113.5")) == "203.0.113.5"


@pytest.mark.django_db
def test_people_behind_the_proxy_no_longer_share_one_login_limit(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/m/ip"}
    settings.OSKUS_TRUSTED_PROXIES = ["127.0.0.1"]
    UserFactory(email="mari@vald.ee")

    def attempt(address):
        response = client.post("/en/accounts/login/", {"login": "mari@vald.ee", "password": "wrong-password"},
                               REMOTE_ADDR="127.0.0.1", headers={"X-Forwarded-For": address})
        return [e.code for e in response.context["form"].errors.as_data().get("__all__", [])]

    for _ in range(2):
        attempt("203.0.113.5")
    assert "too_many_login_attempts" in attempt("203.0.113.5")
    assert "too_many_login_attempts" not in attempt("203.0.113.6")
