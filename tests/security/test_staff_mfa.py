"""Second factor for staff (issue 13, 2): coordinators and administrators need TOTP before the admin opens;
specialists may turn it on but are never forced."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.roles import ADMINISTRATORS, COORDINATORS
from tests.factories import PASSWORD, UserFactory
from tests.security.totp import post_code, totp

pytestmark = pytest.mark.django_db

LOGIN = "/en/accounts/login/"


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.OSKUS_STAFF_MFA_REQUIRED = True


@pytest.fixture(autouse=True)
def _on_commit(monkeypatch):
    """allauth announces a new authenticator after its transaction commits; the test's transaction never
    commits, so run such callbacks at once, inside the request, as a real commit would."""
    monkeypatch.setattr("allauth.mfa.totp.internal.flows.transaction.on_commit", lambda func, *a, **k: func())


def _activate_totp(client) -> str:
    """Walk allauth's activation page as the logged-in user would; returns the secret."""
    response = client.get("/en/accounts/2fa/totp/activate/")
    if response.status_code == 302:  # allauth asks for the password again before a factor is added
        assert response["Location"].startswith("/en/accounts/reauthenticate/")
        client.post(response["Location"], {"password": PASSWORD})
        response = client.get("/en/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = post_code(client, "/en/accounts/2fa/totp/activate/", secret)
    assert response.status_code == 302, response.content[:2000]
    return secret


def _password_login(client, user, next_url="/admin/"):
    return client.post(f"{LOGIN}?next={next_url}", {"login": user.email, "password": PASSWORD})


@pytest.mark.parametrize("group", [COORDINATORS, ADMINISTRATORS])
def test_staff_without_second_factor_are_sent_to_set_it_up(client, group):
    staff = UserFactory(groups=[group])
    client.force_login(staff)
    for path in ("/admin/", "/admin/pages/", "/admin/users/", "/trainer/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("mfa_index")), path


def test_superuser_without_second_factor_is_sent_to_set_it_up(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_index"))


def test_coordinator_sets_up_totp_then_logs_in_with_a_code(client):
    coordinator = UserFactory(email="koordinaator@vald.ee", groups=[COORDINATORS])
    response = _password_login(client, coordinator)
    assert client.get(response["Location"])["Location"].startswith(reverse("mfa_index"))
    secret = _activate_totp(client)
    assert Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.get("/admin/").status_code == 200

    client.logout()
    response = _password_login(client, coordinator)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/2fa/authenticate/")
    assert "_auth_user_id" not in client.session
    assert client.post(response["Location"], {"code": "000000" if totp(secret) != "000000" else "111111"}
                       ).status_code == 200
    assert "_auth_user_id" not in client.session
    response = post_code(client, "/en/accounts/2fa/authenticate/", secret)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_session_that_skipped_the_code_must_give_it_before_the_admin(client):
    coordinator = UserFactory(groups=[COORDINATORS])
    client.force_login(coordinator)
    secret = _activate_totp(client)
    other = client.__class__()
    other.force_login(coordinator)  # e.g. a log-in path that never asked for the code
    response = other.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    post_code(other, response["Location"], secret)
    assert other.get("/admin/").status_code == 200


def test_specialist_is_not_forced_but_may_turn_it_on(client):
    specialist = UserFactory()
    _password_login(client, specialist, next_url="/my-trainings/")
    assert client.get(reverse("my_trainings")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    secret = _activate_totp(client)
    client.logout()
    response = _password_login(client, specialist, next_url="/my-trainings/")
    assert response["Location"].startswith("/en/accounts/2fa/authenticate/")
    post_code(client, response["Location"], secret)
    assert client.get(reverse("my_trainings")).status_code == 200


def test_profile_links_to_two_factor_settings(client):
    specialist = UserFactory()
    client.force_login(specialist)
    assert reverse("mfa_index") in client.get(reverse("profile_edit")).content.decode()


def test_requirement_can_be_switched_off_for_local_demos(client, settings):
    settings.OSKUS_STAFF_MFA_REQUIRED = False
    client.force_login(UserFactory(groups=[COORDINATORS]))
    assert client.get("/admin/").status_code == 200


def test_operator_resets_a_lost_second_factor(client):
    from django.core.management import call_command

    coordinator = UserFactory(email="kadunud@vald.ee", groups=[COORDINATORS])
    client.force_login(coordinator)
    _activate_totp(client)
    call_command("mfa_reset", "KADUNUD@vald.ee")
    assert not Authenticator.objects.filter(user=coordinator).exists()
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_index"))
