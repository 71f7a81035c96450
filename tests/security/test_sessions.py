"""Session limits (issue 13, 3): staff sessions end after 12 hours and after 30 idle minutes; specialists keep
"remember me"; changing e-mail or password needs the password again. The clock is moved in the session data."""

import time

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.roles import ADMINISTRATORS, COORDINATORS
from accounts.security import SESSION_LOGIN_AT, SESSION_SEEN_AT
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HOUR = 3600


def _move_clock(client, *, logged_in_ago: float, seen_ago: float):
    session = client.session
    now = time.time()
    session[SESSION_LOGIN_AT] = now - logged_in_ago
    session[SESSION_SEEN_AT] = now - seen_ago
    session.save()


@pytest.fixture(params=[COORDINATORS, ADMINISTRATORS])
def staff(request):
    return UserFactory(groups=[request.param])


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_staff_session_ends_after_twelve_hours_even_when_busy(client, staff):
    client.force_login(staff)
    _move_clock(client, logged_in_ago=12 * HOUR + 60, seen_ago=10)
    response = client.get(reverse("my_trainings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not _logged_in(client)


def test_staff_session_ends_after_thirty_idle_minutes(client, staff):
    client.force_login(staff)
    _move_clock(client, logged_in_ago=HOUR, seen_ago=31 * 60)
    assert client.get(reverse("my_trainings")).status_code == 302
    assert not _logged_in(client)


def test_active_staff_session_goes_on(client, staff):
    client.force_login(staff)
    _move_clock(client, logged_in_ago=11 * HOUR, seen_ago=29 * 60)
    assert client.get(reverse("my_trainings")).status_code == 200
    assert _logged_in(client)
    assert time.time() - client.session[SESSION_SEEN_AT] < 60


def test_an_open_editor_pinging_in_the_background_does_not_keep_the_session_alive(client, staff):
    client.force_login(staff)
    _move_clock(client, logged_in_ago=HOUR, seen_ago=29 * 60)
    seen = client.session[SESSION_SEEN_AT]
    client.post("/admin/editing-sessions/ping/wagtailcore/page/1/0/")
    assert client.session[SESSION_SEEN_AT] == seen
    _move_clock(client, logged_in_ago=HOUR, seen_ago=31 * 60)
    client.post("/admin/editing-sessions/ping/wagtailcore/page/1/0/")
    assert not _logged_in(client)


def test_specialist_keeps_a_long_remembered_session(client):
    client.force_login(UserFactory())
    _move_clock(client, logged_in_ago=10 * 24 * HOUR, seen_ago=3 * 24 * HOUR)
    assert client.get(reverse("my_trainings")).status_code == 200
    assert _logged_in(client)


def test_remember_me_lasts_weeks_for_a_specialist_and_at_most_twelve_hours_for_staff(client, settings):
    specialist = UserFactory()
    client.post("/en/accounts/login/", {"login": specialist.email, "password": PASSWORD, "remember": "on"})
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    client.logout()
    coordinator = UserFactory(groups=[COORDINATORS])
    client.post("/en/accounts/login/", {"login": coordinator.email, "password": PASSWORD, "remember": "on"})
    assert _logged_in(client)
    assert client.session.get_expiry_age() <= 12 * HOUR


def test_password_change_needs_the_password_again(client):
    user = UserFactory()
    client.force_login(user)
    new = {"password1": "an0ther-long-secret", "password2": "an0ther-long-secret"}
    response = client.post("/en/accounts/password/change/", {"oldpassword": "guessed-wrong-1", **new})
    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    response = client.post("/en/accounts/password/change/", {"oldpassword": PASSWORD, **new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("an0ther-long-secret")


def test_email_change_needs_the_password_again(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/en/accounts/email/", {"action_add": "", "email": "uus@vald.ee"})
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/reauthenticate/")
    assert not EmailAddress.objects.filter(email="uus@vald.ee").exists()
    response = client.post(response["Location"], {"password": PASSWORD})
    assert EmailAddress.objects.filter(email="uus@vald.ee", user=user, verified=False).exists()
