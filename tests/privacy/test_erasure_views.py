"""Deleting one's account: explained first (certificates too), confirmed with the password; coordinators see
the requests in the admin."""

import pytest
from django.urls import reverse

from privacy.models import ErasureRequest
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_page_explains_what_goes_and_what_happens_to_certificates(person, client):
    content = client.get(reverse("privacy_erasure")).content.decode()
    assert f"T-{person.pk}" in content  # the certificate is named
    assert reverse("privacy_my_data") in content  # download first


def test_a_wrong_password_erases_nothing(person, client):
    response = client.post(reverse("privacy_erasure"), {"password": "wrong-password", "understood": "on"})
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.is_active and not ErasureRequest.objects.exists()


def test_the_password_confirms_and_the_person_is_logged_out(person, client):
    response = client.post(reverse("privacy_erasure"), {"password": factories.PASSWORD, "understood": "on"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert not person.is_active and person.full_name == ""
    assert ErasureRequest.objects.get().user == person
    assert client.get(reverse("privacy_my_data")).status_code == 302  # logged out


def test_coordinators_see_the_requests_in_the_admin(person, client):
    client.post(reverse("privacy_erasure"), {"password": factories.PASSWORD, "understood": "on"})
    coordinator = factories.UserFactory(groups=["Coordinators"], is_staff=True)
    client.force_login(coordinator)
    response = client.get(reverse("privacy_erasure_requests:index"))
    assert response.status_code == 200
    assert f"#{person.pk}" in response.content.decode()
    specialist = factories.UserFactory()
    client.force_login(specialist)
    assert client.get(reverse("privacy_erasure_requests:index")).status_code in (302, 403)
