"""My data in a real browser: the progress indicator follows the background work and the download appears;
the pages of My data and of deleting the account are accessible. (Link names match either language until the
lead merges this branch's translations into the catalogues.)"""

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from privacy.models import DataExport
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_progress_indicator_follows_the_download_until_it_is_ready(browser_page, assert_accessible, settings,
                                                                        tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    factories.home_page()
    person = factories.UserFactory(email="kati.kask@vald.ee")
    export = DataExport.objects.create(user=person, state="running", progress=40)  # a worker is at it
    page = browser_page
    login(page, "kati.kask@vald.ee")
    page.goto("/accounts/profile/")
    page.get_by_role("link", name=re.compile("Minu andmed|My data")).click()
    assert page.locator("progress").get_attribute("value") == "40"
    assert_accessible(page)

    export.file.save("x.zip", ContentFile(b"PK"), save=False)
    export.state, export.progress = "ready", 100
    export.ready_at, export.expires_at = timezone.now(), timezone.now() + dt.timedelta(days=7)
    export.save()
    page.locator(f'a[href$="/privacy/my-data/{export.pk}/download/"]').wait_for(timeout=10000)  # polled, reloaded
    assert page.locator("progress").count() == 0

    page.goto("/privacy/delete-account/")
    assert_accessible(page)
