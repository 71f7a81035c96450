"""Course and programme pages: facts, SEO (meta, Open Graph, JSON-LD), sitemap, read API, seed programme."""

import json
import re
from decimal import Decimal

import pytest
from wagtail.models import Locale

from courses.pages import PartKind
from tests import factories
from tests.courses.conftest import cohort_with_session

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_programme_total_is_the_sum_of_the_parts_that_count(site_tree):
    course = factories.CoursePageFactory(academic_hours=Decimal("32"))
    programme = factories.ProgrammePageFactory()
    factories.ProgrammePartFactory(page=programme, course=course, sort_order=0)  # course hours: 32
    factories.ProgrammePartFactory(page=programme, course=course, academic_hours=Decimal("12.5"), sort_order=1)
    factories.ProgrammePartFactory(page=programme, course=None, kind=PartKind.STUDY_TRIP, title="Õppereis",
                                   academic_hours=Decimal("8"), sort_order=2)
    factories.ProgrammePartFactory(page=programme, course=None, kind=PartKind.COUNSELLING, title="Nõustamine",
                                   academic_hours=Decimal("6"), counts_towards_total=False, sort_order=3)

    assert programme.total_hours == Decimal("52.5")


def test_seed_programme_shows_128_hours_with_its_parts_in_order(client, site_tree):
    from courses import demo

    pages = demo.load()
    programme = pages[demo.SOUTH_EAST_PROGRAMME["slug"]]

    assert programme.total_hours == 128
    response = client.get(programme.url)
    html = response.content.decode()
    assert response.context["total_hours"] == 128
    kinds = [part.kind for part in response.context["parts"]]
    assert kinds[0] == PartKind.INFO_SEMINAR
    assert kinds.count(PartKind.COURSE) == 4
    assert kinds.count(PartKind.STUDY_TRIP) == 2
    assert PartKind.COUNSELLING in kinds and PartKind.SERVICE_DESIGN in kinds
    assert '<dd class="total-hours">128</dd>' in html
    assert {c.name for c in response.context["counties"]} == {"Põlva maakond", "Valga maakond", "Võru maakond"}
    assert json_ld(html)["@type"] == "EducationalOccupationalProgram"


def test_demo_is_idempotent_and_every_seed_page_is_in_the_catalogue(client, site_tree):
    from courses import demo

    first = demo.load()
    second = demo.load()

    assert {slug: page.pk for slug, page in first.items()} == {slug: page.pk for slug, page in second.items()}
    catalogue = second[demo.SOUTH_EAST_PROGRAMME["slug"]].get_parent()
    listed = set()
    page = 1
    while True:
        response = client.get(catalogue.url, {"page": page})
        listed |= {item.page.slug for item in response.context["items"]}
        if not response.context["page_obj"].has_next():
            break
        page += 1
    assert set(second) <= listed
    perepesa = next(p for p in second.values() if "Perepesa" in p.title)
    assert "tagasiside" in perepesa.summary + str(perepesa.body)
    english = Locale.objects.get(language_code="en")
    for page in second.values():
        translation = page.get_translation(english)
        assert translation.live and translation.summary != page.summary, page.slug


def test_course_page_shows_its_facts_meta_description_and_open_graph(client, site_tree):
    voru = factories.county("Võru maakond")
    course = factories.CoursePageFactory(
        title="Lähisuhtevägivalla juhtumikorraldus", summary="Võrgustikupõhine juhtumikorraldus.",
        funding="Euroopa Sotsiaalfond+", funding_share=85, certificate_text="Läbis koolituse.",
        provider=factories.ProviderFactory(name="Sotsiaalkindlustusamet"),
        m2m={"topics": [factories.TopicFactory(name="Lähisuhtevägivald")], "eligible_counties": [voru]})

    html = client.get(course.url).content.decode()

    assert '<meta name="description" content="Võrgustikupõhine juhtumikorraldus.">' in html
    assert '<meta property="og:title" content="Lähisuhtevägivalla juhtumikorraldus">' in html
    assert f'<meta property="og:url" content="http://localhost{course.url}">' in html
    for text in ("Sotsiaalkindlustusamet", "Euroopa Sotsiaalfond+", "85%", "Läbis koolituse.", "Lähisuhtevägivald",
                 "Võru maakond"):
        assert text in html


def test_course_page_json_ld_has_a_course_instance_per_upcoming_cohort(client, site_tree):
    course = factories.CoursePageFactory(title="Hea Käitumise Mäng", academic_hours=Decimal("24"))
    venue = factories.VenueFactory(name="Tartu Ülikool")
    cohort_with_session(course, days=10, venue=venue)
    cohort_with_session(course, days=40)
    cohort_with_session(course, days=20, status="cancelled")

    data = json_ld(client.get(course.url).content.decode())

    assert data["@type"] == "Course"
    assert data["name"] == "Hea Käitumise Mäng"
    assert data["timeRequired"] == "PT18H"  # 24 academic hours of 45 minutes
    instances = data["hasCourseInstance"]
    assert len(instances) == 2
    assert all(i["@type"] == "CourseInstance" for i in instances)
    assert instances[0]["location"]["name"] == "Tartu Ülikool"
    assert instances[0]["startDate"] < instances[1]["startDate"]


