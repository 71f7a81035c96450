"""The audit trail's log action (accounts/audit.py), as Wagtail shows it in Reports → Site history."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from .audit import ACTION


@hooks.register("register_log_actions")
def register_personal_data_actions(actions):
    @actions.register_action(ACTION)
    class PersonalDataViewed(LogFormatter):
        label = _("View personal data")

        def format_message(self, log_entry):
            data = log_entry.data or {}
            return _("Viewed %(what)s of %(object)s: %(count)s people (ids %(ids)s)") % {
                "what": data.get("what", "?"), "object": data.get("object", "—"),
                "count": len(data.get("subjects", [])), "ids": ", ".join(map(str, data.get("subjects", [])[:50]))}
