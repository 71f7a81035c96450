"""Reads for the catalogue, the course page and the programme page, each in a constant number of queries.

Dates and places come from the registered course schedule (courses/schedule.py): courses never reads cohort
tables itself.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone
from wagtail.models import Page

from .pages import CoursePage, ProgrammePage, ProgrammePart
from .schedule import CohortFacts, schedule
from .translation import active_language, default_language, display_pages, locale_id, localized_snippets, source_page

PER_PAGE = 20


@dataclass
class CatalogueItem:
    """One row of the catalogue: the page shown (its live translation in the active language, else the Estonian
    source), the source page (its relations and cohorts), and the facts of its coming runs."""

    page: Page
    kind: str  # "course" or "programme"
    runs: list[CohortFacts] = field(default_factory=list)  # coming and running cohorts, in start order
    total_hours: Decimal | None = None
    parts: list[ProgrammePart] = field(default_factory=list)
    source: Page | None = None
    topics: list = field(default_factory=list)  # in the active language
    provider: object = None  # in the active language

    translation_missing: bool = False  # shown in Estonian to a visitor of another language

    @property
    def open_cohorts(self) -> list[CohortFacts]:
        return [c for c in self.runs if c.registration_open]

    @property
    def next_cohort(self) -> CohortFacts | None:
        """The next run a person can enroll in (earliest start; undated ones last)."""
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        return min(self.open_cohorts, key=lambda c: (c.starts_at or far, c.code), default=None)

    @property
    def free_places(self) -> int:
        """Places a person can get now, over every run open for enrollment."""
        return sum(c.free_places for c in self.open_cohorts)

    @property
    def hours(self) -> Decimal | None:
        if self.kind == "programme":
            return self.total_hours
        return (self.source or self.page).academic_hours


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


def _matching_course_ids(index: Page, filters: CatalogueFilters, now) -> tuple[QuerySet, QuerySet]:
    """Two id subqueries (courses, programmes) of the index's live public children matching every filter.

    The index is the source (Estonian) catalogue: its pages carry the relations and the cohorts; a search also
    matches the words of their live translations in the active language."""
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
        course_ids = schedule().course_ids_with_cohorts(now=now, date_from=filters.date_from,
                                                        date_to=filters.date_to, free_places=filters.free_places)
        if course_ids is None:
            return courses.none().values("pk"), programmes.none().values("pk")
        courses = courses.filter(pk__in=course_ids)
        programmes = programmes.filter(parts__course__in=course_ids)
    if filters.q:
        course_hits = _search_keys(CoursePage, index, filters.q)
        programme_hits = _search_keys(ProgrammePage, index, filters.q)
        courses = courses.filter(translation_key__in=course_hits)
        programmes = programmes.filter(translation_key__in=programme_hits)
    return courses.values("pk"), programmes.values("pk")


def _search_keys(model, index: Page, q: str) -> set:
    """Translation keys of the live public pages whose source (under the index) or live translation in the
    active language matches the words."""
    keys = {p.translation_key for p in model.objects.live().public().child_of(index).search(q)}
    language = active_language()
    if language != default_language():
        translated = model.objects.live().public().filter(locale_id=locale_id(language))
        keys |= {p.translation_key for p in translated.search(q)}
    return keys


def catalogue_page(*, index: Page, filters: CatalogueFilters, page_number=1,
                   per_page: int = PER_PAGE, now=None) -> tuple[PaginatorPage, list[CatalogueItem]]:
    """One page of the catalogue: matching courses and programmes with their next cohort and free places.

    Runs a fixed number of queries however many courses, cohorts and enrollments exist: a count and a slice
    of the matching pages, the specific rows with their relations, and one query for all their cohorts.
    """
    now = now or timezone.now()
    index = source_page(index)  # the Estonian catalogue: its pages hold the relations and the cohorts
    course_ids, programme_ids = _matching_course_ids(index, filters, now)
    matching = (Page.objects.filter(Q(pk__in=course_ids) | Q(pk__in=programme_ids))
                .order_by("title", "pk").only("pk", "title", "content_type_id"))
    paginator = Paginator(matching, per_page)
    page_obj = paginator.get_page(page_number)
    return page_obj, catalogue_items([p.pk for p in page_obj.object_list], now=now)


def featured_items(*, limit: int = 12, now=None) -> list[CatalogueItem]:
    """The home page's cards: the first live public source courses and programmes, shown in the active language,
    with next dates and hours (the same fixed number of queries as a page of the catalogue)."""
    ids = list(Page.objects.live().public().type(CoursePage, ProgrammePage)
               .filter(locale__language_code=default_language()).order_by("path").values_list("pk", flat=True)[:limit])
    return catalogue_items(ids, now=now or timezone.now())


def catalogue_items(ids: list[int], *, now) -> list[CatalogueItem]:
    """Source course and programme pages (by id, in that order) with their coming runs, shown in the active
    language: a constant number of queries."""
    if not ids:
        return []
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
    facts = schedule().cohort_facts(course_ids=wanted, now=now)
    # What is shown: the pages, topics and providers in the active language (a query per kind, none in Estonian).
    shown = display_pages([*courses.values(), *programmes.values()])
    topics = {t.pk: t for t in localized_snippets(
        list({t.pk: t for c in courses.values() for t in c.topics.all()}.values()))}
    providers = {p.pk: p for p in localized_snippets(
        list({p.provider_id: p.provider for p in [*courses.values(), *programmes.values()] if p.provider_id}.values()))}
    missing = active_language() != default_language()
    items = []
    for pk in ids:
        if pk in courses:
            source = courses[pk]
            items.append(CatalogueItem(page=shown[pk], source=source, kind="course", runs=facts.get(pk, []),
                                       translation_missing=missing and shown[pk] is source,
                                       topics=[topics.get(t.pk, t) for t in source.topics.all()],
                                       provider=providers.get(source.provider_id)))
        elif pk in programmes:
            parts = sorted(parts_by_programme.get(pk, []), key=lambda p: (p.sort_order or 0, p.pk))
            cohorts = [c for part in parts if part.course_id for c in facts.get(part.course_id, [])]
            items.append(CatalogueItem(page=shown[pk], source=programmes[pk], kind="programme", runs=cohorts,
                                       translation_missing=missing and shown[pk] is programmes[pk],
                                       parts=parts, total_hours=sum((p.hours for p in parts), Decimal("0")),
                                       provider=providers.get(programmes[pk].provider_id)))
    return items
