"""The three kinds of user (plus administrators) as Django groups, created by code, never by hand.

Every account is a specialist. Trainers mark attendance for the cohorts they teach. Coordinators
publish course pages and manage cohorts and enrollments. Administrators may do everything.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q

TRAINERS = "Trainers"
COORDINATORS = "Coordinators"
ADMINISTRATORS = "Administrators"

# Apps whose models coordinators manage in full (their own domain data) say so themselves: their AppConfig
# sets `managed_by_coordinators = True`, so this lower app names none of them.
def coordinator_apps() -> list[str]:
    return [config.label for config in apps.get_app_configs() if getattr(config, "managed_by_coordinators", False)]


# Further permissions by "app_label.codename".
COORDINATOR_EXTRA = (
    "wagtailadmin.access_admin",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "accounts.view_user",
    "accounts.view_profile",
    "wagtail_localize.submit_translation",  # translate pages and snippets (wagtail-localize's "Translate")
)
TRAINER_EXTRA: tuple[str, ...] = ()


def _permissions(app_labels=(), extra=()) -> list[Permission]:
    query = Q(content_type__app_label__in=app_labels)
    for dotted in extra:
        app_label, codename = dotted.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query))


def ensure_roles() -> dict[str, Group]:
    """Create or update the role groups so that they have exactly the permissions listed here."""
    trainers, _ = Group.objects.get_or_create(name=TRAINERS)
    trainers.permissions.set(_permissions(extra=TRAINER_EXTRA))
    coordinators, _ = Group.objects.get_or_create(name=COORDINATORS)
    coordinators.permissions.set(_permissions(coordinator_apps(), COORDINATOR_EXTRA))
    administrators, _ = Group.objects.get_or_create(name=ADMINISTRATORS)
    administrators.permissions.set(Permission.objects.all())
    return {TRAINERS: trainers, COORDINATORS: coordinators, ADMINISTRATORS: administrators}


def ensure_roles_after_migrate(sender, app_config=None, using="default", **kwargs):
    """post_migrate hook: run once, after the last app, when every permission exists."""
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is not None and app_config.label != with_models[-1].label:
        return
    if not Permission.objects.using(using).exists():
        return
    ensure_roles()


def _in_group(user, name: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cache = getattr(user, "_oskus_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._oskus_groups = cache
    return name in cache


def is_administrator(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or _in_group(user, ADMINISTRATORS)


def is_coordinator(user) -> bool:
    return is_administrator(user) or _in_group(user, COORDINATORS)


def is_trainer(user) -> bool:
    return _in_group(user, TRAINERS)


def require_coordinator(user) -> None:
    """The one permission check of the coordinator tools: PermissionDenied (403) for everyone else."""
    if not is_coordinator(user):
        raise PermissionDenied


class CoordinatorRequiredMixin:
    """For class-based admin views that only coordinators and administrators may open."""

    def dispatch(self, request, *args, **kwargs):
        require_coordinator(request.user)
        return super().dispatch(request, *args, **kwargs)