def test_json_ld_cannot_be_broken_out_of_by_page_content(client, site_tree):
    course = factories.CoursePageFactory(summary="</script><script>alert(1)</script>")

    html = client.get(course.url).content.decode()

    assert "<script>alert(1)" not in html
    assert json_ld(html)["description"] == "alert(1)"


def test_course_page_shows_what_the_registered_course_schedule_gives(client, site_tree, monkeypatch):
    """Courses depends on scheduling only through courses.schedule: whatever is registered fills the page."""
    from django.utils.safestring import mark_safe

    from courses import schedule

    course = factories.CoursePageFactory()
    seen = []

    class FakeSchedule(schedule.NoSchedule):
        def course_page_cohorts(self, *, page, request, now):
            seen.append(page.pk)
            return schedule.CoursePageCohorts(facts=[], html=mark_safe(f"<p id='slot'>SLOT {page.pk}</p>"))

    monkeypatch.setattr(schedule, "_schedule", FakeSchedule())
    html = client.get(course.url).content.decode()

    assert f"<p id='slot'>SLOT {course.pk}</p>" in html
    assert seen == [course.pk], "the course page reads its cohorts once"


def test_course_page_works_without_any_schedule(client, site_tree, monkeypatch):
    from courses import schedule

    course = factories.CoursePageFactory()
    monkeypatch.setattr(schedule, "_schedule", schedule.NoSchedule())
    response = client.get(course.url)
    assert response.status_code == 200
    assert "Dates and enrollment" not in response.content.decode() and "Toimumisajad" not in response.content.decode()


def test_sitemap_lists_courses_and_programmes(client, site_tree):
    course = factories.CoursePageFactory(slug="sitemap-course")
    programme = factories.ProgrammePageFactory(slug="sitemap-programme")
    draft = factories.CoursePageFactory(slug="sitemap-draft", publish=False)
    draft.unpublish()

    xml = client.get("/sitemap.xml").content.decode()

    assert f"http://localhost{course.url}" in xml
    assert f"http://localhost{programme.url}" in xml
    assert "sitemap-draft" not in xml


def test_api_lists_courses_with_their_fields(client, site_tree):
    course = factories.CoursePageFactory(
        title="Perepesa", academic_hours=Decimal("24"), format="hybrid", language="et",
        provider=factories.ProviderFactory(name="Sotsiaalkindlustusamet"),
        m2m={"topics": [factories.TopicFactory(name="Perede toetamine")],
             "target_groups": [factories.TargetGroupFactory(name="Perekeskuste töötajad")],
             "eligible_counties": [factories.county("Valga maakond")]})
    fields = "summary,academic_hours,format,language,topic_names,target_group_names,provider_name,eligible_county_names"

    response = client.get("/api/v2/pages/", {"type": "courses.CoursePage", "fields": fields})

    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["id"] == course.pk
    assert item["title"] == "Perepesa"
    assert Decimal(item["academic_hours"]) == 24
    assert item["format"] == "hybrid"
    assert item["topic_names"] == ["Perede toetamine"]
    assert item["target_group_names"] == ["Perekeskuste töötajad"]
    assert item["provider_name"] == "Sotsiaalkindlustusamet"
    assert item["eligible_county_names"] == ["Valga maakond"]


def test_api_shows_programme_total_hours(client, site_tree):
    programme = factories.ProgrammePageFactory()
    factories.ProgrammePartFactory(page=programme, course=factories.CoursePageFactory(academic_hours=Decimal("32")))

    response = client.get(f"/api/v2/pages/{programme.pk}/")

    assert Decimal(str(response.json()["total_hours"])) == 32


def test_api_does_not_show_drafts(client, site_tree):
    factories.CoursePageFactory(slug="api-draft", publish=False).unpublish()

    response = client.get("/api/v2/pages/", {"type": "courses.CoursePage"})

    assert response.json()["meta"]["total_count"] == 0


def test_the_course_page_fills_the_certificate_variables_for_someone_attending_in_full(client, site_tree):
    course = factories.CoursePageFactory(
        academic_hours=16,
        certificate_text="Osales koolitusel „{course}“ mahus {attended_hours} akadeemilist tundi {dates}.")
    html = client.get(course.url).content.decode()
    assert f"Osales koolitusel „{course.title}“ mahus 16 akadeemilist tundi." in html
    assert "{attended_hours}" not in html and "{dates}" not in html
