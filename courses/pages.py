"""Page types: the home page, the catalogue, a course, and a programme made of parts."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from rest_framework.fields import CharField, ListField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from accounts.numbers import format_number

from .blocks import BaseStreamBlock
from .caching import mark_cacheable
from .schedule import schedule
from .seo import course_json_ld, json_ld_script, meta_description, programme_json_ld
from .translation import alternates, display_pages, localized_snippets, missing_note, source_page, translation_missing


def _names() -> ListField:
    """A read-only list of names for the API (a fresh serializer field per API field)."""
    return ListField(child=CharField(), read_only=True)


CERTIFICATE_VARIABLE = re.compile(r"\{(\w+)\}")
HOURS_VALIDATORS = [MinValueValidator(Decimal("0.5"), message=_("Academic hours must be positive."))]


class CourseFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class CourseLanguage(models.TextChoices):
    ESTONIAN = "et", _("Estonian")
    ENGLISH = "en", _("English")
    RUSSIAN = "ru", _("Russian")


class SummaryMixin(models.Model):
    """Two or three sentences for the catalogue, in the page's own language (translations have their own)."""

    summary = models.TextField(_("summary"), help_text=_("Two or three sentences, shown in the catalogue."))

    class Meta:
        abstract = True


class TranslatedPageMixin:
    """The context every translatable page gives its template: the note when the page is shown untranslated
    (``translation_missing``) and the live versions in every language (hreflang alternates)."""

    def translation_context(self, request) -> dict:
        missing = translation_missing(self)
        return {"translation_missing": missing, "translation_note": missing_note() if missing else "",
                "alternates": alternates(self, request)}



class CachedPageMixin:
    """Rendered pages of this type may be served from the anonymous page cache (courses/caching.py)."""

    cache_query_params: tuple[str, ...] = ()  # the query parameters the page understands (others: not stored)

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        mark_cacheable(request, response, params=self.cache_query_params)
        return response


def absolute_url(page, request) -> str:
    return page.get_full_url(request) or ""


class CoursePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        qualifies_for = cleaned.get("qualifies_for")
        if qualifies_for is not None and self.instance.pk and qualifies_for.pk == self.instance.pk:
            self.add_error("qualifies_for", _("A course cannot qualify trainers for itself."))
        return cleaned


