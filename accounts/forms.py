"""Sign-up and profile forms. Municipalities come from the project's own list."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .models import Municipality, Profession, Profile, User


class MunicipalityChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _("Choose your municipality from the list of Estonia's municipalities."),
    }

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.county.name})"


def municipality_field(required: bool) -> MunicipalityChoiceField:
    return MunicipalityChoiceField(
        queryset=Municipality.objects.select_related("county").order_by("name"),
        required=required,
        label=_("Municipality"),
        help_text=_("The municipality where you work. It decides which regional trainings are open to you."),
        empty_label=_("Choose a municipality"),
    )


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth adds e-mail and passwords)."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    profession = forms.ChoiceField(
        label=_("Profession"), choices=[("", _("Choose a profession")), *Profession.choices], required=False)
    municipality = municipality_field(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profession"].help_text = _(
            "Optional. Asked to show the trainings open to your profession, and for statistics without your name.")
        self.fields["municipality"].help_text = _(
            "Optional. Asked because it decides which regional trainings are open to you; statistics use only its "
            "county, without your name.")

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])
        profile, _ = Profile.objects.get_or_create(user=user)
        profile.profession = self.cleaned_data.get("profession") or ""
        profile.municipality = self.cleaned_data.get("municipality")
        profile.save()


class ProfileForm(forms.ModelForm):
    """A specialist's own profile; the user is always request.user, never taken from input."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    municipality = municipality_field(required=True)

    class Meta:
        model = Profile
        fields = ["profession", "organisation", "municipality"]
        labels = {"profession": _("Profession"), "organisation": _("Employer organisation")}
        help_texts = {"organisation": _("For example: Võru Rural Municipality Government, or the school you teach at.")}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["full_name"].initial = user.full_name
        self.fields["profession"].required = True
        self.fields["organisation"].help_text = format_lazy(
            "{} {}", _("Optional. Coordinators see it with your enrollments, to plan trainings with employers."),
            self.fields["organisation"].help_text)
        self.order_fields(["full_name", "profession", "organisation", "municipality"])

    def save(self, commit=True):
        profile = super().save(commit=False)
        self.user.full_name = self.cleaned_data["full_name"].strip()
        if commit:
            self.user.save(update_fields=["full_name"])
            profile.save()
        return profile
