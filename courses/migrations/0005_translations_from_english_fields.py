"""Whole-page translations, step 2 of 3: every existing snippet and programme part belongs to the Estonian
(default) locale; the English and Russian locales exist; and what the old per-field English held becomes English
translations: a topic's or target group's `name_en` an English snippet, a page's `summary_en` an English
translation of the page, created as a DRAFT (its other fields are still the Estonian text) that a coordinator
completes and publishes in wagtail-localize. Until then /en/ shows the Estonian page with a note."""

import uuid

from django.conf import settings
from django.db import migrations

LANGUAGES = ("en", "ru")


def _bootstrap(model, locale):
    for pk in model.objects.filter(translation_key__isnull=True).values_list("pk", flat=True):
        model.objects.filter(pk=pk).update(translation_key=uuid.uuid4(), locale=locale)


def forwards(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    default, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}
    for name in ("Topic", "TargetGroup", "Provider", "Venue"):
        _bootstrap(apps.get_model("courses", name), default)
    ProgrammePart = apps.get_model("courses", "ProgrammePart")
    for part in ProgrammePart.objects.filter(translation_key__isnull=True).select_related("page"):
        ProgrammePart.objects.filter(pk=part.pk).update(translation_key=uuid.uuid4(), locale_id=part.page.locale_id)

    for name in ("Topic", "TargetGroup"):
        model = apps.get_model("courses", name)
        for row in model.objects.filter(locale=default).exclude(name_en=""):
            if not model.objects.filter(translation_key=row.translation_key, locale=locales["en"]).exists():
                model.objects.create(translation_key=row.translation_key, locale=locales["en"], name=row.name_en,
                                     name_en="", slug=row.slug)

    english = {}
    for name in ("CoursePage", "ProgrammePage"):
        model = apps.get_model("courses", name)
        english.update(dict(model.objects.filter(locale=default).exclude(summary_en="")
                            .values_list("pk", "summary_en")))
    if english:
        _english_pages(english)


def _english_pages(english: dict[int, str]) -> None:
    """Draft English translations of the pages that had an English summary. Page copies need the real page
    classes (tree paths, revisions): this runs only where such pages exist, i.e. on a database upgraded from the
    version with `summary_en`, at this step of the migrations."""
    from wagtail.models import Locale, Page

    locale = Locale.objects.get(language_code="en")
    for pk, summary in english.items():
        page = Page.objects.get(pk=pk).specific
        translation = page.get_translation_or_none(locale)
        if translation is None:
            translation = page.copy_for_translation(locale, copy_parents=True)
        translation = translation.specific
        translation.summary = summary
        translation.save_revision()
        if not translation.live:
            type(translation).objects.filter(pk=translation.pk).update(summary=summary)


class Migration(migrations.Migration):

    dependencies = [
        ("courses", "0004_translatable_snippets_and_parts"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
