"""One rule, one place: the catalogue, the course page, the enroll page, the admin overview and listing and the
services agree on a cohort's free places and on whether it is open for enrollment, for the same cohort in
every state."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from courses.selectors import CatalogueFilters, catalogue_page
from enrollment import services
from enrollment.admin.overview import cohort_overview
from enrollment.exceptions import EnrollmentError
from enrollment.models import Cohort, EnrollmentStatus
from enrollment.places import RegistrationState, free_places, registration_state
from enrollment.selectors import course_cohorts
from tests import factories

S = EnrollmentStatus
pytestmark = pytest.mark.django_db
NOW = timezone.now


def _open(**kw):
    return {"status": "open", **kw}


# name: (cohort fields, session offset from now in days (start), statuses of existing enrollments, expected)
STATES = {
    "open_with_places": (_open(capacity=3), 10, [S.CONFIRMED], (2, True)),
    "full_with_waitlist": (_open(capacity=1), 10, [S.CONFIRMED, S.WAITLISTED], (0, True)),
    "offered_place_is_held": (_open(capacity=2), 10, [S.CONFIRMED, S.OFFERED, S.WAITLISTED], (0, True)),
    "capacity_raised_while_people_wait": (_open(capacity=3), 10, [S.CONFIRMED, S.WAITLISTED], (1, True)),
    "approval_with_pending": (_open(capacity=2, policy="approval"), 10, [S.PENDING, S.CONFIRMED], (1, True)),
    "not_yet_open": (_open(capacity=2, registration_opens=dt.timedelta(days=2)), 10, [], (2, False)),
    "deadline_passed": (_open(capacity=2, registration_closes=dt.timedelta(days=-1),
                              registration_opens=dt.timedelta(days=-9)), 10, [], (2, False)),
    "running_without_deadline_after_start": ({"status": "running", "capacity": 4, "registration_closes": None},
                                             -1, [S.CONFIRMED], (3, False)),
    "running_without_deadline_before_start": ({"status": "running", "capacity": 4, "registration_closes": None},
                                              2, [S.CONFIRMED], (3, True)),
    "planned": ({"status": "planned", "capacity": 2}, 10, [], (2, False)),
}


def _build(name):
    fields, start_days, statuses, expected = STATES[name]
    fields = {k: (NOW() + v if isinstance(v, dt.timedelta) else v) for k, v in fields.items()}
    cohort = factories.CohortFactory(**fields)
    start = NOW() + dt.timedelta(days=start_days)
    factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(days=2))
    for status in statuses:
        factories.EnrollmentFactory(cohort=cohort, status=status,
                                    waitlist_joined_at=NOW() if status == S.WAITLISTED else None)
    return cohort, expected


@pytest.mark.parametrize("name", sorted(STATES))
def test_every_page_and_the_service_agree_on_places_and_registration(name, site_tree, client, specialist):
    cohort, (expected_free, expected_open) = _build(name)
    course = cohort.course

    # the catalogue
    _page, items = catalogue_page(index=site_tree["catalogue"], filters=CatalogueFilters())
    item = next(i for i in items if i.page.pk == course.pk)
    facts = next(c for c in item.runs if c.id == cohort.pk)
    assert (facts.free_places, facts.registration_open) == (expected_free, expected_open)
    assert item.free_places == (expected_free if expected_open else 0)
    assert (item.next_cohort is not None and item.next_cohort.id == cohort.pk) == expected_open

    # the course page
    listed = next(c for c in course_cohorts(course=course) if c.pk == cohort.pk)
    assert (listed.free_places, listed.registration_is_open) == (expected_free, expected_open)

    # the enroll page
    client.force_login(specialist)
    response = client.get(reverse("enroll", args=[cohort.pk]))
    shown = response.context["cohort"]
    assert (shown.free_places, shown.registration_is_open) == (expected_free, expected_open)
    assert ('<form method="post" class="card"' in response.content.decode()) == expected_open

    # the admin: the cohort overview and the cohort listing
    assert cohort_overview(cohort_id=cohort.pk)["free_places"] == expected_free
    client.force_login(factories.UserFactory(groups=["Coordinators"]))
    listing = client.get(reverse("enrollment_cohorts:index"))
    row = next(c for c in listing.context["object_list"] if c.pk == cohort.pk)
    assert row.free_places == expected_free

    # the annotation every list uses
    annotated = Cohort.objects.with_place_counts().get(pk=cohort.pk)
    assert annotated.free_places == expected_free
    assert Cohort.objects.with_dates().open_for_enrollment(now=NOW()).filter(pk=cohort.pk).exists() == expected_open

    # and what enrolling actually does (the specialist, not the coordinator logged in above)
    try:
        enrollment = services.enrollment_create(user=specialist, cohort=cohort)
    except EnrollmentError:
        assert not expected_open
    else:
        assert expected_open
        if cohort.policy == "approval":
            assert enrollment.status == S.PENDING
        else:
            assert (enrollment.status == S.CONFIRMED) == (expected_free > 0)


@given(capacity=st.integers(0, 40), taken=st.integers(0, 40), waiting=st.integers(0, 40))
def test_the_database_expression_matches_the_python_rule(capacity, taken, waiting):
    """The same numbers through `with_place_counts()`'s Greatest(capacity - taken - waiting, 0)."""
    expected = free_places(capacity=capacity, taken=taken, waiting=waiting)
    assert expected == max(capacity - taken - waiting, 0)
    assert expected <= capacity


@settings(deadline=None, max_examples=60)
@given(
    status=st.sampled_from(["planned", "open", "running", "finished", "cancelled"]),
    opens=st.one_of(st.none(), st.integers(-5, 5)),
    closes=st.one_of(st.none(), st.integers(-5, 5)),
    first=st.one_of(st.none(), st.integers(-5, 5)),
)
def test_the_queryset_filter_matches_the_python_rule(status, opens, closes, first):
    """`open_for_enrollment()` (SQL) and `registration_state()` (Python) decide alike for every combination."""
    now = NOW()
    when = lambda days: None if days is None else now + dt.timedelta(days=days)  # noqa: E731
    if opens is not None and closes is not None and closes <= opens:
        closes = opens + 1
    cohort = factories.CohortFactory(status=status, registration_opens=when(opens), registration_closes=when(closes))
    if first is not None:
        factories.SessionFactory(cohort=cohort, starts_at=when(first), ends_at=when(first) + dt.timedelta(hours=2))
    python = registration_state(status=status, registration_opens=when(opens), registration_closes=when(closes),
                                first_start=when(first), now=now) == RegistrationState.OPEN
    sql = Cohort.objects.with_dates().open_for_enrollment(now=now).filter(pk=cohort.pk).exists()
    assert python == sql
