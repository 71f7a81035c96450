"""Whole-page translations (wagtail-localize): /en/ and /ru/ pages wholly in their language, a visible fallback to
Estonian, cohorts and enrollment always on the source page, the admin workflow, SEO alternates and query counts."""

import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale

from courses import caching
from courses.pages import CoursePage
from courses.translation import display_pages, source_ids
from enrollment.models import Enrollment
from tests import factories
from tests.courses.conftest import cohort_with_session, quick_course

pytestmark = pytest.mark.django_db

FAQ_ET = [("faq", {"heading": "Korduma kippuvad küsimused", "items": [
    {"question": "Kas koolitus on tasuta?", "answer": "<p>Jah, osalejale tasuta.</p>"}]})]
TEXTS = {
    "en": {"title": "Mental health of older people", "summary": "Recognising depression in older people.",
           "goals": "<ul><li>recognise depression early</li></ul>",
           "outcomes": "<ul><li>the participant can draw up a support plan</li></ul>",
           "body": [("faq", {"heading": "Frequently asked questions", "items": [
               {"question": "Is the training free?", "answer": "<p>Yes, free for participants.</p>"}]})]},
    "ru": {"title": "Психическое здоровье пожилых людей", "summary": "Как заметить депрессию у пожилых людей.",
           "goals": "<ul><li>замечать депрессию на ранней стадии</li></ul>",
           "outcomes": "<ul><li>участник умеет составить план поддержки</li></ul>",
           "body": [("faq", {"heading": "Часто задаваемые вопросы", "items": [
               {"question": "Бесплатно ли обучение?", "answer": "<p>Да, для участников бесплатно.</p>"}]})]},
}


def locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def translate(page, code: str, **fields):
    """A published translation of the page (its parents copied too, and published)."""
    translated = page.get_translation_or_none(locale(code))
    if translated is None:
        translated = page.copy_for_translation(locale(code), copy_parents=True)
    translated = translated.specific
    for key, value in fields.items():
        setattr(translated, key, value)
    translated.save_revision().publish()
    return CoursePage.objects.get(pk=translated.pk) if isinstance(translated, CoursePage) else translated


@pytest.fixture
def course(site_tree):
    topic = factories.TopicFactory(name="Vaimne tervis", slug="mental-health")
    for code, name in (("en", "Mental health"), ("ru", "Психическое здоровье")):
        copy = topic.copy_for_translation(locale(code))
        copy.name = name
        copy.save()
    return factories.CoursePageFactory(
        title="Eakate vaimne tervis", slug="eakate-vaimne-tervis", summary="Kuidas märgata eaka depressiooni.",
        goals="<ul><li>märgata depressiooni varakult</li></ul>",
        outcomes="<ul><li>osaleja oskab koostada toetusplaani</li></ul>", body=FAQ_ET,
        m2m={"topics": [topic]})


@pytest.mark.parametrize("code", ["en", "ru"])
def test_translated_course_page_shows_translated_title_goals_outcomes_faq_and_topics(client, course, code):
    translated = translate(course, code, **TEXTS[code])

    response = client.get(f"/{code}/koolitused/eakate-vaimne-tervis/")

    assert response.status_code == 200
    assert response.context_data["page"].pk == translated.pk
    html = response.content.decode()
    assert f'<html lang="{code}">' in html
    texts = TEXTS[code]
    for needle in (texts["title"], texts["summary"], texts["goals"], texts["outcomes"],
                   texts["body"][0][1]["heading"], texts["body"][0][1]["items"][0]["question"]):
        assert needle in html
    assert {"en": "Mental health", "ru": "Психическое здоровье"}[code] in html
    for estonian in ("Eakate vaimne tervis", "märgata depressiooni", "Korduma kippuvad", "Vaimne tervis"):
        assert estonian not in html
    assert "translation-note" not in html
    # hreflang alternates: the Estonian source (also x-default) and this translation
    assert 'hreflang="et" href="http://localhost/koolitused/eakate-vaimne-tervis/"' in html
    assert f'hreflang="{code}" href="http://localhost/{code}/koolitused/eakate-vaimne-tervis/"' in html
    assert 'hreflang="x-default" href="http://localhost/koolitused/eakate-vaimne-tervis/"' in html


