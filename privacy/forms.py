from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureConfirmForm(forms.Form):
    """Deleting an account is confirmed with the password (a stolen open session is not enough)."""

    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete":
                                                                                           "current-password"}))
    understood = forms.BooleanField(label=_("I understand that this cannot be undone."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password
