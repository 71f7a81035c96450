"""The course schedule: how course pages learn about the dated runs of a course without importing the app
that owns them.

Courses is the lower layer: it publishes content and knows nothing of cohorts, places or enrollments. The app
that schedules runs of a course (``enrollment``) registers ONE ``CourseSchedule`` at start-up
(``EnrollmentConfig.ready`` calls ``register(...)``); the catalogue, the course page and the programme page
ask ``schedule()`` for facts and for the course page's cohort list. This module is the only place where
courses depends on scheduling, and the dependency is on this protocol, not on a model or a table name.
Without a registered schedule, the pages show no dates and no places.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.db.models import QuerySet


@dataclass(frozen=True)
class CohortFacts:
    """What the catalogue, the programme page and the JSON-LD need to know about one coming or running run."""

    id: int
    course_id: int
    code: str
    title: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    free_places: int
    registration_open: bool
    venue_name: str = ""
    venue_address: str = ""
    enroll_url: str = ""  # where to enroll (in the active language), set while registration is open


@dataclass(frozen=True)
class CoursePageCohorts:
    """The course page's part: the facts (for JSON-LD) and the rendered list of cohorts with enroll buttons."""

    facts: list[CohortFacts]
    html: str  # safe HTML (a SafeString from the template engine); anything else is escaped on the page


class CourseSchedule(Protocol):
    def cohort_facts(self, *, course_ids: Iterable[int], now: dt.datetime) -> dict[int, list[CohortFacts]]:
        """Coming and running runs of these courses, by course id, in start order (a constant number of queries).
        The ids are of source (Estonian) course pages: cohorts point at those (courses.translation.source_ids)."""

    def course_ids_with_cohorts(self, *, now: dt.datetime, date_from: dt.date | None = None,
                                date_to: dt.date | None = None, free_places: bool = False) -> QuerySet:
        """A ``values("course_id")`` subquery of courses with a coming run matching the filters."""

    def course_page_cohorts(self, *, page, request, now: dt.datetime) -> CoursePageCohorts:
        """Facts and the rendered cohort list for one course page, read once; a translated page gets its source
        page's cohorts."""


class NoSchedule:
    """Used until an app registers a schedule: nothing is planned."""

    def cohort_facts(self, *, course_ids, now):
        return {}

    def course_ids_with_cohorts(self, *, now, date_from=None, date_to=None, free_places=False):
        return None

    def course_page_cohorts(self, *, page, request, now):
        return CoursePageCohorts(facts=[], html="")


_schedule: CourseSchedule = NoSchedule()


def register(schedule_impl: CourseSchedule) -> None:
    """Install the schedule (called once from the scheduling app's ``AppConfig.ready``)."""
    global _schedule
    _schedule = schedule_impl


def schedule() -> CourseSchedule:
    return _schedule
