"""Choosing a language from any page lands on the same page in that language, both ways."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "next_url", "expected"), [
    ("et", "/en/my-trainings/", "/my-trainings/"),
    ("et", "/en/koolitused/?topic=x&page=2", "/koolitused/?topic=x&page=2"),
    ("et", "/en/", "/"),
    ("en", "/my-trainings/", "/en/my-trainings/"),
    ("en", "/koolitused/?county=3", "/en/koolitused/?county=3"),
    ("en", "/en/verify/", "/en/verify/"),
    ("et", "/", "/"),
    ("ru", "/koolitused/?topic=x", "/ru/koolitused/?topic=x"),
    ("ru", "/en/my-trainings/", "/ru/my-trainings/"),
    ("et", "/ru/koolitused/", "/koolitused/"),
    ("en", "/ru/", "/en/"),
])
def test_switching_language_keeps_the_page(client, language, next_url, expected):
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == expected
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language


def test_switching_refuses_foreign_redirects_and_unknown_languages(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/en/"})
    assert response["Location"] == "/en/"
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/en/my-trainings/"})
    assert response["Location"] == "/en/my-trainings/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_switching_language_needs_a_post(client):
    assert client.get("/i18n/setlang/?language=en").status_code == 405


def test_the_switcher_offers_russian(client, site_tree):
    html = client.get("/ru/").content.decode()
    assert '<html lang="ru">' in html
    assert '<option value="ru" lang="ru" selected>Русский</option>' in html
    assert '<option value="et" lang="et">Eesti</option>' in html
