"""The message log in the Wagtail admin: coordinators see every e-mail per person and per cohort and can send
one again; everyone else is refused."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from enrollment.emails import enrollment_email_enqueue
from outbox.models import Message
from tests import factories

pytestmark = pytest.mark.django_db
INDEX = "outbox_messages:index"


@pytest.fixture
def log(site_tree):
    first, second = factories.CohortFactory(code="SPRING-1"), factories.CohortFactory(code="AUTUMN-2")
    mari = factories.EnrollmentFactory(cohort=first, user=factories.UserFactory(email="mari@example.ee"))
    jaan = factories.EnrollmentFactory(cohort=second, user=factories.UserFactory(email="jaan@example.ee"))
    sent = enrollment_email_enqueue("confirmation", mari)
    failed = enrollment_email_enqueue("offer", jaan)
    Message.objects.filter(pk=sent.pk).update(state=Message.State.SENT)
    Message.objects.filter(pk=failed.pk).update(state=Message.State.FAILED, last_error="SMTPDataError 554",
                                                attempts=1)
    return {"mari": mari, "jaan": jaan, "sent": sent, "failed": failed, "first": first}


def listing(client, **params):
    response = client.get(reverse(INDEX), params)
    assert response.status_code == 200
    return response.content.decode()


def test_coordinator_sees_every_email_with_kind_state_and_cohort(client, coordinator, log):
    client.force_login(coordinator)
    page = listing(client)
    assert "mari@example.ee" in page and "jaan@example.ee" in page
    assert "SPRING-1" in page and "confirmation" in page and "SMTPDataError 554" in page


def test_filters_per_person_per_cohort_and_state(client, coordinator, log):
    client.force_login(coordinator)
    page = listing(client, recipient=log["jaan"].user_id)
    assert "jaan@example.ee" in page and "mari@example.ee" not in page
    page = listing(client, cohort=log["first"].pk)
    assert "mari@example.ee" in page and "jaan@example.ee" not in page
    page = listing(client, state="failed")
    assert "jaan@example.ee" in page and "mari@example.ee" not in page
    page = listing(client, kind="confirmation")
    assert "mari@example.ee" in page and "jaan@example.ee" not in page


def test_send_again_queues_a_new_copy_that_is_delivered(client, coordinator, log, django_capture_on_commit_callbacks,
                                                        mailoutbox):
    client.force_login(coordinator)
    url = reverse("outbox_messages:send_again", args=[log["failed"].pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    copy = Message.objects.get(resent_from=log["failed"])
    assert copy.message_id != log["failed"].message_id and copy.kind == "offer"
    assert copy.state == Message.State.SENT
    assert [m.to for m in mailoutbox] == [["jaan@example.ee"]]


def test_an_admin_user_who_is_not_a_coordinator_is_refused(client, log):
    editor = factories.UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    def refused(response):
        return response.status_code in (302, 403) and "mari@example.ee" not in response.content.decode()

    assert refused(client.get(reverse(INDEX)))
    assert refused(client.get(reverse("outbox_messages:inspect", args=[log["sent"].pk])))
    assert refused(client.post(reverse("outbox_messages:send_again", args=[log["failed"].pk])))
    assert not Message.objects.filter(resent_from=log["failed"]).exists()


def test_specialists_and_trainers_are_refused(client, specialist, trainer, log):
    for user in (specialist, trainer):
        client.force_login(user)
        response = client.post(reverse("outbox_messages:send_again", args=[log["failed"].pk]))
        assert response.status_code in (302, 403)
        assert client.get(reverse(INDEX)).status_code == 302
    assert not Message.objects.filter(resent_from=log["failed"]).exists()


def test_an_account_email_already_sent_cannot_be_sent_again(client, coordinator, log):
    account = Message.objects.create(message_id="<x@oskus.ee>", kind="account:password_reset_key",
                                     recipient=log["mari"].user, payload=None, state=Message.State.SENT)
    client.force_login(coordinator)
    response = client.post(reverse("outbox_messages:send_again", args=[account.pk]), follow=True)
    assert "cannot be sent again" in response.content.decode() or "ei saa" in response.content.decode()
    assert not Message.objects.filter(resent_from=account).exists()
