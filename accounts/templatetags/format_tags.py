"""{% load format_tags %}: numbers in the active locale's format (accounts/numbers.py) and datetime attributes.

{{ hours|number }}: "15,56" in Estonian, "15.56" in English, no trailing zeros; {{ progress.percent|percent }}:
"48,6" / "48.6", the digits as computed.
{{ moment|datetime_attr }}: the value of a <time datetime="…"> attribute, ISO 8601 to the second in the current
time zone ("2027-02-01T10:00:00+02:00"); the `c` date format would add microseconds, which HTML does not allow.
"""

import datetime as dt

from django import template
from django.utils import timezone

from accounts.numbers import format_number, format_percent

register = template.Library()


@register.filter(is_safe=True)
def number(value, places=2):
    try:
        places = int(places)
    except (TypeError, ValueError):
        places = 2
    return format_number(value, places)


@register.filter(is_safe=True)
def percent(value):
    return format_percent(value)


@register.filter
def datetime_attr(value) -> str:
    if not isinstance(value, dt.datetime):
        return value.isoformat() if isinstance(value, dt.date) else ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.isoformat(timespec="seconds")
