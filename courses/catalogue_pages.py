"""The site's entry pages: the home page and the catalogue (the course index), which lists course and
programme pages (courses/pages.py) through courses/selectors.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from .blocks import BaseStreamBlock
from .caching import register_query_params
from .catalogue import FILTER_PARAMS, CatalogueFilterForm
from .pages import CachedPageMixin, TranslatedPageMixin, absolute_url
from .selectors import catalogue_page, featured_items
from .seo import meta_description
from .translation import FallbackRouteMixin


class HomePage(FallbackRouteMixin, TranslatedPageMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["featured"] = featured_items()
        context.update(self.translation_context(request))
        return context


class CourseIndexPage(FallbackRouteMixin, TranslatedPageMixin, CachedPageMixin, Page):
    """The catalogue of courses and programmes."""

    cache_query_params = (*FILTER_PARAMS, "page")

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.CoursePage", "courses.ProgrammePage"]

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        form = CatalogueFilterForm(request.GET or None)
        page_obj, items = catalogue_page(index=self, filters=form.filters(), page_number=request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        for name in list(query):
            if name not in FILTER_PARAMS or not query.get(name):
                query.pop(name)
        context.update({
            "filter_form": form,
            "items": items,
            "page_obj": page_obj,
            "paginator": page_obj.paginator,
            "filter_query": query.urlencode(),
            "is_filtered": form.is_filtered,
            "meta_description": meta_description(self, self.intro),
            "canonical_url": absolute_url(self, request),
            **self.translation_context(request),
        })
        return context


register_query_params(*CourseIndexPage.cache_query_params)