@pytest.mark.parametrize(("code", "note"), [
    ("en", "This page is not yet available in English; shown in Estonian."),
    ("ru", "Эта страница пока недоступна на русском языке; показана на эстонском."),
])
def test_a_page_without_translation_is_shown_in_estonian_with_a_note(client, course, code, note):
    other = factories.CoursePageFactory(title="Tõlkimata kursus", slug="tolkimata")
    translate(course, code, **TEXTS[code])  # the home page and the catalogue exist in this language

    response = client.get(f"/{code}/koolitused/tolkimata/")

    assert response.status_code == 200
    assert response.context_data["page"].pk == other.pk
    html = response.content.decode()
    assert "Tõlkimata kursus" in html
    assert 'class="notice translation-note"' in html
    assert note in html


def test_the_note_and_no_translation_before_the_tree_exists(client, course):
    response = client.get("/ru/koolitused/eakate-vaimne-tervis/")

    assert response.status_code == 200
    assert response.context_data["page"].pk == course.pk
    assert response.context_data["translation_missing"] is True
    assert "translation-note" in response.content.decode()
    assert client.get("/koolitused/eakate-vaimne-tervis/").context_data["translation_missing"] is False


def test_an_unpublished_translation_is_not_shown(client, course):
    draft = course.copy_for_translation(locale("en"), copy_parents=True)
    draft.title = "Draft title"
    draft.save_revision()

    html = client.get("/en/koolitused/eakate-vaimne-tervis/").content.decode()

    assert "Draft title" not in html and "Eakate vaimne tervis" in html and "translation-note" in html


def test_enrolling_from_the_russian_course_page_enrolls_in_the_source_pages_cohort(client, course, specialist):
    russian = translate(course, "ru", **TEXTS["ru"])
    cohort = cohort_with_session(course, days=20)
    client.force_login(specialist)

    page = client.get("/ru/koolitused/eakate-vaimne-tervis/")
    html = page.content.decode()
    enroll_url = f"/ru/enroll/{cohort.pk}/"
    assert page.context_data["page"].pk == russian.pk
    assert f'href="{enroll_url}"' in html

    form = client.get(enroll_url)
    assert TEXTS["ru"]["title"] in form.content.decode()  # the course as the visitor reads it
    response = client.post(enroll_url, {"agree": "on"})
    assert response.status_code == 302, response.content.decode().split("<main")[1][:3000]
    enrollment = Enrollment.objects.get(user=specialist)
    assert enrollment.cohort.course_id == course.pk  # the Estonian source page
    assert enrollment.language == "ru"
    my = client.get("/ru/my-trainings/").content.decode()
    assert TEXTS["ru"]["title"] in my


def test_a_cohort_chosen_on_a_translation_belongs_to_the_source(course):
    english = translate(course, "en", **TEXTS["en"])
    cohort = factories.CohortFactory(course=english)

    cohort.full_clean()

    assert cohort.course.pk == course.pk
    assert source_ids([english.pk, course.pk]) == {english.pk: course.pk, course.pk: course.pk}


def test_a_russian_participants_email_names_the_russian_course_page(course, specialist):
    from enrollment.emails import build_message

    translate(course, "ru", **TEXTS["ru"])
    cohort = cohort_with_session(course, days=20)
    enrollment = factories.EnrollmentFactory(cohort=cohort, user=specialist, status="confirmed", language="ru")

    message = build_message("confirmation", enrollment)

    assert TEXTS["ru"]["title"] in message.subject and TEXTS["ru"]["title"] in message.body
    assert message.subject.endswith(f"Ваше место подтверждено: {TEXTS['ru']['title']}")
    assert "Здравствуйте, Mari Mägi!" in message.body  # the interface text in Russian too
    assert message.extra_headers["Content-Language"] == "ru"
    assert mail.outbox == []


