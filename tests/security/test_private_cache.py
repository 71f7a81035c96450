"""`Cache-Control: private, no-store` on every personal page and file (issue 13, 4).

Walks every URL pattern of the project, finds the ones that need a log-in (an anonymous visit is sent to the
log-in page), fills their parameters with factory objects and checks the header on each personal response.
"""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from certificates import services as certificate_services
from enrollment.models import EnrollmentStatus
from feedback import services as feedback_services
from feedback.models import Survey
from privacy.models import DataExport
from tests import factories
from tests.certificates.conftest import finished_cohort
from tests.feedback.conftest import finished_cohort as feedback_cohort

pytestmark = pytest.mark.django_db

# Where personal data lives; the walk must have seen each of them answer 200 with the header.
MUST_COVER = {
    "my_trainings", "attendance_progress", "my_certificates", "certificate_pdf", "certificate_badge",
    "certificate_badge_jwt",
    "profile_edit", "profile_edit_user", "attendance_roster", "attendance_export", "attendance_signin_sheet",
    "calendar_settings", "attendance_checkin", "attendance_checkin_display", "attendance_checkin_feed",
    "trainer_dashboard", "trainer_lineage", "attendance_cohort_close", "account_email", "account_change_password",
    "mfa_index", "mfa_list_webauthn", "feedback_trainer_index", "feedback_trainer_results",
    "privacy_my_data", "privacy_my_data_status", "privacy_my_data_download", "privacy_erasure",
}
# Parameters that differ by URL: a status list's number is an integer (public, but walked all the same).
OVERRIDES = {"credential_status_list": {"number": 1}}
# Served by Wagtail, DRF or Django itself (the admin sets its own no-store; pages and the API are public).
SKIP_MODULE_PREFIXES = ("wagtail.", "wagtail_localize.", "rest_framework", "django.contrib.sitemaps",
                        "django.views.static", "django.contrib.staticfiles",
                        # allauth's generic OpenID Connect URLs: closed (404) before they are reached, TARA has
                        # its own (accounts/tara_urls.py)
                        "allauth.socialaccount.providers.openid_connect")


def _walk(patterns, namespace="", outer=()):
    """(name, pattern, parameters): parameters include those of the enclosing includes."""
    for entry in patterns:
        params = (*outer, *entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns, params)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry, list(params)


@pytest.fixture
def world(site_tree, specialist, trainer, coordinator):
    cohort = factories.CohortFactory(course=factories.CoursePageFactory(), trainers=[trainer])
    start = timezone.now() + dt.timedelta(minutes=10)
    session = factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    enrollment = factories.EnrollmentFactory(cohort=cohort, user=specialist, status=EnrollmentStatus.CONFIRMED)
    done = factories.EnrollmentFactory(cohort=finished_cohort(), user=specialist, status=EnrollmentStatus.COMPLETED)
    certificate = certificate_services.certificate_issue(enrollment=done)
    feedback = feedback_cohort(people=1, trainers=[trainer])
    feedback_services.invitations_send_due()
    export = DataExport.objects.create(user=specialist, state="ready", ready_at=timezone.now(),
                                       expires_at=timezone.now() + dt.timedelta(days=1))
    export.file.save("walk.zip", ContentFile(b"PK"), save=True)
    values = {
        "session_id": session.pk, "cohort_id": cohort.pk, "course_id": cohort.course_id,
        "pk": enrollment.pk, "user_id": specialist.pk, "enrollment_id": enrollment.pk,
        "number": certificate.number, "fmt": "csv", "action": "accept", "uid": str(session.uid),
        "export_id": export.pk, "code": cohort.code, "token": "t" * 32, "key": "k" * 20, "uidb36": "1",
        "uidb64": "MQ", "survey_id": Survey.objects.get(cohort=feedback["cohort"]).pk,
        "report": "delivery", "table": "delivery",
    }
    return {"values": values, "people": [specialist, trainer, coordinator]}


def test_every_page_behind_the_log_in_is_private_and_not_stored(client, world):
    login = reverse("account_login")
    checked, unknown = set(), []
    for name, entry, params in _walk(get_resolver().url_patterns):
        if entry.callback.__module__.startswith(SKIP_MODULE_PREFIXES):
            continue
        values = {**world["values"], **OVERRIDES.get(name, {})}
        if any(p not in values for p in params):
            unknown.append(name)
            continue
        try:
            url = reverse(name, kwargs={p: values[p] for p in params})
        except Exception:  # noqa: BLE001 - a value of the wrong shape for this converter
            unknown.append(name)
            continue
        client.logout()
        anonymous = client.get(url)
        if not (anonymous.status_code == 302 and anonymous["Location"].startswith(login)):
            continue
        for person in world["people"]:
            client.force_login(person)
            response = client.get(url)
            if response.status_code == 200:
                directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
                assert {"private", "no-store"} <= directives, (name, url, response.get("Cache-Control"))
                checked.add(name.split(":")[-1])
                break
    assert not unknown, f"teach the walk these parameters: {unknown}"
    assert MUST_COVER <= checked, sorted(MUST_COVER - checked)


def test_the_admin_is_not_stored_either(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_public_pages_for_visitors_stay_cacheable(client, site_tree):
    response = client.get(reverse("certificate_verify"))
    assert "no-store" not in response.get("Cache-Control", "")
