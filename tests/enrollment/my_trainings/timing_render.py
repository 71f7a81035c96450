"""Render time of "My trainings" for a person with 15 enrollments: a measurement, not part of the suite.

Not collected (the name does not start with test_); run it explicitly and read the printed numbers:
    DATABASE_URL=... .venv/bin/pytest -q -s -p no:cacheprovider tests/enrollment/my_trainings/timing_render.py
Times are CPU time of this process (time.process_time: other processes on a shared machine do not count),
and are never asserted; the asserts only check that the page shows what was measured.
With MY_TRAININGS_SNAPSHOT=/path the list's HTML (ids normalised) is written there, to compare two versions.
"""

import datetime as dt
import os
import re
import statistics
import time
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests import factories

pytestmark = pytest.mark.django_db
ROUNDS = int(os.environ.get("MY_TRAININGS_ROUNDS", "300"))


def _aware(*args) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def fifteen_enrollments(user) -> None:
    """Ten upcoming (three sessions each: a venue, online, one cancelled), two past with marks, one pending,
    one waitlisted and one cancelled: every kind of card and both progress bar variants."""
    venue = factories.VenueFactory(name="Võru Kultuurimaja", address="Liiva 13, Võru")
    for n in range(10):
        cohort = factories.CohortFactory(course=factories.CoursePageFactory(academic_hours=Decimal("16")),
                                         title=f"Rühm {n}", capacity=20)
        first = _aware(2027, 2, 1 + n, 10)
        factories.SessionFactory(cohort=cohort, starts_at=first, ends_at=first + dt.timedelta(hours=6), venue=venue,
                                 title="Sissejuhatus")
        factories.SessionFactory(cohort=cohort, starts_at=first + dt.timedelta(days=7),
                                 ends_at=first + dt.timedelta(days=7, hours=6), online_url="https://meet.example.ee/x")
        factories.SessionFactory(cohort=cohort, starts_at=first + dt.timedelta(days=14),
                                 ends_at=first + dt.timedelta(days=14, hours=6), status="cancelled")
        factories.EnrollmentFactory(user=user, cohort=cohort, status="confirmed")
    for n in range(2):
        cohort = factories.CohortFactory(course=factories.CoursePageFactory(academic_hours=Decimal("16")))
        first = _aware(2026, 9, 1 + n, 10)
        held = factories.SessionFactory(cohort=cohort, starts_at=first, ends_at=first + dt.timedelta(hours=6),
                                        mandatory=True)
        factories.SessionFactory(cohort=cohort, starts_at=first + dt.timedelta(days=7),
                                 ends_at=first + dt.timedelta(days=7, hours=6), mandatory=True)
        enrollment = factories.EnrollmentFactory(user=user, cohort=cohort, status="completed" if n else "confirmed")
        factories.AttendanceFactory(enrollment=enrollment, session=held, status="present")
    for status in ("pending", "waitlisted", "cancelled"):
        cohort = factories.CohortFactory(course=factories.CoursePageFactory())
        factories.SessionFactory(cohort=cohort, starts_at=_aware(2027, 5, 4, 9), ends_at=_aware(2027, 5, 4, 15))
        factories.EnrollmentFactory(user=user, cohort=cohort, status=status)


def _selector():
    try:
        from enrollment.my_trainings.selectors import my_trainings
    except ImportError:  # before the package existed
        from enrollment.selectors import my_trainings
    return my_trainings


def _ms(samples) -> str:
    samples = sorted(samples)
    return (f"median {statistics.median(samples) * 1000:.2f} ms, mean {statistics.fmean(samples) * 1000:.2f} ms, "
            f"p90 {samples[int(len(samples) * 0.9)] * 1000:.2f} ms")


def test_time_my_trainings_render(site_tree, specialist, settings):
    settings.OSKUS_MY_TRAININGS_CACHE = False
    fifteen_enrollments(specialist)
    client = Client()
    client.force_login(specialist)
    url = reverse("my_trainings")
    html = client.get(url).content.decode()  # warms the template loader, the memoised dates and the site lookup
    assert html.count('class="card enrollment') == 14 and html.count("att-progress-text") == 12

    page = []
    for _ in range(ROUNDS):
        started = time.process_time()
        client.get(url)
        page.append(time.process_time() - started)

    trainings = _selector()(user=specialist)
    with translation.override("et"), timezone.override("Europe/Tallinn"):
        listed = render_to_string("enrollment/includes/my_trainings_list.html", {"trainings": trainings})
        rendering = []
        for _ in range(ROUNDS):
            started = time.process_time()
            render_to_string("enrollment/includes/my_trainings_list.html", {"trainings": trainings})
            rendering.append(time.process_time() - started)
    print(f"\nMy trainings, 15 enrollments, {ROUNDS} rounds (uncached), CPU time:")
    print(f"  whole page (test client, queries included): {_ms(page)}")
    print(f"  list template only (render_to_string):       {_ms(rendering)}")
    if path := os.environ.get("MY_TRAININGS_SNAPSHOT"):
        normalised = re.sub(r'(data-enrollment="|my-trainings/)\d+', r"\1N", listed)
        with open(path, "w") as out:
            out.write(normalised)
