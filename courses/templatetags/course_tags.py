"""Site-wide template helpers that need course pages."""

from django import template
from django.core.cache import cache

from courses.catalogue_pages import CourseIndexPage

register = template.Library()

CATALOGUE_URL_CACHE_KEY = "courses:catalogue_url"


@register.simple_tag
def catalogue_url() -> str:
    """The URL of the live catalogue page, cached because every page's navigation asks for it."""
    url = cache.get(CATALOGUE_URL_CACHE_KEY)
    if url is None:
        page = CourseIndexPage.objects.live().order_by("path").first()
        url = page.url if page else ""
        cache.set(CATALOGUE_URL_CACHE_KEY, url, 300)
    return url
