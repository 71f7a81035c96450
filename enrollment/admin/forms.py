"""Forms for the coordinator tools in the Wagtail admin (cohort editing, bulk actions, CSV import).

They parse and validate input only; every change is made by `enrollment.services` (the views pass the
cleaned data on). Where a form checks a rule for a friendly error on the field (the capacity, the trainers),
it asks the same public function the service enforces the rule with.
"""

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from accounts.models import Profession, User

from ..exceptions import TrainersRefused
from ..models import Cohort, SessionStatus
from ..services import trainer_candidates, trainers_check
from ..statuses import LIVE_COHORT_STATUSES

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class CohortAdminForm(WagtailAdminModelForm):
    """The cohort form: professions as checkboxes, trainers chosen among the trainers and qualified people,
    clear errors. It never writes the trainers itself: the views pass them to `cohort_update` /
    `trainers_assign`, which enforce the qualification rule."""

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
            candidates = Q(pk__in=trainer_candidates().values("pk"))
            self.fields["trainers"].queryset = User.objects.filter(candidates | current).order_by("full_name", "email")
            self.fields["trainers"].help_text = _(
                "Members of the Trainers group and everyone with a valid trainer qualification can be chosen; "
                "a person chosen becomes a trainer.")

    def clean(self):
        """The trainers being added must pass `services.trainers_check` (certificates: a qualification valid
        on the cohort's session dates, as entered in this form); trainers who stay are not judged again."""
        cleaned = super().clean()
        course = cleaned.get("course") or (self.instance.course if self.instance.course_id else None)
        if course is None or "trainers" not in cleaned:
            return cleaned
        same_course = self.instance.pk is not None and self.instance.course_id == course.pk
        current = set(self.instance.trainers.values_list("pk", flat=True)) if same_course else set()
        added = [trainer for trainer in cleaned.get("trainers") or [] if trainer.pk not in current]
        try:
            trainers_check(cohort=self.instance, course=course, trainers=added,
                           teaching_days=self._entered_teaching_days())
        except TrainersRefused as error:
            self.add_error("trainers", error.message)
        return cleaned

    def _entered_teaching_days(self) -> list[dt.date] | None:
        """The local dates of the sessions as entered (None if the sessions are invalid: the stored ones count)."""
        formset = self.formsets.get("sessions") if hasattr(self, "formsets") else None
        if formset is None or not formset.is_valid():
            return None
        days = set()
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or data.get("status") == SessionStatus.CANCELLED:
                continue
            if data.get("starts_at"):
                days.add(timezone.localdate(data["starts_at"]))
        return sorted(days)

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and self.instance.pk:
            taken = Cohort.objects.with_place_counts().values_list("seats_taken", flat=True).get(pk=self.instance.pk)
            if capacity < taken:
                raise forms.ValidationError(
                    _("%(taken)d people already hold a place in this cohort: the capacity cannot be lower than "
                      "that. Cancel or move participants first.") % {"taken": taken})
        return capacity

    def _save_m2m(self):
        """Every many-to-many field but the trainers (assigned by the services, never by the form)."""
        trainers = self.cleaned_data.pop("trainers", None)
        try:
            super()._save_m2m()
        finally:
            if trainers is not None:
                self.cleaned_data["trainers"] = trainers


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
        .filter(status__in=LIVE_COHORT_STATUSES)
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


class WaitlistMoveForm(forms.Form):
    """The cohort to move one wait-listed person to: another planned, open or running cohort of the course."""

    to_cohort = forms.ModelChoiceField(label=_("Move to cohort"), queryset=Cohort.objects.none())

    def __init__(self, *args, enrollment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_cohort"].queryset = (Cohort.objects.filter(course_id=enrollment.cohort.course_id,
                                                                   status__in=LIVE_COHORT_STATUSES)
                                             .exclude(pk=enrollment.cohort_id).order_by("code"))
