"""The authentication backends, loading the person's role groups with the user in one query.

Every logged-in request asks whether the person is staff (accounts/security.py: session age, idle limit,
second factor) and the navigation asks for their roles; without this, that is a second query on every page.
The role flags fill the same per-request cache that ``accounts.roles`` reads.
"""

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from .roles import ADMINISTRATORS, COORDINATORS, TRAINERS

ROLE_GROUPS = (TRAINERS, COORDINATORS, ADMINISTRATORS)


def user_with_roles(user_id):
    """The user with `_oskus_groups` (their role group names) already known, or None."""
    model = get_user_model()
    memberships = model.groups.through.objects.filter(user_id=OuterRef("pk"))
    flags = {f"_in_{index}": Exists(memberships.filter(group__name=name)) for index, name in enumerate(ROLE_GROUPS)}
    user = model._default_manager.annotate(**flags).filter(pk=user_id).first()
    if user is not None:
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
