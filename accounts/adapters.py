"""allauth adapter: keeps personal data out of logs and mails in the user's language.

Every e-mail allauth sends (verification, password reset, "account already exists", notifications) is
rendered in the request, recorded in the outbox's message log and delivered by the task worker with
retries: sign-up and password reset answer normally while the mail server is down. The rendered e-mail
(it carries one-time links) is kept only until it is sent.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction

from outbox.services import message_enqueue, message_payload


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return True

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        rendered = self.render_mail(template_prefix, email, ctx)
        user = context.get("user")
        recipient_id = getattr(user, "pk", None) if getattr(user, "_meta", None) is not None else None
        with transaction.atomic():
            # allauth's own writes (the new user, the e-mail address) are committed already; with a backend
            # that runs tasks in the process the attempt happens now and a failure only schedules a retry.
            message_enqueue(kind=f"account:{template_prefix.rsplit('/', 1)[-1]}", recipient_id=recipient_id,
                            payload=message_payload(rendered), wait_for_commit=False)
