"""A strict Content-Security-Policy on the main page of every role (issue 13, 4).

The site's pages: everything from the site itself, no inline scripts or styles, images also as data: URIs
(QR codes), never framed. The Wagtail admin (/admin/) gets only the allowances it needs (inline scripts and
styles, blob: image previews).
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.test_templates import EVENT_HANDLER, INLINE_SCRIPT, STYLE_ATTRIBUTE, STYLE_ELEMENT

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_nothing_inline(response):
    """What the policy would block must not be in the page at all (the browser test sees the rest)."""
    html = response.content.decode()
    for pattern in (INLINE_SCRIPT, EVENT_HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT):
        assert not pattern.search(html), (response.request["PATH_INFO"], pattern.search(html).group(0))


def assert_strict(directives, *, admin=False):
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["img-src"][:2] == ["'self'", "data:"]
    assert directives["connect-src"] == ["'self'"]
    assert not any("'unsafe-eval'" in sources for sources in directives.values())
    if admin:  # Wagtail's own pages: inline scripts and styles, nothing else
        assert directives["script-src"] == directives["style-src"] == ["'self'", "'unsafe-inline'"]
        assert directives["img-src"] == ["'self'", "data:", "blob:"]
    else:
        assert directives["script-src"] == directives["style-src"] == ["'self'"]
        assert directives["img-src"] == ["'self'", "data:"]
    assert not any("*" in source for sources in directives.values() for source in sources)


@pytest.fixture
def world(site_tree, specialist, trainer):
    course = factories.CoursePageFactory(parent=site_tree["catalogue"])
    cohort = factories.CohortFactory(course=course, trainers=[trainer], status="running")
    started = timezone.now() - dt.timedelta(hours=1)
    session = factories.SessionFactory(cohort=cohort, starts_at=started, ends_at=started + dt.timedelta(hours=6))
    factories.EnrollmentFactory(cohort=cohort, user=specialist, status="confirmed")
    return {"course": course, "session": session}


def test_the_public_pages_have_a_strict_policy(client, site_tree, world):
    for url in (site_tree["catalogue"].url, world["course"].url, reverse("certificate_verify"),
                reverse("account_login")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(policy(response))
        assert_nothing_inline(response)


def test_a_cached_catalogue_page_carries_the_policy_too(client, site_tree, settings):
    settings.OSKUS_PAGE_CACHE = True
    client.get(site_tree["catalogue"].url)
    assert_strict(policy(client.get(site_tree["catalogue"].url)))


def test_the_specialists_pages_have_a_strict_policy(client, world, specialist):
    client.force_login(specialist)
    for name in ("my_trainings", "attendance_progress", "my_certificates", "profile_edit", "account_email",
                 "account_change_password", "mfa_index", "calendar_settings"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert_strict(policy(response))
        assert_nothing_inline(response)


def test_the_trainers_pages_have_a_strict_policy(client, world, trainer):
    client.force_login(trainer)
    session = world["session"]
    for url in (reverse("trainer_dashboard"), reverse("attendance_roster", args=[session.pk]),
                reverse("attendance_checkin_display", args=[session.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(policy(response))
        assert_nothing_inline(response)


def test_the_admin_dashboard_allows_inline_scripts_and_styles_and_nothing_more(client, world, coordinator):
    client.force_login(coordinator)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert_strict(policy(response), admin=True)


def test_the_admin_allowance_does_not_leak_to_a_look_alike_path(client, site_tree):
    response = client.get("/administrator-guide/")
    assert_strict(policy(response))


def test_error_pages_have_the_policy(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_strict(policy(response))
