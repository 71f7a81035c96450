"""One throttled log-in: the Wagtail admin's door leads to allauth's, with allauth's limits (issue 13, 1)."""

import pytest
from django.urls import reverse

from accounts.roles import COORDINATORS
from oskus.settings import base as base_settings
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/en/accounts/login/"


@pytest.fixture(autouse=True)
def _production_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = base_settings.ACCOUNT_RATE_LIMITS


@pytest.fixture(params=["coordinator", "specialist"])
def person(request):
    groups = [COORDINATORS] if request.param == "coordinator" else []
    return UserFactory(email=f"{request.param}@vald.ee", groups=groups)


def _guess(client, url, email, password):
    return client.post(url, {"login": email, "password": password})


def _throttled(response) -> bool:
    errors = response.context["form"].errors.as_data().get("__all__", [])
    return any(error.code == "too_many_login_attempts" for error in errors)


def test_allauth_door_refuses_the_right_password_after_five_wrong_ones(client, person):
    for _ in range(5):
        _guess(client, LOGIN, person.email, "wrong-password-1")
    response = _guess(client, LOGIN, person.email, PASSWORD)
    assert response.status_code == 200
    assert _throttled(response)
    assert "_auth_user_id" not in client.session


def test_admin_door_never_logs_anyone_in_and_leads_to_the_throttled_form(client, person):
    response = client.post("/admin/login/", {"username": person.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"].split("?")[0] in {reverse("account_login"), LOGIN}


def test_admin_door_guessing_is_counted_by_allauth(client, person):
    """Sixteen guesses through /admin/login/ and its redirect: the right password comes too late."""
    for _ in range(15):
        first = client.post("/admin/login/?next=/admin/", {"username": person.email, "password": "wrong-pass-2"})
        assert "_auth_user_id" not in client.session
        _guess(client, first["Location"], person.email, "wrong-pass-2")
    first = client.get("/admin/login/?next=/admin/")
    response = _guess(client, first["Location"], person.email, PASSWORD)
    assert "_auth_user_id" not in client.session
    assert _throttled(response)


def test_anonymous_admin_visit_goes_to_allauth_with_next(client):
    response = client.get("/admin/pages/", follow=True)
    path, query = response.redirect_chain[-1][0].split("?")
    assert path == reverse("account_login")
    assert "next=/admin/pages/" in query or "next=%2Fadmin%2Fpages%2F" in query
    assert response.status_code == 200


def test_logged_in_person_without_admin_access_is_refused_without_a_loop(client):
    client.force_login(UserFactory())
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1


def test_admin_login_redirect_keeps_only_local_next(client):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert "evil.example" not in response["Location"]
    response = client.get("/admin/login/?next=/admin/reports/")
    assert "next=/admin/reports/" in response["Location"]


def test_coordinator_logs_in_through_allauth_and_reaches_the_admin(client, settings):
    settings.OSKUS_STAFF_MFA_REQUIRED = False
    coordinator = UserFactory(email="koordinaator@vald.ee", groups=[COORDINATORS])
    first = client.get(client.get("/admin/")["Location"])
    response = _guess(client, first["Location"], coordinator.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("path", ["/admin/password_reset/", "/admin/account/change_password/"])
def test_wagtail_password_side_doors_are_closed(client, path):
    UserFactory(email="koordinaator@vald.ee", groups=[COORDINATORS])
    assert client.get(path).status_code in {302, 404}
    assert client.post(path, {"email": "koordinaator@vald.ee"}).status_code in {302, 403, 404}
