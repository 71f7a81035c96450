"""The authentication backends, loading the person's role groups with the user in one query.

Every logged-in request asks whether the person is staff (accounts/security.py: session age, idle limit,
second factor) and the navigation asks for their roles; without this, that is a second query on every page.
The role flags fill the same per-request cache that ``accounts.roles`` reads.
"""

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .roles import ADMINISTRATORS, COORDINATORS, TRAINERS

ROLE_GROUPS = (TRAINERS, COORDINATORS, ADMINISTRATORS)


def _user_with_roles_sql() -> str:
    model = get_user_model()
    membership = model.groups.through._meta
    group = Group._meta
    # Only table names from the models' metadata are formatted in; the values are query parameters.
    flags = ", ".join(
        f"EXISTS (SELECT 1 FROM {membership.db_table} m JOIN {group.db_table} g ON g.id = m.group_id "  # noqa: S608
        f"WHERE m.user_id = u.id AND g.name = %s) AS _in_{index}"
        for index in range(len(ROLE_GROUPS)))
    return f"SELECT u.*, {flags} FROM {model._meta.db_table} u WHERE u.id = %s"  # noqa: S608


def user_with_roles(user_id):
    """The user with `_oskus_groups` (their role group names) already known, or None. Raw SQL: the ORM spent
    longer composing the three EXISTS than the database running them (bench/README.md)."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    users = list(get_user_model()._default_manager.raw(_user_with_roles_sql(), [*ROLE_GROUPS, user_id]))
    if not users:
        return None
    user = users[0]
    user._oskus_groups = {name for index, name in enumerate(ROLE_GROUPS) if getattr(user, f"_in_{index}")}
    return user


class RolesMixin:
    def get_user(self, user_id):
        user = user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(RolesMixin, django_backends.ModelBackend):
    """Django's ModelBackend, with the roles loaded with the user."""


class AuthenticationBackend(RolesMixin, allauth_backends.AuthenticationBackend):
    """allauth's backend (log-in by e-mail), with the roles loaded with the user."""
