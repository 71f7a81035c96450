"""A participant opens the feedback e-mail's link on a phone (not logged in), answers half, saves, comes back
later on the same device, finishes and reaches the thank-you page; a trainer finds the results of a closed
cohort from "My cohorts" and a coordinator opens them in the admin, each distribution drawn by Chart.js under
the site's CSP; every page is axe-clean."""

import re

import pytest
from django.core import mail

from feedback import services
from feedback.models import AnonymousResponse, Invitation
from tests import factories
from tests.browser.test_enrollment import ensure_wagtail_root
from tests.conftest import login
from tests.feedback.conftest import finished_cohort, full_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_the_email_link_to_the_thank_you_page_on_a_phone(phone_page, assert_accessible):
    ensure_wagtail_root()
    data = finished_cohort(people=1)
    mail.outbox.clear()
    services.invitations_send_due()
    invitation = Invitation.objects.get(survey__cohort=data["cohort"])
    message = next(m for m in mail.outbox if m.to == [invitation.user.email])
    path = re.search(r"https?://[^/\s]+(/(?:en/)?feedback/[^/\s]+/)", message.body).group(1)
    page = phone_page

    page.goto(path)
    assert page.locator("h1").inner_text() == "Tagasiside"
    assert_accessible(page)
    # The page fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("radio", name="4").first.check()
    page.get_by_label("Kommentaarid").fill("Poolik mõte")
    page.locator("button[value=save]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".message-success").count() == 1
    assert not AnonymousResponse.objects.exists()
    assert_accessible(page)

    page.goto(path)  # later, on the same device
    assert page.get_by_label("Kommentaarid").input_value() == "Poolik mõte"
    page.get_by_role("radio", name="Jah").check()
    page.get_by_role("checkbox", name="Aeg").check()
    page.get_by_role("radio", name="9").last.check()
    page.locator("button[value=submit]").click()
    page.wait_for_url(re.compile(r"/feedback/thanks/$"))
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    assert AnonymousResponse.objects.count() == 1
    invitation.refresh_from_db()
    assert invitation.answered_on is not None

    page.goto(path)  # the link again: already answered
    assert page.locator(".message-warning").count() == 1
    assert_accessible(page)


def _charts_drawn(page) -> int:
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => typeof window.Chart") == "function"
    return page.evaluate("() => [...document.querySelectorAll('canvas[data-feedback-chart]')]"
                         ".filter(c => window.Chart.getChart(c)).length")


def test_trainer_and_coordinator_read_the_results_as_charts(browser_page, assert_accessible):
    ensure_wagtail_root()
    factories.home_page()
    trainer = factories.UserFactory(email="koolitaja@example.ee", full_name="Tiit Tamm", groups=["Trainers"])
    factories.UserFactory(email="koordinaator@example.ee", groups=["Coordinators"])
    data = finished_cohort(people=5, trainers=[trainer])
    services.invitations_send_due()
    for invitation in Invitation.objects.filter(survey__cohort=data["cohort"]):
        services.response_submit(invitation=invitation, answers=full_answers(invitation.survey))
    page = browser_page
    errors, refused = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)

    login(page, "koolitaja@example.ee")
    page.goto("/trainer/")
    assert_accessible(page)
    survey = Invitation.objects.filter(survey__cohort=data["cohort"]).first().survey
    page.locator(f'a[href="/trainer/feedback/?cohort={data["cohort"].pk}"]').click()  # the closed cohort's card
    page.locator(f'a[href="/trainer/feedback/{survey.pk}/"]').click()
    assert page.locator("h1").inner_text() == "Tagasiside"
    assert _charts_drawn(page) == 4  # rating, single and multiple choice, recommendation
    assert_accessible(page)

    page.context.clear_cookies()
    login(page, "koordinaator@example.ee")
    page.goto(f"/admin/feedback/results/{survey.pk}/")
    assert _charts_drawn(page) == 4
    assert_accessible(page)
    assert errors == [] and refused == []
