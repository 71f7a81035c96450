"""Reads for the catalogue, the course page and the programme page, each in a constant number of queries.

Courses know nothing of the enrollment app in their Python code: cohort data is reached through the reverse
relation ``CoursePage.cohorts`` (the ``Cohort.course`` foreign key declared by enrollment) and string lookups,
so these functions work on models they never import.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from wagtail.models import Page

from .pages import CourseIndexPage, CoursePage, ProgrammePage, ProgrammePart

# Cohort statuses that still offer (or will offer) places; enrollment statuses that occupy a place.
# Spelled as strings on purpose: courses may not import enrollment (see enrollment.models).
UPCOMING_COHORT_STATUSES = ("planned", "open", "running")
SEAT_STATUSES = ("confirmed", "offered", "completed", "not_completed")
CANCELLED_SESSION_STATUS = "cancelled"
PER_PAGE = 20


@dataclass
class CohortFacts:
    """What the catalogue and the JSON-LD need to know about one upcoming cohort."""

    id: int
    course_id: int
    code: str
    title: str
    status: str
    capacity: int
    seats_taken: int
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    venue_name: str = ""
    venue_address: str = ""

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.seats_taken, 0)


@dataclass
class CatalogueItem:
    """One row of the catalogue: the specific page plus its cohort facts."""

    page: Page
    kind: str  # "course" or "programme"
    cohorts: list[CohortFacts] = field(default_factory=list)
    total_hours: Decimal | None = None
    parts: list[ProgrammePart] = field(default_factory=list)

    @property
    def next_cohort(self) -> CohortFacts | None:
        dated = [c for c in self.cohorts if c.starts_at is not None]
        if dated:
            return min(dated, key=lambda c: c.starts_at)
        return self.cohorts[0] if self.cohorts else None

    @property
    def free_places(self) -> int:
        return sum(c.free_places for c in self.cohorts)

    @property
    def hours(self) -> Decimal | None:
        if self.kind == "programme":
            return self.total_hours
        return self.page.academic_hours


def cohort_model():
    """The model behind ``CoursePage.cohorts``, or None when no app declares cohorts."""
    try:
        return CoursePage._meta.get_field("cohorts").related_model
    except FieldDoesNotExist:
        return None


def upcoming_cohorts(*, now: dt.datetime | None = None) -> QuerySet | None:
    """Cohorts that are planned, open or running and not yet over, annotated with dates and seats taken.

    Every annotation is a correlated subquery, so the queryset can be filtered, used in ``__in`` lookups
    and read with ``values()`` in one query.
    """
    cohort = cohort_model()
    if cohort is None:
        return None
    now = now or timezone.now()
    session = cohort._meta.get_field("sessions").related_model
    enrollment = cohort._meta.get_field("enrollments").related_model
    sessions = session.objects.filter(cohort=OuterRef("pk")).exclude(status=CANCELLED_SESSION_STATUS)
    seats = (enrollment.objects.filter(cohort=OuterRef("pk"), status__in=SEAT_STATUSES)
             .order_by().values("cohort").annotate(n=Count("pk")).values("n"))
    first = sessions.order_by("starts_at")
    return (
        cohort.objects.filter(status__in=UPCOMING_COHORT_STATUSES)
        .annotate(
            starts_at=Subquery(first.values("starts_at")[:1]),
            ends_at=Subquery(sessions.order_by("-ends_at").values("ends_at")[:1]),
            seats_taken=Coalesce(Subquery(seats, output_field=IntegerField()), Value(0)),
            venue_name=Subquery(first.filter(venue__isnull=False).values("venue__name")[:1]),
            venue_address=Subquery(first.filter(venue__isnull=False).values("venue__address")[:1]),
        )
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gte=now))
    )


def cohort_facts(*, course_ids: Iterable[int], now: dt.datetime | None = None) -> dict[int, list[CohortFacts]]:
    """Upcoming cohorts of the given courses, by course id, sorted by start (one query)."""
    ids = list(course_ids)
    result: dict[int, list[CohortFacts]] = defaultdict(list)
    cohorts = upcoming_cohorts(now=now)
    if cohorts is None or not ids:
        return result
    rows = cohorts.filter(course_id__in=ids).values(
        "id", "course_id", "code", "title", "status", "capacity", "seats_taken", "starts_at", "ends_at",
        "venue_name", "venue_address")
    for row in rows:
        row["venue_name"] = row["venue_name"] or ""
        row["venue_address"] = row["venue_address"] or ""
        result[row["course_id"]].append(CohortFacts(**row))
    far = timezone.now() + dt.timedelta(days=365 * 100)
    for facts in result.values():
        facts.sort(key=lambda c: (c.starts_at or far, c.code))
    return result


@dataclass
class CatalogueFilters:
    """Parsed, validated filter values (see courses.catalogue.CatalogueFilterForm)."""

    q: str = ""
    topic: object = None
    target_group: object = None
    county: object = None
    format: str = ""
    language: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    free_places: bool = False


def _matching_course_ids(index: CourseIndexPage, filters: CatalogueFilters, now) -> tuple[QuerySet, QuerySet]:
    """Two id subqueries (courses, programmes) of the index's live public children matching every filter."""
    courses = CoursePage.objects.live().public().child_of(index)
    programmes = ProgrammePage.objects.live().public().child_of(index)
    if filters.topic is not None:
        courses = courses.filter(topics=filters.topic)
        programmes = programmes.filter(parts__course__topics=filters.topic)
    if filters.target_group is not None:
        courses = courses.filter(target_groups=filters.target_group)
        programmes = programmes.filter(parts__course__target_groups=filters.target_group)
    if filters.county is not None:
        # No eligible counties means open to every county.
        courses = courses.filter(Q(eligible_counties=filters.county) | Q(eligible_counties__isnull=True))
        programmes = programmes.filter(Q(eligible_counties=filters.county) | Q(eligible_counties__isnull=True))
    if filters.format:
        courses = courses.filter(format=filters.format)
        programmes = programmes.filter(parts__course__format=filters.format)
    if filters.language:
        courses = courses.filter(language=filters.language)
        programmes = programmes.filter(parts__course__language=filters.language)
    if filters.date_from or filters.date_to or filters.free_places:
        cohorts = upcoming_cohorts(now=now)
        if cohorts is None:
            return courses.none(), programmes.none()
        if filters.date_from:
            cohorts = cohorts.filter(starts_at__date__gte=filters.date_from)
        if filters.date_to:
            cohorts = cohorts.filter(starts_at__date__lte=filters.date_to)
        if filters.free_places:
            cohorts = cohorts.filter(capacity__gt=F("seats_taken"))
        course_ids = cohorts.values("course_id")
        courses = courses.filter(pk__in=course_ids)
        programmes = programmes.filter(parts__course__in=course_ids)
    if filters.q:
        course_hits = [p.pk for p in CoursePage.objects.live().public().child_of(index).search(filters.q)]
        programme_hits = [p.pk for p in ProgrammePage.objects.live().public().child_of(index).search(filters.q)]
        courses = courses.filter(pk__in=course_hits)
        programmes = programmes.filter(pk__in=programme_hits)
    return courses.values("pk"), programmes.values("pk")


