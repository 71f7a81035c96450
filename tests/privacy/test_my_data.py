""""My data": requested from the profile, built in the background (the task recorded in the request's
transaction), e-mailed when ready, downloadable by its owner only until the link expires, then swept."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from privacy import registry
from privacy.models import DataExport
from privacy.services.exports import export_request, exports_expire_due
from tests import factories

from .conftest import NAME

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_profile_links_to_my_data_and_to_deleting_the_account(client):
    client.force_login(factories.UserFactory())
    content = client.get(reverse("profile_edit")).content.decode()
    assert reverse("privacy_my_data") in content and reverse("privacy_erasure") in content


def test_requesting_builds_the_zip_in_the_background_and_e_mails_the_owner(person, client,
                                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy_my_data"))
    assert response.status_code == 302
    export = DataExport.objects.get(user=person, state="ready")
    assert export.progress == 100 and export.expires_at > timezone.now() + dt.timedelta(days=6)
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert reverse("privacy_my_data") in mail.outbox[0].body
    status = client.get(reverse("privacy_my_data_status", args=[export.pk])).json()
    assert status["state"] == "ready" and status["progress"] == 100
    page = client.get(reverse("privacy_my_data")).content.decode()
    assert reverse("privacy_my_data_download", args=[export.pk]) in page

    archive = _zip(client.get(reverse("privacy_my_data_download", args=[export.pk])))
    names = set(archive.namelist())
    assert {"data.json", "summary.html"} <= names
    assert any(n.startswith("certificates/") and n.endswith(".pdf") for n in names)
    data = json.loads(archive.read("data.json"))["data"]
    assert set(data) == {entry.name for entry in registry.installed()}
    summary = archive.read("summary.html").decode()
    assert NAME in summary and "Tunnistused" in summary  # translated: the person's language (Estonian here)


def test_a_request_in_progress_is_not_duplicated(person):
    first = export_request(user=person)
    assert export_request(user=person) == first
    assert first.state == "queued"


def test_the_page_shows_a_progress_indicator_while_the_data_is_collected(person, client):
    export = export_request(user=person)
    content = client.get(reverse("privacy_my_data")).content.decode()
    assert "<progress" in content and reverse("privacy_my_data_status", args=[export.pk]) in content
    assert "privacy/progress.js" in content


def _ready(person, **kwargs):
    from django.core.files.base import ContentFile

    export = DataExport.objects.create(user=person, state="ready", ready_at=timezone.now(),
                                       expires_at=timezone.now() + dt.timedelta(days=7), **kwargs)
    export.file.save("t.zip", ContentFile(b"PK"), save=True)
    return export


def test_someone_elses_download_link_is_not_found(person, client):
    other = _ready(factories.UserFactory())
    assert client.get(reverse("privacy_my_data_download", args=[other.pk])).status_code == 404
    assert client.get(reverse("privacy_my_data_status", args=[other.pk])).status_code == 404


def test_an_expired_link_is_not_found_and_the_sweep_deletes_the_file(person, client):
    export = _ready(person)
    path = export.file.path
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(reverse("privacy_my_data_download", args=[export.pk])).status_code == 404
    assert exports_expire_due() == 1
    assert exports_expire_due() == 0  # idempotent
    export.refresh_from_db()
    assert export.state == "expired" and not export.file
    import os
    assert not os.path.exists(path)


def test_anonymous_people_are_sent_to_log_in(person, client):
    export = _ready(person)
    client.logout()
    for name, args in (("privacy_my_data", []), ("privacy_my_data_download", [export.pk]),
                       ("privacy_my_data_status", [export.pk]), ("privacy_erasure", [])):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
