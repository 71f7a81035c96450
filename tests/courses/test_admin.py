"""Coordinators in the Wagtail admin: publish courses and programmes; bad input is refused, nothing published."""

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses.pages import CoursePage, ProgrammePage
from courses.permissions import COORDINATOR_PAGE_PERMISSIONS, ensure_coordinator_page_permissions
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, coordinator, site_tree):
    """A coordinator who uses the Wagtail admin in English (the messages asserted are the English ones)."""
    from wagtail.users.models import UserProfile

    ensure_coordinator_page_permissions()
    UserProfile.objects.update_or_create(user=coordinator, defaults={"preferred_language": "en"})
    client.force_login(coordinator)
    return client


def add_url(model: str, parent: Page) -> str:
    return reverse("wagtailadmin_pages:add", args=("courses", model, parent.pk))


def course_data(**overrides) -> dict:
    topic = factories.TopicFactory(slug="mental-health")
    group = factories.TargetGroupFactory(slug="social-workers")
    provider = factories.ProviderFactory(name="Sotsiaalkindlustusamet")
    data = {
        "title": "Eakate vaimne tervis",
        "slug": "eakate-vaimne-tervis",
        "summary": "Kuidas märgata eaka inimese depressiooni.",
        "goals": rich_text("<p>Märgata ja toetada.</p>"),
        "outcomes": rich_text("<p>Osaleja oskab märgata.</p>"),
        "prerequisites": rich_text(""),
        "academic_hours": "32",
        "format": "in_person",
        "language": "et",
        "provider": provider.pk,
        "funding": "Euroopa Sotsiaalfond+",
        "funding_share": "85",
        "certificate_text": "Läbis 32-tunnise koolituse.",
        "completion_min_percent": "80",
        "qualification_validity_months": "36",
        "ask_accessibility_needs": "on",
        "body": streamfield([("paragraph", rich_text("<p>Koolituse sisu.</p>"))]),
        "action-publish": "action-publish",
    }
    data.update(overrides)
    data = nested_form_data(data)
    data.update({"topics": [topic.pk], "target_groups": [group.pk]})
    return data


def test_coordinators_get_page_permissions_on_every_catalogue_and_nothing_above(site_tree):
    ensure_coordinator_page_permissions()
    ensure_coordinator_page_permissions()  # idempotent

    group = Group.objects.get(name="Coordinators")
    rows = GroupPagePermission.objects.filter(group=group)
    assert {r.page_id for r in rows} == {site_tree["catalogue"].pk}
    assert sorted(r.permission.codename for r in rows) == sorted(COORDINATOR_PAGE_PERMISSIONS)


def test_coordinator_creates_and_publishes_a_course_with_all_fields(admin_client, site_tree):
    catalogue = site_tree["catalogue"]

    response = admin_client.post(add_url("coursepage", catalogue), course_data())

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = CoursePage.objects.get(slug="eakate-vaimne-tervis")
    assert page.live
    assert page.academic_hours == 32
    assert page.provider.name == "Sotsiaalkindlustusamet"
    assert [t.slug for t in page.topics.all()] == ["mental-health"]
    assert page.body[0].block_type == "paragraph"
    assert page.revisions.count() == 1


def test_coordinator_can_save_a_draft_and_schedule_publishing(admin_client, site_tree):
    catalogue = site_tree["catalogue"]
    go_live = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    data = course_data(go_live_at=go_live)

    response = admin_client.post(add_url("coursepage", catalogue), data)

    assert response.status_code == 302
    page = CoursePage.objects.get(slug="eakate-vaimne-tervis")
    assert not page.live  # scheduled, not yet published
    assert page.scheduled_revision is not None or page.revisions.filter(approved_go_live_at__isnull=False).exists()


def test_coordinator_previews_a_course(admin_client, site_tree):
    catalogue = site_tree["catalogue"]
    url = reverse("wagtailadmin_pages:preview_on_add", args=("courses", "coursepage", catalogue.pk))
    data = course_data()

    posted = admin_client.post(url, data)
    shown = admin_client.get(url)

    assert posted.json()["is_valid"] is True
    assert shown.status_code == 200
    assert "Eakate vaimne tervis" in shown.content.decode()
    assert not CoursePage.objects.filter(slug="eakate-vaimne-tervis").exists()


def test_coordinator_cannot_edit_the_home_page(admin_client, site_tree):
    home = site_tree["home"]

    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=(home.pk,)))

    assert response.status_code in (302, 403)
    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=(home.pk,)),
                                 {"title": "Hacked", "slug": home.slug, "action-publish": "action-publish"})
    home.refresh_from_db()
    assert home.title == "Oskus"


def test_a_specialist_cannot_reach_the_admin(client, specialist, site_tree):
    client.force_login(specialist)

    response = client.get(add_url("coursepage", site_tree["catalogue"]))

    assert response.status_code in (302, 403)
    assert not CoursePage.objects.exists()


