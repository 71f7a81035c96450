"""App config that swaps Wagtail's user admin for ours (kept free of model imports)."""

from wagtail.users.apps import WagtailUsersAppConfig


class OskusUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "accounts.admin_users.UserViewSet"
