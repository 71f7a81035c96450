"""Roles are groups made by code with exactly the permissions listed in accounts/roles.py."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import ADMINISTRATORS, COORDINATORS, TRAINERS, ensure_roles, is_coordinator, is_trainer
from tests.factories import UserFactory


def test_migrate_creates_the_role_groups(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {TRAINERS, COORDINATORS, ADMINISTRATORS}


def test_coordinators_may_use_the_admin_and_manage_courses_but_not_users(db):
    ensure_roles()
    coordinator = UserFactory(groups=[COORDINATORS])
    assert coordinator.has_perm("wagtailadmin.access_admin")
    assert coordinator.has_perm("courses.change_venue")
    assert coordinator.has_perm("enrollment.change_cohort")
    assert not coordinator.has_perm("accounts.change_user")
    assert not coordinator.has_perm("auth.change_group")


def test_trainers_and_specialists_have_no_admin_access(db):
    trainer = UserFactory(groups=[TRAINERS])
    specialist = UserFactory()
    for user in (trainer, specialist):
        assert not user.has_perm("wagtailadmin.access_admin")
    assert is_trainer(trainer) and not is_coordinator(trainer)
    assert not is_trainer(specialist) and not is_coordinator(specialist)


def test_ensure_roles_is_idempotent_and_repairs_drift(db):
    ensure_roles()
    group = Group.objects.get(name=COORDINATORS)
    count = group.permissions.count()
    group.permissions.clear()
    ensure_roles()
    assert group.permissions.count() == count
    ensure_roles()
    assert Group.objects.filter(name=COORDINATORS).count() == 1


def test_specialist_is_refused_by_the_wagtail_admin(client, db):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


@pytest.mark.parametrize("backend", ["accounts.backends.ModelBackend", "accounts.backends.AuthenticationBackend"])
def test_the_logged_in_user_comes_with_their_roles_in_one_query(client, coordinator, trainer, specialist, backend,
                                                                 django_assert_num_queries):
    """Every logged-in page asks whether the person is staff (the session rules): the role groups are read with
    the user, not by a second query."""
    from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, get_user
    from django.test import RequestFactory

    for person, expected in ((coordinator, (True, True)), (trainer, (False, True)), (specialist, (False, False))):
        client.force_login(person, backend=backend)
        request = RequestFactory().get("/")
        request.session = client.session
        assert request.session[BACKEND_SESSION_KEY] == backend and request.session[SESSION_KEY] == str(person.pk)
        with django_assert_num_queries(1):
            user = get_user(request)
            assert (is_coordinator(user), is_trainer(user) or is_coordinator(user)) == expected


def test_the_user_loaded_with_roles_is_the_orms_user_field_for_field(db, coordinator):
    """The backends build the user from one plain row (accounts/backends.py): every field has the value and type
    the ORM gives it (dates as aware datetimes, booleans as booleans), and it saves like any loaded user."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.backends import user_with_roles

    coordinator.last_login = timezone.now()
    coordinator.save()
    loaded, expected = user_with_roles(coordinator.pk), get_user_model().objects.get(pk=coordinator.pk)
    for field in get_user_model()._meta.concrete_fields:
        ours, orms = getattr(loaded, field.attname), getattr(expected, field.attname)
        assert (ours, type(ours)) == (orms, type(orms)), field.name
    assert loaded._state.adding is False and loaded._state.db == "default"
    assert user_with_roles(coordinator.pk + 1000) is None and user_with_roles("x") is None
    loaded.full_name = "Uus Nimi"
    loaded.save(update_fields=["full_name"])
    assert get_user_model().objects.get(pk=coordinator.pk).full_name == "Uus Nimi"
