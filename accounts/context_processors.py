"""Role flags for the navigation; the flags only choose links, views check access themselves."""

from django.utils.functional import SimpleLazyObject

from .roles import is_coordinator, is_trainer


def roles(request):
    user = getattr(request, "user", None)
    return {
        "is_coordinator": SimpleLazyObject(lambda: is_coordinator(user)),
        "is_trainer": SimpleLazyObject(lambda: is_trainer(user) or is_coordinator(user)),
    }