@pytest.mark.parametrize("code", ["en", "ru"])
def test_catalogue_lists_every_source_page_in_the_visitors_language(client, course, code):
    translate(course, code, **TEXTS[code])
    factories.CoursePageFactory(title="Tõlkimata kursus", slug="tolkimata")

    response = client.get(f"/{code}/koolitused/")

    items = {item.page.title: item for item in response.context["items"]}
    assert set(items) == {TEXTS[code]["title"], "Tõlkimata kursus"}
    assert items["Tõlkimata kursus"].translation_missing is True
    assert items[TEXTS[code]["title"]].translation_missing is False
    html = response.content.decode()
    assert f'href="/{code}/koolitused/tolkimata/"' in html  # the visitor stays in their language
    assert f'href="/{code}/koolitused/eakate-vaimne-tervis/"' in html
    # the filter's topics in the visitor's language, by the source's slug
    assert re.search(r'<option value="mental-health"[^>]*>(Mental health|Психическое здоровье)</option>', html)
    filtered = client.get(f"/{code}/koolitused/", {"topic": "mental-health"})
    assert [item.source.pk for item in filtered.context["items"]] == [course.pk]
    searched = client.get(f"/{code}/koolitused/", {"q": TEXTS[code]["title"].split()[0]})
    assert [item.source.pk for item in searched.context["items"]] == [course.pk]


def test_programme_translation_has_translated_parts_pointing_at_source_courses(client, course):
    programme = factories.ProgrammePageFactory(title="Arenguprogramm", slug="arenguprogramm")
    factories.ProgrammePartFactory(page=programme, course=course, sort_order=0)
    factories.ProgrammePartFactory(page=programme, course=None, kind="study_trip", title="Õppereis",
                                   academic_hours=8, sort_order=1)
    programme.save_revision().publish()
    translate(course, "en", **TEXTS["en"])
    english = translate(programme, "en", title="Development programme")
    parts = list(english.specific.parts.order_by("sort_order"))
    parts[1].title = "Study trip"
    parts[1].save()
    assert parts[0].course_id == course.pk

    html = client.get("/en/koolitused/arenguprogramm/").content.decode()

    assert "Development programme" in html and "Study trip" in html
    assert f'<a href="/en/koolitused/eakate-vaimne-tervis/">{TEXTS["en"]["title"]}</a>' in html


def test_home_page_cards_in_the_visitors_language(client, course):
    translate(course, "en", **TEXTS["en"])
    factories.CoursePageFactory(title="Tõlkimata kursus", slug="tolkimata")

    html = client.get("/en/").content.decode()

    assert TEXTS["en"]["title"] in html and "Tõlkimata kursus" in html
    assert 'href="/en/koolitused/tolkimata/"' in html


def test_sitemap_lists_translations_with_alternates(client, course):
    translate(course, "en", **TEXTS["en"])

    xml = client.get("/sitemap.xml").content.decode()

    assert "<loc>http://localhost/en/koolitused/eakate-vaimne-tervis/</loc>" in xml
    assert "<loc>http://localhost/koolitused/eakate-vaimne-tervis/</loc>" in xml
    assert 'hreflang="en" href="http://localhost/en/koolitused/eakate-vaimne-tervis/"' in xml


@override_settings(OSKUS_PAGE_CACHE=True)
def test_a_cohort_change_makes_every_language_version_stale(course, django_capture_on_commit_callbacks):
    english = translate(course, "en", **TEXTS["en"])
    programme = factories.ProgrammePageFactory(slug="arenguprogramm")
    factories.ProgrammePartFactory(page=programme, course=course)
    translate(programme, "en")

    paths = caching.paths_showing_courses([course.pk])

    assert {"/koolitused/eakate-vaimne-tervis/", "/koolitused/arenguprogramm/", "/koolitused/"} <= paths
    assert caching.paths_showing_courses([english.pk]) == paths


