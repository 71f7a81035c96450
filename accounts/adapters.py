"""allauth adapter: keeps personal data out of logs and mails in the user's language."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return True
