"""Whole-page translations: Estonian is the source, English and Russian are translations made with wagtail-localize.

The rules every page, selector and hook follows:
- **Domain data points at the source.** Cohorts, enrollments, certificates, programme parts and the relations
  of a page (topics, target groups, counties, provider, the qualification links) always refer to the Estonian
  (default-locale) page or snippet; a translation's relations are synchronised copies of its source's.
  ``source_page`` / ``source_ids`` map any page (translated or not) to its source.
- **What people see follows the active language.** ``display_pages`` and ``localized_snippets`` map source
  objects to their live translation in the active language (one query per kind, whatever the number of rows),
  falling back to the source; ``page_in_language`` does so for one page and a given language (e-mails).
- **A page without a translation is shown in Estonian with a note** (``translation_missing``): the routing
  pages fall back to the source tree (``FallbackRouteMixin``) instead of answering 404.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page

# The note on a page shown in Estonian because it has no live translation in the visitor's language.
MISSING_NOTES = {
    "en": _("This page is not yet available in English; shown in Estonian."),
    "ru": _("This page is not yet available in Russian; shown in Estonian."),
}


def default_language() -> str:
    return settings.LANGUAGE_CODE


def language_name(code: str) -> str:
    """The language's name in the active interface language ("English", "inglise keeles" is the catalogue's job)."""
    for language_code, name in settings.LANGUAGES:
        if language_code == code:
            return str(name)
    return code


def active_language() -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = (translation.get_language() or default_language()).split("-")[0]
    return language if language in codes else default_language()


_LOCALE_IDS: dict[str, int] = {}


def locale_id(code: str) -> int | None:
    """The Locale id of a language (remembered: locales are made by migrations and rarely change; a change of the
    table clears the memory, see CoursesConfig.ready)."""
    if code not in _LOCALE_IDS:
        found = Locale.objects.filter(language_code=code).values_list("pk", flat=True).first()
        if found is None:
            return None
        _LOCALE_IDS[code] = found
    return _LOCALE_IDS[code]


def forget_locales(**kwargs) -> None:
    _LOCALE_IDS.clear()


def language_of(obj) -> str:
    """The language code of a translatable object's locale, without a query for the known locales."""
    for code in (default_language(), active_language()):
        if obj.locale_id == locale_id(code):
            return code
    return obj.locale.language_code


def is_source(page) -> bool:
    return page.locale_id == locale_id(default_language())


def source_page(page):
    """The Estonian page this page translates (the page itself when it is the source or has none)."""
    if page is None or is_source(page):
        return page
    source = Page.objects.filter(translation_key=page.translation_key,
                                 locale__language_code=default_language()).first()
    return source.specific if source is not None else page


def source_ids(page_ids: Iterable[int]) -> dict[int, int]:
    """page id -> the id of its source page, for any pages (one query)."""
    ids = [pk for pk in page_ids if pk]
    if not ids:
        return {}
    keys = dict(Page.objects.filter(pk__in=ids).values_list("pk", "translation_key"))
    sources = dict(Page.objects.filter(translation_key__in=set(keys.values()),
                                       locale__language_code=default_language())
                   .values_list("translation_key", "pk"))
    return {pk: sources.get(key, pk) for pk, key in keys.items()}


def translations_of(page_ids: Iterable[int]):
    """A subquery of the ids of these pages and all their translations (any locale, live or not)."""
    keys = Page.objects.filter(pk__in=list(page_ids)).values("translation_key")
    return Page.objects.filter(translation_key__in=keys).values("pk")


def display_pages(pages: Iterable, *, language: str | None = None, specific: bool = True) -> dict[int, object]:
    """source page id -> the page to show in ``language`` (default: the active one): its live translation when
    there is one, else the source page itself. One query, whatever the number of pages."""
    pages = [page for page in pages if page is not None]
    language = language or active_language()
    result = {page.pk: page for page in pages}
    if language == default_language() or not pages:
        return result
    by_key = {page.translation_key: page.pk for page in pages}
    translated = Page.objects.live().filter(translation_key__in=list(by_key), locale__language_code=language,
                                            alias_of__isnull=True)  # an alias is the untranslated source
    if specific:
        translated = translated.specific()
    for page in translated:
        result[by_key[page.translation_key]] = page
    return result


def shown_title(page_path: str) -> dict:
    """An annotation for a query whose rows point at a source page (``page_path``): ``course_title_shown``, the
    title of its live translation in the active language (None in Estonian or without one). No query of its own."""
    language = active_language()
    if language == default_language():
        return {}
    translated = Page.objects.filter(translation_key=OuterRef(f"{page_path}__translation_key"),
                                     locale__language_code=language, live=True, alias_of__isnull=True)
    return {"course_title_shown": Subquery(translated.values("title")[:1])}


def page_in_language(page, language: str | None = None):
    """One page's live translation in ``language`` (default: the active one), else the page."""
    if page is None:
        return None
    return display_pages([page], language=language).get(page.pk, page)


def localized_snippets(objects: Iterable, *, language: str | None = None) -> list:
    """Translatable snippets (all of one model) in ``language``: each replaced by its translation where there is
    one, in the same order (one query)."""
    objects = [obj for obj in objects if obj is not None]
    language = language or active_language()
    if not objects or language == default_language():
        return objects
    model = type(objects[0])
    translated = {obj.translation_key: obj for obj in model.objects.filter(
        translation_key__in={obj.translation_key for obj in objects}, locale__language_code=language)}
    return [translated.get(obj.translation_key, obj) for obj in objects]


def translation_missing(page) -> bool:
    """The page is shown in Estonian to a visitor of another language: there is no live translation yet (an
    alias, which wagtail-localize makes of an untranslated parent, is the Estonian page under another path)."""
    language = active_language()
    if language == default_language():
        return False
    return language_of(page) != language or page.alias_of_id is not None


def missing_note() -> str:
    return str(MISSING_NOTES.get(active_language(), ""))


def shown_url(page, request=None) -> str:
    """The page's URL for a visitor of the active language: a page shown in Estonian to a visitor of another
    language keeps the visitor's language prefix (the page is served there with the note)."""
    url = page.get_url(request) or ""
    language = active_language()
    if (url.startswith("/") and language != default_language()
            and is_source(page) and not url.startswith(f"/{language}/")):
        url = f"/{language}{url}"
    return url


def alternates(page, request=None) -> list[tuple[str, str]]:
    """(language, absolute URL) of the page's live versions, the source first: the hreflang alternates."""
    versions = (Page.objects.live().public().filter(translation_key=page.translation_key, alias_of__isnull=True)
                .select_related("locale"))
    order = [code for code, _name in settings.LANGUAGES]
    result = []
    for version in versions:
        code = version.locale.language_code
        if code in order:
            url = version.get_full_url(request)
            if url:
                result.append((code, url))
    return sorted(result, key=lambda item: order.index(item[0]))


class FallbackRouteMixin:
    """For the pages that route to their children (home, catalogue): a path that has no page in this
    translation's tree is routed through the source (Estonian) tree, so a course not yet translated is shown in
    Estonian (with a note) at the same address instead of a 404."""

    def route(self, request, path_components):
        try:
            return super().route(request, path_components)
        except Http404:
            if self.locale.language_code == default_language():
                raise
            source = self.get_translation_or_none(Locale.get_default())
            if source is None or source.pk == self.pk:
                raise
            return source.specific.route(request, path_components)
