"""`Cache-Control: private, no-store` on every personal page and file (issue 13, 4).

Walks every URL pattern of the project, finds the ones that need a log-in (an anonymous visit is sent to the
log-in page), fills their parameters with factory objects and checks the header on each personal response.
"""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from certificates import services as certificate_services
from enrollment.models import EnrollmentStatus
from tests import factories
from tests.certificates.conftest import finished_cohort

pytestmark = pytest.mark.django_db

# Where personal data lives; the walk must have seen each of them answer 200 with the header.
MUST_COVER = {
    "my_trainings", "attendance_progress", "my_certificates", "certificate_pdf", "certificate_badge",
    "profile_edit", "profile_edit_user", "attendance_roster", "attendance_export", "attendance_signin_sheet",
    "calendar_settings", "attendance_checkin", "attendance_checkin_display", "attendance_checkin_feed",
    "trainer_dashboard", "trainer_lineage", "attendance_cohort_close", "account_email", "account_change_password",
    "mfa_index",
}
# Served by Wagtail, DRF or Django itself (the admin sets its own no-store; pages and the API are public).
SKIP_MODULE_PREFIXES = ("wagtail.", "wagtail_localize.", "rest_framework", "django.contrib.sitemaps",
                        "django.views.static", "django.contrib.staticfiles")


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _parameters(entry: URLPattern) -> list[str]:
    return list(entry.pattern.regex.groupindex)


@pytest.fixture
def world(site_tree, specialist, trainer, coordinator):
    cohort = factories.CohortFactory(course=factories.CoursePageFactory(), trainers=[trainer])
    start = timezone.now() + dt.timedelta(minutes=10)
    session = factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    enrollment = factories.EnrollmentFactory(cohort=cohort, user=specialist, status=EnrollmentStatus.CONFIRMED)
    done = factories.EnrollmentFactory(cohort=finished_cohort(), user=specialist, status=EnrollmentStatus.COMPLETED)
    certificate = certificate_services.certificate_issue(enrollment=done)
    values = {
        "session_id": session.pk, "cohort_id": cohort.pk, "course_id": cohort.course_id,
        "pk": enrollment.pk, "user_id": specialist.pk, "enrollment_id": enrollment.pk,
        "number": certificate.number, "fmt": "csv", "action": "accept", "uid": str(session.uid),
        "code": cohort.code, "token": "t" * 32, "key": "k" * 20, "uidb36": "1", "uidb64": "MQ",
    }
    return {"values": values, "people": [specialist, trainer, coordinator]}


def test_every_page_behind_the_log_in_is_private_and_not_stored(client, world):
    login = reverse("account_login")
    checked, unknown = set(), []
    for name, entry in _walk(get_resolver().url_patterns):
        if entry.callback.__module__.startswith(SKIP_MODULE_PREFIXES):
            continue
        params = _parameters(entry)
        if any(p not in world["values"] for p in params):
            unknown.append(name)
            continue
        try:
            url = reverse(name, kwargs={p: world["values"][p] for p in params})
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
