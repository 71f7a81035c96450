"""Enrollment's side of the course schedule hook (courses/schedule.py): the dated runs of a course, their
places and the cohort list of the course page, from the one place rule (places.py).

Registered in EnrollmentConfig.ready; courses calls it without importing this app.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse

from courses.schedule import CohortFacts, CoursePageCohorts
from courses.translation import source_page

from .models import Cohort, Session
from .places import RegistrationState, registration_state
from .selectors import course_cohorts
from .statuses import SessionStatus


def _first_session_venue(field: str) -> Subquery:
    first = (Session.objects.filter(cohort=OuterRef("pk"), venue__isnull=False).exclude(status=SessionStatus.CANCELLED)
             .order_by("starts_at").values(f"venue__{field}")[:1])
    return Subquery(first)


def _is_open(row: dict, now: dt.datetime) -> bool:
    return registration_state(status=row["status"], registration_opens=row["registration_opens"],
                              registration_closes=row["registration_closes"], first_start=row["first_start"],
                              now=now) == RegistrationState.OPEN


class EnrollmentCourseSchedule:
    """Implements courses.schedule.CourseSchedule."""

    def cohort_facts(self, *, course_ids, now):
        # course_ids: source (Estonian) course pages, which cohorts point at (courses.translation.source_ids).
        ids = list(course_ids)
        result: dict[int, list[CohortFacts]] = {}
        if not ids:
            return result
        rows = (Cohort.objects.filter(course_id__in=ids).with_place_counts().with_dates().upcoming(now=now)
                .annotate(venue_name=_first_session_venue("name"), venue_address=_first_session_venue("address"))
                .values("id", "course_id", "code", "title", "status", "registration_opens", "registration_closes",
                        "first_start", "last_end", "free_places", "venue_name", "venue_address"))
        for row in rows:
            result.setdefault(row["course_id"], []).append(CohortFacts(
                id=row["id"], course_id=row["course_id"], code=row["code"], title=row["title"],
                starts_at=row["first_start"], ends_at=row["last_end"], free_places=row["free_places"],
                registration_open=(is_open := _is_open(row, now)), venue_name=row["venue_name"] or "",
                venue_address=row["venue_address"] or "", enroll_url=_enroll_url(row["id"], is_open)))
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        for facts in result.values():
            facts.sort(key=lambda c: (c.starts_at or far, c.code))
        return result

    def course_ids_with_cohorts(self, *, now, date_from=None, date_to=None, free_places=False):
        cohorts = Cohort.objects.with_dates().upcoming(now=now)
        if date_from:
            cohorts = cohorts.filter(first_start__date__gte=date_from)
        if date_to:
            cohorts = cohorts.filter(first_start__date__lte=date_to)
        if free_places:
            cohorts = cohorts.open_for_enrollment(now=now).with_place_counts().filter(free_places__gt=0)
        return cohorts.values("course_id")

    def course_page_cohorts(self, *, page, request, now):
        page = source_page(page)  # a translated course page shows its source's cohorts
        cohorts = course_cohorts(course=page, user=getattr(request, "user", None), now=now)
        facts = [CohortFacts(
            id=c.pk, course_id=c.course_id, code=c.code, title=c.title, starts_at=c.first_start, ends_at=c.last_end,
            free_places=c.free_places, registration_open=c.registration_is_open,
            venue_name=_venue(c, "name"), venue_address=_venue(c, "address"),
            enroll_url=_enroll_url(c.pk, c.registration_is_open)) for c in cohorts]
        html = render_to_string("enrollment/includes/course_cohorts.html", {"cohorts": cohorts, "page": page},
                                request=request)
        return CoursePageCohorts(facts=facts, html=html)


def _enroll_url(cohort_id: int, registration_open: bool) -> str:
    return reverse("enroll", args=[cohort_id]) if registration_open else ""


def _venue(cohort: Cohort, field: str) -> str:
    venue = next((s.venue for s in cohort.sessions_shown if s.venue_id), None)
    return getattr(venue, field, "") if venue else ""
