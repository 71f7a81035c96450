"""A specialist finds the calendar feed address, copies it, subscribes, and switches the feed off."""

import urllib.error
import urllib.request

import pytest

from enrollment.models import EnrollmentEvent
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_specialist_copies_feed_address_then_switches_the_feed_off(browser_page, live_server, assert_accessible):
    factories.home_page()
    user = factories.UserFactory(full_name="Mari Mägi")
    session = factories.SessionFactory(title="Esimene päev")
    enrollment = factories.EnrollmentFactory(user=user, cohort=session.cohort)
    EnrollmentEvent.objects.create(enrollment=enrollment, from_status="", to_status="confirmed")
    page = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    login(page, user.email)

    page.goto("/calendar/settings/")
    assert_accessible(page)
    feed = page.locator("#calendar-feed-url").input_value()
    assert user.profile.calendar_token in feed
    copy = page.locator("button[data-copy-target]")  # by attribute: the label is translated
    copy.click()
    page.locator(".calendar-copy-status").get_by_text(copy.get_attribute("data-copied-text")).wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == feed

    path = feed.split("://", 1)[1].split("/", 1)[1]
    response = page.request.get(f"{live_server.url}/{path}")
    assert response.status == 200 and b"Esimene p" in response.body()
    head = urllib.request.urlopen(urllib.request.Request(f"{live_server.url}/{path}", method="HEAD"))  # noqa: S310
    assert head.status == 200 and head.read() == b""  # a real server: same headers, no body
    assert int(head.headers["Content-Length"]) == len(response.body())
    assert head.headers["ETag"] == response.headers["etag"]

    with page.expect_navigation():
        page.locator("form:has(input[value=revoke]) button[type=submit]").click()
    assert page.url.endswith("/calendar/settings/")
    page.locator("#feed-heading").wait_for()
    assert page.locator("#calendar-feed-url").count() == 0
    assert_accessible(page)
    user.profile.refresh_from_db()
    assert user.profile.calendar_token.startswith("revoked.")
    with pytest.raises(urllib.error.HTTPError) as refused:  # a fresh client: no browser cache involved
        urllib.request.urlopen(f"{live_server.url}/{path}")  # noqa: S310 - the live server, http
    assert refused.value.code == 404