@pytest.mark.parametrize("hours", ["-4", "0"])
def test_non_positive_hours_are_refused_and_nothing_is_published(admin_client, site_tree, hours):
    response = admin_client.post(add_url("coursepage", site_tree["catalogue"]), course_data(academic_hours=hours))

    assert response.status_code == 200
    assert "Academic hours must be positive." in response.content.decode()
    assert not CoursePage.objects.filter(slug="eakate-vaimne-tervis").exists()


def test_a_course_cannot_qualify_trainers_for_itself(admin_client, site_tree):
    course = factories.CoursePageFactory(title="Turvavõrgustik", slug="turvavorgustik")
    data = course_data(title=course.title, slug=course.slug, qualifies_for=course.pk)

    response = admin_client.post(reverse("wagtailadmin_pages:edit", args=(course.pk,)), data)

    assert response.status_code == 200
    assert "A course cannot qualify trainers for itself." in response.content.decode()
    course.refresh_from_db()
    assert course.qualifies_for_id is None
    assert course.live_revision.as_object().qualifies_for_id is None


def test_a_slug_clash_is_refused_with_a_message(admin_client, site_tree):
    factories.CoursePageFactory(title="Olemas", slug="eakate-vaimne-tervis")

    response = admin_client.post(add_url("coursepage", site_tree["catalogue"]), course_data())

    assert response.status_code == 200
    assert "is already in use within the parent page" in response.content.decode()
    assert CoursePage.objects.filter(slug="eakate-vaimne-tervis").count() == 1


def programme_data(parts, **overrides) -> dict:
    data = {
        "title": "Kagu-Eesti arenguprogramm",
        "slug": "kagu-eesti",
        "summary": "Programm Kagu-Eesti spetsialistidele.",
        "intro": rich_text(""),
        "funding": "",
        "parts": inline_formset(parts),
        "body": streamfield([]),
        "action-publish": "action-publish",
    }
    data.update(overrides)
    return nested_form_data(data)


def test_coordinator_publishes_a_programme_and_its_total_is_the_sum_of_the_parts(admin_client, site_tree):
    course = factories.CoursePageFactory(academic_hours=32)
    parts = [
        {"kind": "course", "course": course.pk, "title": "", "academic_hours": "", "description": "",
         "counts_towards_total": "on"},
        {"kind": "study_trip", "course": "", "title": "Õppereis", "academic_hours": "8", "description": "",
         "counts_towards_total": "on"},
        {"kind": "counselling", "course": "", "title": "Nõustamine", "academic_hours": "", "description": ""},
    ]

    response = admin_client.post(add_url("programmepage", site_tree["catalogue"]), programme_data(parts))

    assert response.status_code == 302
    programme = ProgrammePage.objects.get(slug="kagu-eesti")
    assert programme.live
    assert [p.display_title for p in programme.parts.order_by("sort_order")] == [course.title, "Õppereis",
                                                                                 "Nõustamine"]
    assert programme.total_hours == 40


def test_an_empty_programme_is_refused_and_nothing_is_published(admin_client, site_tree):
    response = admin_client.post(add_url("programmepage", site_tree["catalogue"]), programme_data([]))

    assert response.status_code == 200
    assert not ProgrammePage.objects.exists()


def test_a_programme_part_with_negative_hours_is_refused(admin_client, site_tree):
    parts = [{"kind": "info_seminar", "course": "", "title": "Infopäev", "academic_hours": "-2",
              "description": "", "counts_towards_total": "on"}]

    response = admin_client.post(add_url("programmepage", site_tree["catalogue"]), programme_data(parts))

    assert response.status_code == 200
    assert "Academic hours must be positive." in response.content.decode()
    assert not ProgrammePage.objects.exists()


def test_an_activity_part_needs_a_title(admin_client, site_tree):
    parts = [{"kind": "study_trip", "course": "", "title": "", "academic_hours": "8", "description": ""}]

    response = admin_client.post(add_url("programmepage", site_tree["catalogue"]), programme_data(parts))

    assert response.status_code == 200
    assert "Give the activity a title." in response.content.decode()
    assert not ProgrammePage.objects.exists()


def test_a_scheduled_course_goes_live_when_publish_scheduled_runs(admin_client, site_tree):
    from django.core.management import call_command

    go_live = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    admin_client.post(add_url("coursepage", site_tree["catalogue"]), course_data(go_live_at=go_live))
    page = CoursePage.objects.get(slug="eakate-vaimne-tervis")
    assert not page.live
    later = timezone.now() + dt.timedelta(days=3)

    with mock.patch("django.utils.timezone.now", return_value=later):  # three days pass
        call_command("publish_scheduled")

    page.refresh_from_db()
    assert page.live
