"""The authentication backends, loading the person's role groups with the user in one query.

Every logged-in request asks whether the person is staff (accounts/security.py: session age, idle limit,
second factor) and the navigation asks for their roles; without this, that is a second query on every page.
The role flags fill the same per-request cache that ``accounts.roles`` reads.
"""

import functools

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from .roles import ADMINISTRATORS, COORDINATORS, TRAINERS

ROLE_GROUPS = (TRAINERS, COORDINATORS, ADMINISTRATORS)


@functools.cache
def _user_with_roles_sql() -> tuple[str, tuple[str, ...], tuple]:
    """(statement, the user's concrete field attnames in column order, each column with its value converters)."""
    model = get_user_model()
    membership = model.groups.through._meta
    group = Group._meta
    fields = tuple(field.attname for field in model._meta.concrete_fields)
    columns = ", ".join(f"u.{connection.ops.quote_name(field.column)}" for field in model._meta.concrete_fields)
    # Only table and column names from the models' metadata are formatted in; the values are query parameters.
    flags = ", ".join(
        f"EXISTS (SELECT 1 FROM {membership.db_table} m JOIN {group.db_table} g ON g.id = m.group_id "  # noqa: S608
        f"WHERE m.user_id = u.id AND g.name = %s)"
        for _name in ROLE_GROUPS)
    # The backend's and the field's converters, as the ORM applies them (SQLite returns dates as text).
    converters = tuple(
        (column, tuple(connection.ops.get_db_converters(column) + field.get_db_converters(connection)))
        for field in model._meta.concrete_fields for column in [field.get_col("u")])
    return (f"SELECT {columns}, {flags} FROM {model._meta.db_table} u WHERE u.id = %s",  # noqa: S608
            fields, converters)


def user_with_roles(user_id):
    """The user with `_oskus_groups` (their role group names) already known, or None. One statement on a plain
    cursor, the row made a model with ``Model.from_db`` as the ORM does: composing the three EXISTS in the ORM,
    and then RawQuerySet's column mapping, took longer than the database running them (bench/README.md)."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    sql, fields, converters = _user_with_roles_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ROLE_GROUPS, user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row[:len(fields)])
    for index, (column, column_converters) in enumerate(converters):
        for converter in column_converters:
            values[index] = converter(values[index], column, connection)
    user = get_user_model().from_db(connection.alias, fields, values)
    user._oskus_groups = {name for name, member in zip(ROLE_GROUPS, row[len(fields):], strict=True) if member}
    return user


class RolesMixin:
    def get_user(self, user_id):
        user = user_with_roles(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(RolesMixin, django_backends.ModelBackend):
    """Django's ModelBackend, with the roles loaded with the user."""


class AuthenticationBackend(RolesMixin, allauth_backends.AuthenticationBackend):
    """allauth's backend (log-in by e-mail), with the roles loaded with the user."""
