"""Thin forms: they parse input; services decide."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from courses.pages import CoursePage, ProgrammePage

from .models import CODE_LENGTH, normalize_code


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40,
                           help_text=_("The code printed under the QR code, e.g. ABCD-EFGH-JKMN-PQRS."))

    def clean_code(self):
        code = normalize_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(_("A verification code has 16 letters and digits."))
        return code


class IssueForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Holder"), queryset=get_user_model().objects.order_by("full_name", "email"))
    course = forms.ModelChoiceField(label=_("Course"), queryset=CoursePage.objects.filter(
        locale__language_code=settings.LANGUAGE_CODE).order_by("title"), required=False)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=ProgrammePage.objects.filter(
        locale__language_code=settings.LANGUAGE_CODE).order_by("title"),
                                       required=False)
    completed_on = forms.DateField(label=_("Completed on"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    academic_hours = forms.DecimalField(
        label=_("Academic hours attended"), required=False, max_digits=6, decimal_places=2, min_value=0,
        help_text=_("Empty: for a programme, the hours attended in its courses; for a course, its academic hours."))
    reason = forms.CharField(label=_("Reason for issuing by hand"), max_length=500, widget=forms.Textarea(
        attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ReissueForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Empty: “Name changed”."))
