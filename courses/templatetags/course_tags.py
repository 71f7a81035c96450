"""Site-wide template helpers that need course pages."""

from django import template
from django.core.cache import cache

from courses.catalogue_pages import CourseIndexPage
from courses.translation import active_language, default_language, display_pages
from courses.translation import shown_url as _shown_url

register = template.Library()

CATALOGUE_URL_CACHE_KEY = "courses:catalogue_url"


@register.simple_tag
def catalogue_url() -> str:
    """The URL of the live catalogue page in the active language (its translation, else the Estonian catalogue
    under the language's prefix), cached per language because every page's navigation asks for it."""
    language = active_language()
    key = f"{CATALOGUE_URL_CACHE_KEY}:{language}"
    url = cache.get(key)
    if url is None:
        page = (CourseIndexPage.objects.live().filter(locale__language_code=default_language())
                .order_by("path").first())
        url = _shown_url(display_pages([page], specific=False)[page.pk]) if page else ""
        cache.set(key, url, 300)
    return url


@register.filter
def shown_url(page) -> str:
    """The URL of a page as the visitor of the active language should follow it (courses.translation)."""
    return _shown_url(page) if page is not None else ""
