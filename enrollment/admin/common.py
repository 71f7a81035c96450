"""Small helpers the admin modules share."""

from django.utils import timezone
from django.utils.dateformat import format as date_format


def local_datetime(name: str):
    """A column accessor: the attribute `name` as a local date and time (a plain date, not "time since")."""

    def get(instance):
        value = getattr(instance, name)
        return date_format(timezone.localtime(value), "d.m.Y H:i") if value else ""

    return get
