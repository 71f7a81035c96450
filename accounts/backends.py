"""The authentication backends, loading the person's role groups with the user in one query.

Every logged-in request asks whether the person is staff (accounts/security.py: session age, idle limit,
second factor) and the navigation asks for their roles; without this, that is a second query on every page.
The role flags fill the same per-request cache that ``accounts.roles`` reads.
"""

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from leansql import ModelColumns, Statement, quote

from .roles import ADMINISTRATORS, COORDINATORS, TRAINERS

ROLE_GROUPS = (TRAINERS, COORDINATORS, ADMINISTRATORS)


def _user_columns() -> ModelColumns:
    return ModelColumns(get_user_model(), alias="u")


def _user_with_roles_sql() -> str:
    model = get_user_model()
    membership = model.groups.through._meta
    group = Group._meta
    # Only table and column names from the models' metadata are formatted in; the values are query parameters.
    flags = ", ".join(
        f"EXISTS (SELECT 1 FROM {quote(membership.db_table)} m JOIN {quote(group.db_table)} g "  # noqa: S608
        f"ON g.id = m.group_id WHERE m.user_id = u.id AND g.name = %s)"
        for _name in ROLE_GROUPS)
    return f"SELECT {_USER.select_list}, {flags} FROM {quote(model._meta.db_table)} u WHERE u.id = %s"  # noqa: S608


_USER = _user_columns()
# Prepared once per connection on PostgreSQL (leansql): planning the three EXISTS took longer than running them.
_USER_WITH_ROLES = Statement("user_with_roles", _user_with_roles_sql)


def user_with_roles(user_id):
    """The user with `_oskus_groups` (their role group names) already known, or None. One statement on a plain
    cursor, the row made a model as the ORM does: composing the three EXISTS in the ORM, and then
    RawQuerySet's column mapping, took longer than the database running them (bench/README.md)."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    row = _USER_WITH_ROLES.fetchone([*ROLE_GROUPS, user_id])
    if row is None:
        return None
    split = len(_USER.fields)
    user = _USER.instance(row[:split])
    user._oskus_groups = {name for name, member in zip(ROLE_GROUPS, row[split:], strict=True) if member}
    return user


class RolesMixin:
    def get_user(self, user_id):
        user = user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(RolesMixin, django_backends.ModelBackend):
    """Django's ModelBackend, with the roles loaded with the user."""


class AuthenticationBackend(RolesMixin, allauth_backends.AuthenticationBackend):
    """allauth's backend (log-in by e-mail), with the roles loaded with the user."""
