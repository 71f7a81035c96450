"""Issue 12/7: a person created by a CSV import gets an e-mail with a link to set a password (queued through the
outbox in the import's transaction); following it they set a password and log in. Existing people do not."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from enrollment.admin import imports
from outbox.models import Message
from tests import factories
from tests.outbox.support import DATABASE_TASKS

pytestmark = pytest.mark.django_db

HEADER = "email,full_name,municipality,profession,organisation\n"
DATA = (HEADER + "uus@example.ee,Uus Inimene,Põlva vald,teacher,\n"
        "olemas@example.ee,Olemas Olev,Tartu linn,teacher,\n").encode()
ONE = (HEADER + "uus@example.ee,Uus Inimene,Põlva vald,teacher,\n").encode()
PASSWORD = "Kaks-Tuhat-Kakskümmend-Kuus"


def _link(message) -> str:
    found = re.search(r"https://oskus\.example\.ee(/\S*/accounts/password/reset/key/\S+/|/accounts/password/reset/"
                      r"key/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_a_new_person_gets_a_set_password_link_and_can_then_log_in(client, settings, coordinator,
                                                                   django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://oskus.example.ee"
    cohort = factories.CohortFactory(capacity=5)
    existing = factories.UserFactory(email="olemas@example.ee")
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_run(cohort=cohort, data=DATA, actor=coordinator)

    new = User.objects.get(email="uus@example.ee")
    invitations = Message.objects.filter(kind="account_invitation")
    assert [(m.recipient_id, m.cohort_id) for m in invitations] == [(new.pk, cohort.pk)]
    [invitation] = [m for m in mail.outbox if m.to == ["uus@example.ee"] and "/password/reset/key/" in m.body]
    assert not [m for m in mail.outbox if m.to == ["olemas@example.ee"] and "/password/reset/" in m.body]
    assert existing.email in {m.to[0] for m in mail.outbox}  # existing people get their confirmation only

    response = client.get(_link(invitation))
    assert response.status_code == 302 and response["Location"].endswith("-set-password/")
    response = client.post(response["Location"], {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    new.refresh_from_db()
    assert new.has_usable_password() and new.check_password(PASSWORD)
    # The link reached the address, so the address is verified: log-in needs no second e-mail.
    assert EmailAddress.objects.get(user=new).verified

    client.logout()
    response = client.post("/accounts/login/", {"login": "uus@example.ee", "password": PASSWORD})
    assert response.status_code == 302 and "/confirm-email/" not in response["Location"]
    assert int(client.session["_auth_user_id"]) == new.pk


def test_the_link_is_single_use(client, settings, coordinator, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://oskus.example.ee"
    cohort = factories.CohortFactory(capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_run(cohort=cohort, data=ONE, actor=coordinator)
    [invitation] = [m for m in mail.outbox if "/password/reset/key/" in m.body]
    link = _link(invitation)
    response = client.get(link)
    client.post(response["Location"], {"password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    response = client.get(link)
    assert response.status_code == 200 and response.context["token_fail"]


@override_settings(TASKS=DATABASE_TASKS)
def test_the_invitation_and_its_task_are_written_in_the_import_transaction(coordinator):
    cohort = factories.CohortFactory(capacity=5)
    with transaction.atomic():
        imports.import_run(cohort=cohort, data=ONE, actor=coordinator)
        invitation = Message.objects.get(kind="account_invitation")
        assert invitation.state == Message.State.QUEUED  # the message log is the queue: the workers' relay sends it
        assert not DBTaskResult.objects.filter(args_kwargs__kwargs__message_pk=invitation.pk).exists()
        assert invitation.payload is None and "key" not in str(invitation.params)  # no one-time link stored


@override_settings(TASKS=DATABASE_TASKS)
def test_a_rolled_back_import_sends_no_invitation(coordinator, monkeypatch):
    from enrollment.exceptions import RegistrationClosed

    cohort = factories.CohortFactory(capacity=5)

    def refuse(**kwargs):
        raise RegistrationClosed()

    monkeypatch.setattr(imports, "enrollment_create", refuse)
    with pytest.raises(imports.ImportInvalid):
        imports.import_run(cohort=cohort, data=DATA, actor=coordinator)
    assert not Message.objects.exists() and not User.objects.filter(email="uus@example.ee").exists()
