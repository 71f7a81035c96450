"""Roles are groups made by code with exactly the permissions listed in accounts/roles.py."""

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
