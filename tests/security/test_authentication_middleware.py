"""`request.user` is the user itself, loaded once per request, not Django's lazy proxy (oskus.security.middleware)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.functional import SimpleLazyObject

from accounts.models import User
from oskus.security.middleware import AuthenticationMiddleware

pytestmark = pytest.mark.django_db


def _request(client=None):
    request = RequestFactory().get("/my-trainings/")
    if client is not None:
        request.COOKIES.update({name: morsel.value for name, morsel in client.cookies.items()})
    SessionMiddleware(lambda r: None).process_request(request)
    AuthenticationMiddleware(lambda r: None).process_request(request)
    return request


def test_a_logged_in_person_is_the_user_itself_with_roles_loaded(client, specialist):
    client.force_login(specialist)
    request = _request(client)
    assert type(request.user) is User and not isinstance(request.user, SimpleLazyObject)
    assert request.user.pk == specialist.pk and request.user.is_authenticated
    with CaptureQueriesContext(connection) as queries:
        assert request.user._oskus_groups == set()  # the roles came with the user: no second query
        assert request.user.is_authenticated and not request.user.is_staff
    assert len(queries) == 0


def test_a_visitor_without_a_session_is_anonymous_without_a_query():
    with CaptureQueriesContext(connection) as queries:
        request = _request()
    assert isinstance(request.user, AnonymousUser) and len(queries) == 0


def test_the_site_uses_it_in_place_of_djangos(settings):
    assert "oskus.security.middleware.AuthenticationMiddleware" in settings.MIDDLEWARE
    assert "django.contrib.auth.middleware.AuthenticationMiddleware" not in settings.MIDDLEWARE
