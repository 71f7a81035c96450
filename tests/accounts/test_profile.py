"""Users edit their own profile and nobody else's."""

import pytest

from accounts.models import Municipality
from tests.factories import UserFactory


@pytest.fixture
def mari(db):
    return UserFactory(full_name="Mari Mägi", profile__municipality="Võru vald")


def test_profile_page_needs_login(client, db):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_user_edits_their_own_profile(client, mari):
    client.force_login(mari)
    valga = Municipality.objects.get(name="Valga vald")
    response = client.post("/accounts/profile/", {
        "full_name": "Mari Mägi-Tamm", "profession": "police", "organisation": "Politsei- ja Piirivalveamet",
        "municipality": valga.pk,
    })
    assert response.status_code == 302
    mari.refresh_from_db()
    assert mari.full_name == "Mari Mägi-Tamm"
    assert mari.profile.profession == "police"
    assert mari.profile.county.name == "Valga maakond"


def test_editing_another_users_profile_is_refused_and_changes_nothing(client, mari):
    other = UserFactory(full_name="Jüri Juurikas", profile__municipality="Tartu linn")
    client.force_login(mari)
    response = client.post(f"/accounts/profile/{other.pk}/", {
        "full_name": "Hacked", "profession": "other", "organisation": "x",
        "municipality": Municipality.objects.get(name="Narva linn").pk,
    })
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.full_name == "Jüri Juurikas"
    assert other.profile.municipality.name == "Tartu linn"
    mari.refresh_from_db()
    assert mari.full_name == "Mari Mägi"


def test_profile_form_ignores_a_user_field_smuggled_into_the_post(client, mari):
    other = UserFactory(full_name="Jüri Juurikas")
    client.force_login(mari)
    client.post("/accounts/profile/", {
        "user": other.pk, "full_name": "Mari Mägi", "profession": "teacher", "organisation": "Kool",
        "municipality": Municipality.objects.get(name="Võru linn").pk,
    })
    other.refresh_from_db()
    assert other.profile.profession != "teacher"
    mari.refresh_from_db()
    assert mari.profile.profession == "teacher"


def test_invalid_profile_shows_errors_and_saves_nothing(client, mari):
    client.force_login(mari)
    response = client.post("/accounts/profile/", {"full_name": "", "profession": "astronaut",
                                                  "organisation": "", "municipality": "0"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"full_name", "profession", "municipality"}
    mari.refresh_from_db()
    assert mari.full_name == "Mari Mägi"
    assert mari.profile.municipality.name == "Võru vald"
