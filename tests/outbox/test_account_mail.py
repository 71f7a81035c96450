"""Finding 5: allauth's e-mails go through the outbox; sign-up answers normally while mail is down."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from outbox import services
from outbox.models import Message
from tests.accounts.test_signup import SIGNUP, good_data  # noqa: F401  (fixture)

from .support import DATABASE_TASKS, SMTPServer, free_port

State = Message.State
pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 5
    return settings


def test_signup_with_mail_down_answers_normally_and_the_mail_goes_out_when_it_is_back(client, good_data,  # noqa: F811
                                                                                      mail_down):
    response = client.post(SIGNUP, good_data)
    assert response.status_code == 302 and response.url == "/accounts/confirm-email/"
    user = User.objects.get(email="kati.kask@vald.ee")
    message = Message.objects.get(recipient=user)
    assert message.kind == "account:email_confirmation_signup"
    assert message.state == State.RETRYING and message.last_error.startswith("ConnectionRefusedError")

    smtp = SMTPServer(mail_down.EMAIL_PORT).start()
    try:
        assert services.message_deliver(message_pk=message.pk) == State.SENT
    finally:
        smtp.stop()
    [received] = smtp.recorder.messages
    assert received["Message-ID"] == message.message_id and received["To"] == "kati.kask@vald.ee"
    body = received.get_payload(0).get_payload(decode=True).decode() if received.is_multipart() else \
        received.get_payload(decode=True).decode()
    assert re.search(r"/accounts/confirm-email/[^/\s]+/", body)
    message.refresh_from_db()
    assert message.payload is None  # the one-time link is not kept once the e-mail is sent


@override_settings(TASKS=DATABASE_TASKS)
def test_with_the_database_backend_signup_only_queues_its_mail(client, good_data):  # noqa: F811
    response = client.post(SIGNUP, good_data)
    assert response.status_code == 302
    message = Message.objects.get(recipient__email="kati.kask@vald.ee")
    assert message.state == State.QUEUED and mail.outbox == []
    assert not DBTaskResult.objects.filter(args_kwargs__kwargs__message_pk=message.pk).exists()  # the relay sends it
    assert services.messages_relay() == 1 and len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.state == State.SENT and message.payload is None


def test_password_reset_mail_is_logged_and_sent(client, django_user_model):
    from tests.factories import UserFactory

    user = UserFactory(email="mari@example.ee")
    response = client.post("/accounts/password/reset/", {"email": "mari@example.ee"})
    assert response.status_code == 302
    message = Message.objects.get(recipient=user)
    assert message.kind == "account:password_reset_key" and message.state == State.SENT
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id
