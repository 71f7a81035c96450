"""Forms for the coordinator tools in the Wagtail admin (cohort editing, bulk actions, CSV import).

They parse and validate input only; every enrollment change is made by enrollment/services.py.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from accounts.models import Profession, User
from accounts.roles import TRAINERS

from . import signals
from .models import SEAT_STATUSES, Cohort, CohortStatus, Enrollment

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class CohortAdminForm(WagtailAdminModelForm):
    """The cohort form: professions as checkboxes, trainers limited to the Trainers group, clear errors."""

    eligible_professions = forms.MultipleChoiceField(
        label=_("Open to professions"), choices=Profession.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick none to open the cohort to every profession."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "capacity" in self.fields:
            self.fields["capacity"].error_messages["min_value"] = _("The capacity cannot be negative.")
        if "trainers" in self.fields:
            current = Q(pk__in=self.instance.trainers.values("pk")) if self.instance.pk else Q(pk__in=[])
            self.fields["trainers"].queryset = (User.objects.filter(Q(groups__name=TRAINERS) | current)
                                                .distinct().order_by("full_name", "email"))
            self.fields["trainers"].help_text = _("Only people in the Trainers group can be chosen.")

    def clean(self):
        """Higher apps may refuse the chosen trainers (certificates: only qualified trainers may teach)."""
        cleaned = super().clean()
        course = cleaned.get("course") or getattr(self.instance, "course", None)
        if course is not None and "trainers" in cleaned:
            signals.cohort_trainers_validate.send(
                sender=Cohort, cohort=self.instance, course=course, trainers=list(cleaned.get("trainers") or []))
        return cleaned

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and self.instance.pk:
            taken = Enrollment.objects.filter(cohort_id=self.instance.pk, status__in=SEAT_STATUSES).count()
            if capacity < taken:
                raise forms.ValidationError(
                    _("%(taken)d people already hold a place in this cohort: the capacity cannot be lower than "
                      "that. Cancel or move participants first.") % {"taken": taken})
        return capacity


class BulkReasonForm(forms.Form):
    """The optional reason recorded in the history (and told to the participant) for a bulk action."""

    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Saved in each enrollment's history."))


class BulkMoveForm(BulkReasonForm):
    """The cohort to move the chosen people to (open, planned or running cohorts only)."""

    to_cohort = forms.ModelChoiceField(
        label=_("Move to cohort"),
        queryset=Cohort.objects.select_related("course")
        .filter(status__in=[CohortStatus.PLANNED, CohortStatus.OPEN, CohortStatus.RUNNING])
        .order_by("course__title", "code"),
    )
    field_order = ["to_cohort", "reason"]


class ImportUploadForm(forms.Form):
    """Step 1 of the import: the CSV file."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: email, full_name, municipality, profession, organisation (optional). "
                    "UTF-8, comma or semicolon separated, the first row holds the column names."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 2 MB)."))
        name = (upload.name or "").lower()
        if not (name.endswith(".csv") or name.endswith(".txt")):
            raise forms.ValidationError(_("Upload a CSV file (a name ending in .csv)."))
        return upload.read()


class ImportConfirmForm(forms.Form):
    """Step 2 of the import: the checked file travels back signed, so it cannot be changed in between."""

    payload = forms.CharField(widget=forms.HiddenInput)
