"""A coordinator publishes a course in the Wagtail admin; a visitor finds it through a filter and through search.
Catalogue, course and programme pages have no axe-core (WCAG 2.1 A/AA) violations."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from courses.pages import CoursePage
from courses.permissions import ensure_coordinator_page_permissions
from tests import factories
from tests.courses.conftest import cohort_with_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_publishes_a_course_and_a_visitor_finds_it(browser_page, assert_accessible, settings):
    # Wagtail 8's autosave (a draft made while typing, after which the form points at the draft) is Wagtail's own
    # feature and raced this journey: whether it fired before "Publish" depended on timing. Off here, so the
    # journey is the same every run: fill in, preview, publish.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    home = factories.home_page()
    catalogue = factories.catalogue_page()
    ensure_coordinator_page_permissions()
    family = factories.TopicFactory(name="Perede toetamine", slug="family-support")
    factories.TopicFactory(name="Juhtimine", slug="management")
    factories.TargetGroupFactory(name="Perekeskuste töötajad", slug="family-centre-staff")
    factories.ProviderFactory(name="Sotsiaalkindlustusamet")
    factories.CoursePageFactory(title="Meeskonna juhtimine", summary="Juhtidele.", parent=catalogue)
    coordinator = factories.UserFactory(full_name="Kadri Koordinaator", groups=["Coordinators"])
    assert home.pk
    page = browser_page

    # The coordinator logs into the Wagtail admin and fills in every field of a new course page.
    page.goto("/admin/login/")  # leads to allauth's log-in (oskus/security/views.py)
    page.fill("#id_login", coordinator.email)
    page.fill("#id_password", factories.PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto(f"/admin/pages/add/courses/coursepage/{catalogue.pk}/")
    page.fill("#id_title", "Perepesa: perekeskuse töötajate koolitus")
    page.locator("#id_title").press("Tab")
    page.fill("#id_summary", "Perekeskuse töötajatele: peredega töö ja süstemaatiline tagasiside.")
    for field, text in (("goals", "Toetada peresid."), ("outcomes", "Osaleja oskab peresid toetada."),
                        ("prerequisites", "Töötad perekeskuses.")):
        editor = page.locator(f"[data-contentpath='{field}'] .DraftEditor-root, #panel-child-content-{field}-content"
                              f" .DraftEditor-root").first
        editor.click()
        page.keyboard.type(text)
    page.fill("#id_academic_hours", "24")
    page.select_option("#id_format", "hybrid")
    page.select_option("#id_language", "et")
    page.select_option("#id_topics", label="Perede toetamine")
    page.select_option("#id_target_groups", label="Perekeskuste töötajad")
    page.select_option("#id_eligible_counties", label="Valga maakond")
    page.locator("#id_provider-chooser [data-chooser-action-choose]").click()  # provider is a snippet chooser
    page.locator(".modal a", has_text="Sotsiaalkindlustusamet").first.click()
    page.wait_for_function("() => document.querySelector('#id_provider').value !== ''")  # a function: no eval
    page.fill("#id_funding", "Euroopa Sotsiaalfond+")
    page.fill("#id_funding_share", "85")
    page.fill("#id_certificate_text", "Läbis Perepesa koolituse mahus 24 akadeemilist tundi.")
    page.fill("#id_completion_min_percent", "80")
    page.check("#id_ask_dietary_needs")
    page.locator("[role=tab]").nth(1).click()  # Promote (its id depends on the admin language)
    if not page.input_value("#id_slug"):
        page.fill("#id_slug", "perepesa")
    page.fill("#id_search_description", "Perekeskuse töötajate koolitus Perepesa.")
    page.locator("[role=tab]").nth(0).click()

    # Preview: the form as filled in is sent to Wagtail's preview view and shown in a second tab.
    # (Wagtail's editor may have autosaved a draft by now; then the draft's preview address applies)
    draft = CoursePage.objects.filter(title__startswith="Perepesa").first()
    preview_url = (reverse("wagtailadmin_pages:preview_on_edit", args=(draft.pk,)) if draft else
                   reverse("wagtailadmin_pages:preview_on_add", args=("courses", "coursepage", catalogue.pk)))
    state = page.evaluate("""async (url) => {
        const form = document.querySelector('#page-edit-form');
        const response = await fetch(url, {method: 'POST', body: new FormData(form)});
        return await response.json();
    }""", preview_url)
    assert state["is_valid"] is True
    preview = page.context.new_page()
    preview.goto(preview_url)
    assert preview.locator("main h1").inner_text() == "Perepesa: perekeskuse töötajate koolitus"
    assert "Sotsiaalkindlustusamet" in preview.locator("dl.facts").inner_text()
    preview.close()
    # Nothing is saved yet: previewing stores nothing.
    assert not CoursePage.objects.filter(title__startswith="Perepesa").exists()

    # Publish from the footer's action menu.
    page.locator("footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']").first.click()
    page.locator("button[name='action-publish']").click()
    page.wait_for_url(re.compile(rf"/admin/pages/{catalogue.pk}/"))
    course = CoursePage.objects.get(title__startswith="Perepesa")
    assert course.live
    assert course.academic_hours == Decimal("24")
    assert course.format == "hybrid"
    assert [t.slug for t in course.topics.all()] == [family.slug]
    assert course.provider.name == "Sotsiaalkindlustusamet"
    assert course.funding_share == 85
    assert "Toetada peresid." in course.goals

    # A visitor (logged out) finds it through the topic filter ...
    page.context.clear_cookies()
    page.goto(catalogue.url)
    assert_accessible(page)
    page.select_option("#id_topic", label="Perede toetamine")
    page.locator("form.catalogue-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"topic=family-support"))
    results = page.locator(".catalogue-item h3")
    assert results.all_inner_texts() == ["Perepesa: perekeskuse töötajate koolitus"]

    # ... and through search.
    page.goto(catalogue.url)
    page.fill("#id_q", "tagasiside")
    page.locator("form.catalogue-filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"q=tagasiside"))
    assert page.locator(".catalogue-item h3").all_inner_texts() == ["Perepesa: perekeskuse töötajate koolitus"]
    page.locator(".catalogue-item h3 a").click()
    page.wait_for_url(re.compile(re.escape(course.url)))
    assert page.locator("h1").inner_text() == "Perepesa: perekeskuse töötajate koolitus"
    assert_accessible(page)


def test_catalogue_course_and_programme_pages_have_no_accessibility_violations(browser_page, assert_accessible):
    factories.home_page()
    catalogue = factories.catalogue_page()
    course = factories.CoursePageFactory(
        title="Eakate vaimne tervis", goals="<ul><li>Märgata muutusi.</li></ul>",
        certificate_text="Läbis koolituse.", funding="Euroopa Sotsiaalfond+", funding_share=85,
        provider=factories.ProviderFactory(name="Kagu-Eesti koolituskonsortsium", website="https://example.ee"),
        m2m={"topics": [factories.TopicFactory(name="Vaimne tervis")],
             "eligible_counties": [factories.county("Võru maakond")]})
    cohort_with_session(course, seats=2, venue=factories.VenueFactory())
    programme = factories.ProgrammePageFactory(title="Kagu-Eesti arenguprogramm")
    factories.ProgrammePartFactory(page=programme, course=course, sort_order=0)
    factories.ProgrammePartFactory(page=programme, course=None, kind="study_trip", title="Õppereis",
                                   academic_hours=Decimal("8"), sort_order=1)
    page = browser_page

    for url in (catalogue.url, course.url, programme.url, catalogue.url + "?free=on&date_from=2020-01-01"):
        page.goto(url)
        assert page.locator("h1").count() == 1
        assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(catalogue.url)
    assert_accessible(page)
