from django.apps import AppConfig


class OskusConfig(AppConfig):
    """The project package as an app: it owns the commands that span every app (the demo)."""

    name = "oskus"
    verbose_name = "Oskus"
