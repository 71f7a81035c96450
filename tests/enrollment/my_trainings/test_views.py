"""The "My trainings" page: grouping, constant queries, and the markup of its session lists and hours bars."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enrollment import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(site_tree):
    course = factories.CoursePageFactory(ask_dietary_needs=True, ask_supervisor=True, title="Lapse heaolu hindamine")
    cohort = factories.CohortFactory(course=course, capacity=1, code="lhh-2026-tartu", title="Tartu")
    factories.SessionFactory(cohort=cohort, venue=factories.VenueFactory())
    return cohort


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def valid_answers(**extra):
    return {"dietary_needs": "taimetoit", "supervisor_name": "Kalle Kask", "supervisor_email": "kalle@example.ee",
            "agree": "on", **extra}


def test_my_trainings_groups_enrollments_with_constant_queries(cohort, specialist, django_assert_max_num_queries):
    client = logged_in(specialist)
    client.post(reverse("enroll", args=[cohort.pk]), valid_answers())
    with django_assert_max_num_queries(12):
        first = client.get(reverse("my_trainings"))
    assert "Lapse heaolu hindamine" in first.content.decode()
    for _ in range(4):
        other = factories.CohortFactory(capacity=0)
        factories.SessionFactory(cohort=other)
        factories.SessionFactory(cohort=other, starts_at=timezone.now() + dt.timedelta(days=30))
        services.enrollment_create(user=specialist, cohort=other, answers={})
    with django_assert_max_num_queries(12):
        response = client.get(reverse("my_trainings"))
    html = response.content.decode()
    assert html.count("enrollment-waitlisted") == 4
    assert html.count("enrollment-confirmed") == 1




def _aware(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def _between_tags(html: str) -> str:
    """Whitespace between tags is not content: templates may lay their markup out on several lines."""
    return re.sub(r">\s+<", "><", html).strip()


@pytest.fixture
def running(site_tree, specialist):
    """A running cohort: one mandatory session held and missed, one attended, one still to come online."""
    cohort = factories.CohortFactory(course=factories.CoursePageFactory(title="Traumateadlik suhtlus"),
                                     title="Võru", status="running")
    venue = factories.VenueFactory(name="Võru Kultuurimaja", address="Liiva 13, Võru")
    held = (timezone.now() - dt.timedelta(days=9)).replace(second=0, microsecond=0)
    missed = factories.SessionFactory(cohort=cohort, venue=venue, title="Sissejuhatus", mandatory=True,
                                      starts_at=held, ends_at=held + dt.timedelta(minutes=6 * 45))
    attended = factories.SessionFactory(cohort=cohort, venue=venue, starts_at=held + dt.timedelta(days=7),
                                        ends_at=held + dt.timedelta(days=7, minutes=6 * 45))
    factories.SessionFactory(cohort=cohort, online_url="https://meet.example.ee/x",
                             starts_at=_aware(2027, 3, 4, 10), ends_at=_aware(2027, 3, 4, 13, 30))
    enrollment = factories.EnrollmentFactory(user=specialist, cohort=cohort, status="confirmed")
    factories.AttendanceFactory(enrollment=enrollment, session=attended, status="present")
    return {"enrollment": enrollment, "missed": missed, "attended": attended}


def test_the_hours_bar_and_the_session_list_keep_their_markup(running, specialist):
    """The same HTML (and the same accessibility: the bar is hidden, the text says it all) as before the
    markup moved from Python into templates."""
    html = logged_in(specialist).get(reverse("my_trainings")).content.decode()
    card = _between_tags(html.split(f'data-enrollment="{running["enrollment"].pk}">')[1].split("</article>")[0])
    missed, attended = running["missed"], running["attended"]

    def local(moment, fmt):
        return timezone.localtime(moment).strftime(fmt)

    assert ('<div class="att-progress"><p class="att-progress-text">6 / 16 t osaletud (37,5 %, vaja 80 %)</p>'
            '<div class="att-bar" aria-hidden="true"><svg viewBox="0 0 100 1" preserveAspectRatio="none" '
            'focusable="false"><rect width="37" height="1"></rect></svg></div>'
            '<p class="muted">1 kohustuslik õppesessioon jäi vahele</p></div>') in card
    assert ('<ul class="session-list">'
            f'<li><time datetime="{timezone.localtime(missed.starts_at).isoformat()}">') in card
    assert (f'–<time datetime="{timezone.localtime(missed.ends_at).isoformat()}">{local(missed.ends_at, "%H:%M")}'
            '</time> · Sissejuhatus<br><span class="muted">Võru Kultuurimaja, Liiva 13, Võru</span></li>') in card
    assert (f'{local(attended.ends_at, "%H:%M")}</time>'
            '<br><span class="muted">Võru Kultuurimaja, Liiva 13, Võru</span></li>') in card
    assert ('<li><time datetime="2027-03-04T10:00:00+02:00">neljap. 4. märts 2027, 10:00</time>–'
            '<time datetime="2027-03-04T13:30:00+02:00">13:30</time><br><span class="muted">Veebis</span></li></ul>'
            ) in card


def test_a_cohort_without_dates_says_they_will_be_announced(site_tree, specialist):
    factories.EnrollmentFactory(user=specialist, cohort=factories.CohortFactory(), status="pending")
    html = logged_in(specialist).get(reverse("my_trainings")).content.decode()
    assert '<p class="muted">Toimumisajad teatatakse peagi.</p>' in html


def test_template_authors_change_the_session_list_and_the_hours_bar_in_templates(running, specialist, settings,
                                                                                 tmp_path):
    """Both are templates under enrollment/templates/enrollment/includes/, so a site may override them."""
    includes = tmp_path / "enrollment" / "includes"
    includes.mkdir(parents=True)
    (includes / "session_list.html").write_text(
        "{% for s in sessions %}<p class=\"custom-session\">{{ s.title|default:'–' }}</p>{% endfor %}")
    (includes / "attendance_progress.html").write_text(
        '<p class="custom-hours">{{ progress.attended_display }}/{{ progress.total_display }}</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    html = logged_in(specialist).get(reverse("my_trainings")).content.decode()

    assert '<p class="custom-hours">6/16</p>' in html
    assert html.count('class="custom-session"') == 3 and '<p class="custom-session">Sissejuhatus</p>' in html
    assert "session-list" not in html and "att-bar" not in html
