"""The one base for refusals a user can cause, shared by every app (this is the lowest layer)."""

from django.utils.translation import gettext_lazy as _


class UserFacingError(Exception):
    """A refusal with a translated, user-facing message that views show as-is."""

    default_message = _("This cannot be done.")

    def __init__(self, message=None):
        self.message = message if message is not None else self.default_message
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)