def catalogue_page(*, index: CourseIndexPage, filters: CatalogueFilters, page_number=1,
                   per_page: int = PER_PAGE, now=None) -> tuple[PaginatorPage, list[CatalogueItem]]:
    """One page of the catalogue: matching courses and programmes with their next cohort and free places.

    Runs a fixed number of queries however many courses, cohorts and enrollments exist: a count and a slice
    of the matching pages, the specific rows with their relations, and one query for all their cohorts.
    """
    now = now or timezone.now()
    course_ids, programme_ids = _matching_course_ids(index, filters, now)
    matching = (Page.objects.filter(Q(pk__in=course_ids) | Q(pk__in=programme_ids))
                .order_by("title", "pk").only("pk", "title", "content_type_id"))
    paginator = Paginator(matching, per_page)
    page_obj = paginator.get_page(page_number)
    ids = [p.pk for p in page_obj.object_list]
    if not ids:
        return page_obj, []
    courses = {c.pk: c for c in CoursePage.objects.filter(pk__in=ids).select_related("provider")
               .prefetch_related("topics", "target_groups", "eligible_counties")}
    # The same queries run whether or not this page of results holds programmes (a constant count).
    programmes = {p.pk: p for p in ProgrammePage.objects.filter(pk__in=ids)
                  .select_related("provider").prefetch_related("eligible_counties")}
    parts_by_programme: dict[int, list[ProgrammePart]] = defaultdict(list)
    for part in ProgrammePart.objects.filter(page_id__in=ids).select_related("course"):
        parts_by_programme[part.page_id].append(part)
    wanted = set(courses)
    for parts in parts_by_programme.values():
        wanted.update(p.course_id for p in parts if p.course_id)
    facts = cohort_facts(course_ids=wanted, now=now)
    items = []
    for pk in ids:
        if pk in courses:
            items.append(CatalogueItem(page=courses[pk], kind="course", cohorts=facts.get(pk, [])))
        elif pk in programmes:
            parts = sorted(parts_by_programme.get(pk, []), key=lambda p: (p.sort_order or 0, p.pk))
            cohorts = [c for part in parts if part.course_id for c in facts.get(part.course_id, [])]
            items.append(CatalogueItem(page=programmes[pk], kind="programme", cohorts=cohorts, parts=parts,
                                       total_hours=sum((p.hours for p in parts), Decimal("0"))))
    return page_obj, items


def programme_parts(*, programme: ProgrammePage) -> list[ProgrammePart]:
    """The parts of a programme in order, with their courses (one query)."""
    return list(programme.parts.select_related("course").order_by("sort_order", "pk"))

