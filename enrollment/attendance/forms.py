"""Forms of the attendance pages: parsing only, the rules are in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PARTIAL_STATUSES, AttendanceStatus
from .services import Mark


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Check-in code"), max_length=12,
                           help_text=_("The six digits the trainer is showing."),
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                         "pattern": "[0-9 ]*", "autofocus": True}))
    s = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CloseCohortForm(forms.Form):
    confirm = forms.BooleanField(label=_("I have checked the marks: close the cohort and compute completion."))


class RosterParseError(ValueError):
    pass


def parse_roster(data, enrollment_ids: list[int]) -> tuple[list[Mark], dict[int, int], dict[int, tuple[str, int]]]:
    """Read `status_<id>`, `minutes_<id>`, `version_<id>` and `orig_<id>` from a roster POST.

    Returns (marks that differ from what the form showed, expected versions, everything submitted). Rows left
    unmarked or unchanged are not sent, so a stale form never touches rows its user did not change.
    """
    marks, versions, submitted = [], {}, {}
    for pk in enrollment_ids:
        status = (data.get(f"status_{pk}") or "").strip()
        if not status:
            continue
        if status not in AttendanceStatus.values:
            raise RosterParseError(_("Unknown attendance status."))
        raw_minutes = (data.get(f"minutes_{pk}") or "").strip()
        try:
            minutes = int(raw_minutes) if raw_minutes else 0
            version = int(data.get(f"version_{pk}") or 0)
        except ValueError:
            raise RosterParseError(_("Minutes missed must be a whole number."))
        if minutes < 0:
            raise RosterParseError(_("Minutes missed must be a whole number."))
        if status not in PARTIAL_STATUSES:
            minutes = 0
        submitted[pk] = (status, minutes)
        if data.get(f"orig_{pk}", "") == f"{status}:{minutes}":
            continue
        marks.append(Mark(enrollment_id=pk, status=status, minutes_missed=minutes))
        versions[pk] = version
    return marks, versions, submitted