class CoursePage(TranslatedPageMixin, CachedPageMixin, SummaryMixin, Page):
    """One training: what a specialist needs to decide whether to enroll."""

    goals = RichTextField(_("goals"), blank=True, features=["bold", "italic", "link", "ul", "ol"])
    outcomes = RichTextField(_("expected outcomes"), blank=True, features=["bold", "italic", "link", "ul", "ol"])
    topics = ParentalManyToManyField("courses.Topic", blank=True, related_name="courses", verbose_name=_("topics"))
    target_groups = ParentalManyToManyField("courses.TargetGroup", blank=True, related_name="courses",
                                            verbose_name=_("target groups"))
    academic_hours = models.DecimalField(_("academic hours"), max_digits=6, decimal_places=1,
                                         validators=HOURS_VALIDATORS,
                                         help_text=_("One academic hour is 45 minutes."))
    format = models.CharField(_("format"), max_length=16, choices=CourseFormat.choices, default=CourseFormat.IN_PERSON)
    language = models.CharField(_("language"), max_length=8, choices=CourseLanguage.choices,
                                default=CourseLanguage.ESTONIAN)
    provider = models.ForeignKey("courses.Provider", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="courses", verbose_name=_("provider"))
    funding = models.CharField(_("funding"), max_length=200, blank=True,
                               help_text=_("For example: European Social Fund+ and the state budget."))
    funding_share = models.PositiveSmallIntegerField(
        _("funding share (%)"), null=True, blank=True, validators=[MaxValueValidator(100)],
        help_text=_("The share of the cost that the funder covers, in per cent."))
    prerequisites = RichTextField(_("prerequisites"), blank=True, features=["bold", "italic", "link", "ul"])
    certificate_text = models.TextField(
        _("what the certificate says"), blank=True,
        help_text=_("May use {course}, {hours} (the course's academic hours), {attended_hours} (the hours the "
                    "participant attended) and {dates}, filled in on each certificate."))
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Empty: the certificate does not expire."))
    eligible_counties = ParentalManyToManyField(
        "accounts.County", blank=True, related_name="+", verbose_name=_("open to counties"),
        help_text=_("Leave empty when specialists from every county may enroll."))
    completion_min_percent = models.PositiveSmallIntegerField(
        _("attendance needed to complete (%)"), default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Share of the course's academic hours a participant must attend."))
    qualifies_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="qualifying_courses",
        verbose_name=_("qualifies graduates to train"),
        help_text=_("Completing this course makes the graduate a certified trainer of the chosen course."))
    qualification_validity_months = models.PositiveSmallIntegerField(
        _("qualification valid for (months)"), default=36, validators=[MinValueValidator(1)],
        help_text=_("For a course that qualifies trainers: how long the qualification earned here lasts, and how "
                    "far teaching or a refresher extends it."))
    one_cohort_at_a_time = models.BooleanField(
        _("one cohort at a time"), default=True,
        help_text=_("A person may hold or wait for a place in only one cohort of this course at a time."))
    requires_qualified_trainers = models.BooleanField(
        _("only qualified trainers may teach"), default=False,
        help_text=_("Cohorts of this course can only be given trainers with a valid qualification."))
    trainer_qualification_course = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("trainers must be qualified for"),
        help_text=_("Leave empty when trainers must be qualified for this course itself."))
    ask_dietary_needs = models.BooleanField(_("ask for dietary needs"), default=False)
    ask_accessibility_needs = models.BooleanField(_("ask for accessibility needs"), default=True)
    ask_supervisor = models.BooleanField(_("ask for the supervisor's name and e-mail"), default=False)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    base_form_class = CoursePageForm
    # wagtail-localize: the relations are the source's (domain data points at the Estonian page and snippets);
    # what is shown of them is localized when rendering (courses/translation.py).
    override_translatable_fields = [
        SynchronizedField("topics", overridable=False), SynchronizedField("target_groups", overridable=False),
        SynchronizedField("eligible_counties", overridable=False), SynchronizedField("provider", overridable=False),
        SynchronizedField("qualifies_for", overridable=False),
        SynchronizedField("trainer_qualification_course", overridable=False),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("goals"), FieldPanel("outcomes"), FieldPanel("prerequisites")],
                        heading=_("Goals and outcomes")),
        MultiFieldPanel([
            FieldRowPanel([FieldPanel("academic_hours"), FieldPanel("format"), FieldPanel("language")]),
            FieldPanel("topics"), FieldPanel("target_groups"), FieldPanel("eligible_counties"),
        ], heading=_("Facts")),
        MultiFieldPanel([FieldPanel("provider"), FieldPanel("funding"), FieldPanel("funding_share")],
                        heading=_("Provider and funding")),
        MultiFieldPanel([
            FieldPanel("completion_min_percent"), FieldPanel("certificate_text"),
            FieldPanel("certificate_validity_months"),
            FieldPanel("qualifies_for"), FieldPanel("qualification_validity_months"),
            FieldPanel("requires_qualified_trainers"), FieldPanel("trainer_qualification_course"),
        ], heading=_("Completion, certificate and trainer qualification")),
        MultiFieldPanel([FieldPanel("one_cohort_at_a_time"), FieldPanel("ask_dietary_needs"),
                         FieldPanel("ask_accessibility_needs"), FieldPanel("ask_supervisor")],
                        heading=_("Enrollment")),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"), index.SearchField("goals"),
        index.SearchField("outcomes"), index.SearchField("body"),
        index.FilterField("format"), index.FilterField("language"), index.FilterField("locale_id"),
    ]
    api_fields = [
        APIField("summary"), APIField("academic_hours"), APIField("format"),
        APIField("language"), APIField("topic_names", serializer=_names()),
        APIField("target_group_names", serializer=_names()), APIField("provider_name"),
        APIField("eligible_county_names", serializer=_names()), APIField("funding"), APIField("funding_share"),
        APIField("certificate_text"), APIField("qualifies_for_id"),
    ]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    @property
    def topic_names(self) -> list[str]:
        return [topic.name for topic in self.topics.all()]

    @property
    def target_group_names(self) -> list[str]:
        return [group.name for group in self.target_groups.all()]

    @property
    def eligible_county_names(self) -> list[str]:
        return [county.name for county in self.eligible_counties.all()]

    @property
    def provider_name(self) -> str:
        return self.provider.name if self.provider_id else ""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        source = source_page(self)  # cohorts and relations belong to the Estonian page
        schedule_part = schedule().course_page_cohorts(page=source, request=request, now=timezone.now())
        cohorts = schedule_part.facts
        url = absolute_url(self, request)
        topics = localized_snippets(source.topics.all())
        target_groups = localized_snippets(source.target_groups.all())
        provider = localized_snippets([source.provider])[0] if source.provider_id else None
        linked = display_pages([p for p in (source.qualifies_for,) if p is not None])
        context.update({
            "upcoming_cohorts": cohorts,
            "cohorts_html": schedule_part.html,
            "topics": topics,
            "target_groups": target_groups,
            "provider": provider,
            "qualifies_for": linked.get(source.qualifies_for_id),
            "counties": list(source.eligible_counties.all()),
            "meta_description": meta_description(self),
            "canonical_url": url,
            "json_ld": json_ld_script(course_json_ld(self, url=url, cohorts=cohorts, topics=topics,
                                                     target_groups=target_groups, provider=provider)),
            **self.translation_context(request),
        })
        return context

    def certificate_sentence(self, *, course: str, hours: str, attended_hours: str, dates: str) -> str:
        """The certificate text with its variables filled ({course}, {hours}, {attended_hours}, {dates}); anything
        else in braces, and a fixed sentence, stays as written. The certificate and the course page both use it."""
        values = {"course": course, "hours": hours, "attended_hours": attended_hours, "dates": dates}
        text = CERTIFICATE_VARIABLE.sub(lambda match: values.get(match.group(1), match.group(0)), self.certificate_text)
        return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))  # an empty variable leaves no gap

    @property
    def certificate_text_public(self) -> str:
        """The certificate text as the course page shows it: the figures of someone who attends in full."""
        hours = format_number(self.academic_hours)
        return self.certificate_sentence(course=self.title, hours=hours, attended_hours=hours, dates="")

    @property
    def trainer_course(self) -> "CoursePage":
        """The course a trainer must be qualified for to teach this one."""
        return self.trainer_qualification_course or self


class ProgrammePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        parts = self.formsets.get("parts")
        if parts is not None:
            kept = [f for f in parts.forms if (f.has_changed() or f.instance.pk)
                    and not ("DELETE" in f.fields and f["DELETE"].value())]
            if not kept:
                raise ValidationError(_("A programme needs at least one part."))
        return cleaned


class ProgrammePage(TranslatedPageMixin, CachedPageMixin, SummaryMixin, Page):
    """A programme made of courses and other activities, each with its academic hours."""

    intro = RichTextField(_("introduction"), blank=True)
    eligible_counties = ParentalManyToManyField(
        "accounts.County", blank=True, related_name="+", verbose_name=_("open to counties"),
        help_text=_("Leave empty when specialists from every county may take part."))
    provider = models.ForeignKey("courses.Provider", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="programmes", verbose_name=_("provider"))
    funding = models.CharField(_("funding"), max_length=200, blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    base_form_class = ProgrammePageForm
    override_translatable_fields = [
        SynchronizedField("eligible_counties", overridable=False), SynchronizedField("provider", overridable=False),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types: list[str] = []

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("summary"), FieldPanel("intro")], heading=_("Summary")),
        MultiFieldPanel([FieldPanel("eligible_counties"), FieldPanel("provider"), FieldPanel("funding")],
                        heading=_("Facts")),
        InlinePanel("parts", label=_("Parts"), min_num=1,
                    help_text=_("The courses and other activities of the programme, in order.")),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"), index.SearchField("intro"), index.SearchField("body"),
        index.FilterField("locale_id"),
    ]
    api_fields = [APIField("summary"), APIField("total_hours"),
                  APIField("provider_name"), APIField("eligible_county_names", serializer=_names()),
                  APIField("funding")]

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    @property
    def total_hours(self) -> Decimal:
        """The programme's academic hours: the sum of the hours of the parts that count towards it."""
        return sum((part.hours for part in self.parts.all()), Decimal("0"))

    @property
    def provider_name(self) -> str:
        return self.provider.name if self.provider_id else ""

    @property
    def eligible_county_names(self) -> list[str]:
        return [county.name for county in self.eligible_counties.all()]

    def ordered_parts(self) -> list["ProgrammePart"]:
        """The parts in order, with their courses (one query) shown in the active language (one more)."""
        parts = list(self.parts.select_related("course").order_by("sort_order", "pk"))
        shown = display_pages([part.course for part in parts if part.course_id])
        for part in parts:
            part.course_shown = shown.get(part.course_id)
        return parts

    def get_context(self, request, *args, **kwargs):

        context = super().get_context(request, *args, **kwargs)
        parts = self.ordered_parts()
        runs = schedule().cohort_facts(course_ids={p.course_id for p in parts if p.course_id}, now=timezone.now())
        for part in parts:
            part.runs = runs.get(part.course_id, []) if part.course_id else None  # coming runs, in start order
        total = sum((part.hours for part in parts), Decimal("0"))
        url = absolute_url(self, request)
        source = source_page(self)
        provider = localized_snippets([source.provider])[0] if source.provider_id else None
        context.update({
            "parts": parts,
            "total_hours": total,
            "provider": provider,
            "counties": list(source.eligible_counties.all()),
            "meta_description": meta_description(self),
            "canonical_url": url,
            "json_ld": json_ld_script(programme_json_ld(self, url=url, total_hours=total, provider=provider)),
            **self.translation_context(request),
        })
        return context


