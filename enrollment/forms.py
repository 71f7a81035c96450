"""Forms of the specialist pages: parsing and validation only; the rules live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _


class EnrollForm(forms.Form):
    """The sign-up questions a course page asks for (CoursePage.ask_* flags decide which fields exist)."""

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        if course.ask_dietary_needs:
            self.fields["dietary_needs"] = forms.CharField(
                label=_("Dietary needs"), required=False, max_length=500,
                help_text=_("For example vegetarian, gluten-free or allergies. Leave empty if none."))
        if course.ask_accessibility_needs:
            self.fields["accessibility_needs"] = forms.CharField(
                label=_("Accessibility needs"), required=False, max_length=500,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Anything that helps you take part: step-free access, a sign-language interpreter, "
                            "large print and so on."))
        if course.ask_supervisor:
            self.fields["supervisor_name"] = forms.CharField(label=_("Your supervisor's name"), max_length=200)
            self.fields["supervisor_email"] = forms.EmailField(label=_("Your supervisor's e-mail"), max_length=254)
        self.fields["agree"] = forms.BooleanField(
            label=_("I can attend the sessions listed above"), required=True,
            error_messages={"required": _("Please confirm that you can attend the sessions.")})

    def answers(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "agree" and value}


class ConfirmForm(forms.Form):
    """An empty form: the POST itself (with its CSRF token) is the confirmation."""
