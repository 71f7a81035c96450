"""The privacy notice: edited in Wagtail (a site setting), shown at /privacy/, linked from the footer, sign-up and
the enroll form; optional fields say they are optional and why they are asked."""

import pytest
from django.urls import reverse

from privacy.notice import PrivacyNotice
from tests import factories

pytestmark = [pytest.mark.django_db]


def test_the_notice_shows_the_controllers_contact(client, site_tree):
    PrivacyNotice.objects.create(
        controller_name="Sotsiaalkindlustusamet", controller_email="info@sotsiaalkindlustusamet.ee",
        body="<p>Töötleme isikuandmeid koolituste korraldamiseks.</p>")
    content = client.get(reverse("privacy_notice")).content.decode()
    assert "Sotsiaalkindlustusamet" in content and "info@sotsiaalkindlustusamet.ee" in content
    assert "Töötleme isikuandmeid" in content


def test_footer_sign_up_and_enroll_form_link_to_it(client, site_tree):
    url = reverse("privacy_notice")
    assert f'href="{url}"' in client.get(reverse("certificate_verify")).content.decode()  # the footer
    assert f'href="{url}"' in client.get(reverse("account_signup")).content.decode()
    cohort = factories.CohortFactory(course=factories.CoursePageFactory(ask_dietary_needs=True))
    factories.SessionFactory(cohort=cohort)
    client.force_login(factories.UserFactory())
    content = client.get(reverse("enroll", args=[cohort.pk])).content.decode()
    assert f'href="{url}"' in content


def test_optional_fields_say_they_are_optional_and_why(client, site_tree):
    content = client.get(reverse("account_signup")).content.decode()
    assert "valikuli" in content.lower() or "optional" in content.lower()
    cohort = factories.CohortFactory(course=factories.CoursePageFactory(ask_dietary_needs=True))
    factories.SessionFactory(cohort=cohort)
    client.force_login(factories.UserFactory())
    content = client.get(reverse("enroll", args=[cohort.pk])).content.decode()
    assert "valikuli" in content.lower() or "optional" in content.lower()


def test_the_profiles_optional_field_says_so_and_why(client):
    client.force_login(factories.UserFactory())
    content = client.get(reverse("profile_edit")).content.decode()
    assert "valikuline" in content.lower() or "optional" in content.lower()
