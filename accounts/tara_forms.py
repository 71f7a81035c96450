"""The sign-up form after a first TARA log-in (SOCIALACCOUNT_FORMS["signup"]).

Kept apart from forms.py: allauth builds this form on ACCOUNT_SIGNUP_FORM_CLASS (accounts.forms.SignupForm), so
it adds the e-mail address (verified by allauth's flow before the account can log in) to our fields. The
profile is completed here, before any enrollment: profession and municipality are required.
"""

from allauth.socialaccount.forms import SignupForm as SocialSignupForm


class TaraSignupForm(SocialSignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("profession", "municipality"):
            if name in self.fields:
                self.fields[name].required = True