class PartKind(models.TextChoices):
    COURSE = "course", _("Course")
    INFO_SEMINAR = "info_seminar", _("Info seminar")
    COUNSELLING = "counselling", _("Counselling")
    STUDY_TRIP = "study_trip", _("Study trip")
    SERVICE_DESIGN = "service_design", _("Service design")
    OTHER = "other", _("Other activity")


class ProgrammePart(TranslatableMixin, Orderable):
    """One part of a programme: a course (its hours by default) or another activity. A translated programme has
    translated parts (title, description) whose course is the source (Estonian) course page."""

    page = ParentalKey(ProgrammePage, on_delete=models.CASCADE, related_name="parts")
    kind = models.CharField(_("kind"), max_length=20, choices=PartKind.choices, default=PartKind.COURSE)
    course = models.ForeignKey(CoursePage, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="programme_parts", verbose_name=_("course"))
    title = models.CharField(_("title"), max_length=200, blank=True,
                             help_text=_("Required for activities that are not courses."))
    academic_hours = models.DecimalField(_("academic hours"), max_digits=6, decimal_places=1, null=True,
                                         blank=True, validators=HOURS_VALIDATORS,
                                         help_text=_("Leave empty for a course to use the course's hours."))
    description = models.TextField(_("description"), blank=True)
    counts_towards_total = models.BooleanField(
        _("counts towards the programme's academic hours"), default=True)

    panels = [FieldPanel("kind"), FieldPanel("course"), FieldPanel("title"), FieldPanel("academic_hours"),
              FieldPanel("counts_towards_total"), FieldPanel("description")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("programme part")
        verbose_name_plural = _("programme parts")

    def clean(self):
        if self.kind == PartKind.COURSE and not self.course_id:
            raise ValidationError({"course": _("Choose the course for a course part.")})
        if self.kind != PartKind.COURSE and not self.title:
            raise ValidationError({"title": _("Give the activity a title.")})

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        course = getattr(self, "course_shown", None) or (self.course if self.course_id else None)
        return course.title if course is not None else ""

    @property
    def hours(self) -> Decimal:
        if not self.counts_towards_total:
            return Decimal("0")
        if self.academic_hours is not None:
            return self.academic_hours
        if self.course_id:
            return self.course.academic_hours
        return Decimal("0")