def test_query_counts_of_translated_catalogue_and_course_page_do_not_grow_with_rows(
        client, catalogue, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    topic = factories.TopicFactory(slug="t")
    english_topic = topic.copy_for_translation(locale("en"))
    english_topic.name = "Topic"
    english_topic.save()
    provider = factories.ProviderFactory()

    def add(start, stop):
        for n in range(start, stop):
            page = quick_course(catalogue, n, provider=provider, m2m={"topics": [topic]})
            if n % 2:
                copy = page.copy_for_translation(locale("en"), copy_parents=True)
                copy.title = f"Course {n:04d}"
                copy.save_revision().publish()
            if n % 5 == 0:
                cohort_with_session(page, days=10 + n)
        return page

    course = add(0, 4)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = ["/en/koolitused/", "/en/koolitused/?topic=t", f"/en{course.url}", "/en/"]
    [count(url) for url in urls]  # warm: the locales and the catalogue's address are remembered
    small = [count(url) for url in urls]
    add(4, 30)
    large = [count(url) for url in urls]

    assert large == small


def test_display_pages_reads_translations_in_one_query(course, django_assert_num_queries):
    translate(course, "en", **TEXTS["en"])
    others = [factories.CoursePageFactory() for _ in range(3)]

    with translation.override("en"), django_assert_num_queries(2):  # the pages, and their specific rows
        shown = display_pages([course, *others])

    assert shown[course.pk].title == TEXTS["en"]["title"]
    assert [shown[p.pk].pk for p in others] == [p.pk for p in others]


def test_coordinator_translates_a_page_in_wagtail_localize_and_publishes_it(
        client, coordinator, course, django_capture_on_commit_callbacks):
    from wagtail.users.models import UserProfile
    from wagtail_localize.models import StringSegment, Translation

    from courses.permissions import ensure_coordinator_page_permissions

    ensure_coordinator_page_permissions()
    UserProfile.objects.update_or_create(user=coordinator, defaults={"preferred_language": "en"})
    client.force_login(coordinator)
    english = locale("en")

    # An administrator has made the English home page and catalogue (once, like the Estonian ones).
    index = course.get_parent().specific
    english_index = index.copy_for_translation(english, copy_parents=True)
    english_index.title = "Trainings"
    english_index.save_revision().publish()

    # 1. The coordinator translates the course: wagtail-localize's "Translate" view.
    response = client.post(reverse("wagtail_localize:submit_page_translation", args=[course.pk]),
                           {"locales": [english.pk]})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert course.get_translation_or_none(english) is not None, (
        response["Location"], [str(m) for m in response.wsgi_request._messages])
    translated = course.get_translation(english)
    assert not translated.live  # a translation starts as a draft: nothing half-Estonian goes public
    assert client.get("/en/koolitused/eakate-vaimne-tervis/").context_data["page"].pk == course.pk

    # 2. The translation editor: what is untranslated, then each string translated.
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[translated.pk]))
    assert editor.status_code == 200
    job = Translation.objects.get(source__object_id=course.translation_key, target_locale=english)
    assert job.get_progress()[1] == 0  # nothing translated yet
    wanted = {"Eakate vaimne tervis": TEXTS["en"]["title"],
              "Kuidas märgata eaka depressiooni.": TEXTS["en"]["summary"],
              "märgata depressiooni varakult": "recognise depression early",
              "osaleja oskab koostada toetusplaani": "the participant can draw up a support plan",
              "Korduma kippuvad küsimused": "Frequently asked questions",
              "Kas koolitus on tasuta?": "Is the training free?",
              "Jah, osalejale tasuta.": "Yes, free for participants."}
    for segment in StringSegment.objects.filter(source=job.source).select_related("string"):
        text = wanted.get(segment.string.data, segment.string.data)
        url = reverse("wagtail_localize:edit_string_translation", args=[job.pk, segment.pk])
        answer = client.put(url, urlencode({"value": text}), content_type="application/x-www-form-urlencoded")
        assert answer.status_code in (200, 201), answer.content
    assert job.get_progress()[0] == job.get_progress()[1]

    # 3. Publish from the translation editor.
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes after the commit
        response = client.post(reverse("wagtailadmin_pages:edit", args=[translated.pk]), {"action": "publish"})
    assert response.status_code == 302
    translated = CoursePage.objects.get(pk=translated.pk)
    assert translated.live and translated.title == TEXTS["en"]["title"], (
        response["Location"], [str(m) for m in response.wsgi_request._messages], translated.live, translated.title)

    client.logout()
    html = client.get("/en/koolitused/eakate-vaimne-tervis/").content.decode()
    assert TEXTS["en"]["title"] in html and "Frequently asked questions" in html and "translation-note" not in html
