"""The Estonian admin and account pages are wholly Estonian and in one register (formal "Teie").

The test walks the main Wagtail admin pages (as a coordinator and as an administrator) and the allauth account
pages in Estonian, collects the text people read (text, placeholders, titles, labels, the sidebar's menu data)
and reports:
- English left over: a piece of text that is an English message of Wagtail, allauth or Django which the
  active Estonian catalogues do not translate ("Search…", "Help", "There are 2 matches", "just now");
- the informal register: "sa", "sinu", "oled" and the like, in any text.

Strings Wagtail's and allauth's Estonian catalogues lack, or give informally, are overridden in the project's
catalogue (locale/et/LC_MESSAGES/django.po, which LOCALE_PATHS puts before every app's).
"""

import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
import wagtail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext

from tests import factories
from tests.courses.conftest import cohort_with_session

pytestmark = pytest.mark.django_db

SITE_PACKAGES = Path(wagtail.__file__).resolve().parent.parent
SOURCE_CATALOGUES = ["wagtail/**/locale/en/LC_MESSAGES/django.po", "allauth/locale/en/LC_MESSAGES/django.po",
                     "django/conf/locale/en/LC_MESSAGES/django.po",
                     "django/contrib/auth/locale/en/LC_MESSAGES/django.po"]
# The same word in Estonian, or a name.
SAME_IN_ESTONIAN = {"ok", "pdf", "csv", "xlsx", "json", "url", "id", "api", "wagtail", "oskus",
                    "html", "ics", "qr", "slug", "seo", "tara", "totp", "utc", "link", "number"}
# Lower case or capitalised (not "SU", a time zone's name).
INFORMAL = re.compile(r"\b([Ss]a|[Ss]ina|[Ss]inu|[Ss]ind|[Ss]ulle|[Ss]ul|[Ss]inul|[Ss]inust|[Ss]u|[Oo]led|[Ss]oovid|"
                      r"[Tt]ahad|[Uu]nustasid|[Ss]isestasid|[Pp]ead|[Vv]õid)\b")
ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "data-w-tooltip-content-value")


class _Text(HTMLParser):
    """The text of a page: text nodes, the readable attributes, and the strings of JSON data scripts (the
    Wagtail sidebar is built from such data)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._script: str | None = None
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self._script = attrs.get("type", "") if tag == "script" else None
            self._skip += 1
        for name in ATTRIBUTES:
            if attrs.get(name):
                self.chunks.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.chunks.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1
            self._script = None

    def handle_data(self, data):
        if self._skip:
            if self._script == "application/json":
                try:
                    self.chunks.extend(_strings(json.loads(data)))
                except ValueError:
                    pass
            return
        self.chunks.append(data)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("url", "icon_name", "name", "classnames", "attrs", "id", "action"):
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def page_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    chunks = (" ".join(chunk.split()).strip(" :*") for chunk in parser.chunks)
    return [chunk for chunk in chunks if re.search(r"[A-Za-zÕÄÖÜõäöü]{2}", chunk)]


def _po_entries(path: Path):
    """(msgctxt, msgid, msgid_plural) of a source (English) catalogue."""
    import polib

    for entry in polib.pofile(str(path)):
        if not entry.obsolete and entry.msgid:
            yield entry.msgctxt, entry.msgid, entry.msgid_plural or None


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{\s*\w+\s*\}\}|\{\w*\}")


@cache
def english_messages() -> tuple[dict, list]:
    """The English messages that may reach a page: exact texts, and patterns for those with placeholders."""
    exact, patterns = {}, []
    for pattern in SOURCE_CATALOGUES:
        for path in SITE_PACKAGES.glob(pattern):
            for context, msgid, plural in _po_entries(path):
                for text in filter(None, (msgid, plural)):
                    if "<" in text or len(text) > 200:
                        continue
                    normal = " ".join(text.split()).strip(" :*")
                    if PLACEHOLDER.search(normal):
                        # Only patterns with words of their own ("%(a)s - %(b)s" would match anything).
                        if re.search(r"[A-Za-z]{3,}", PLACEHOLDER.sub("", normal)):
                            parts = [re.escape(p) for p in PLACEHOLDER.split(normal)]
                            patterns.append((re.compile(".+?".join(parts), re.IGNORECASE), (context, msgid, plural)))
                    else:
                        exact.setdefault(normal.lower(), (context, msgid, plural))
    return exact, patterns


def _untranslated(context, msgid, plural) -> bool:
    """True when the active (Estonian) catalogues give the English text back."""
    if plural:
        shown = npgettext(context, msgid, plural, 2) if context else ngettext(msgid, plural, 2)
        shown_one = npgettext(context, msgid, plural, 1) if context else ngettext(msgid, plural, 1)
        return shown == plural or shown_one == msgid
    return (pgettext(context, msgid) if context else gettext(msgid)) == msgid


def untranslated_messages(chunks: list[str]) -> list[tuple[str, tuple]]:
    """(text on the page, (msgctxt, msgid, msgid_plural)) of each English message the page shows."""
    exact, patterns = english_messages()
    found = []
    for chunk in chunks:
        if chunk.lower() in SAME_IN_ESTONIAN:
            continue
        entry = exact.get(chunk.lower())
        if entry is None and len(chunk) <= 200:
            entry = next((e for regex, e in patterns if regex.fullmatch(chunk)), None)
        if entry is not None and _untranslated(*entry):
            found.append((chunk, entry))
    return found


def english_left(chunks: list[str]) -> list[str]:
    return [f"{chunk!r} <- " + (f"{context}\u0004" if context else "") + repr(msgid)
            + (f" / {plural!r}" if plural else "") for chunk, (context, msgid, plural) in untranslated_messages(chunks)]


def informal(chunks: list[str]) -> list[str]:
    return [chunk for chunk in chunks if INFORMAL.search(chunk)]


@pytest.fixture
def walked(site_tree, coordinator, client):
    """The main admin and account pages, in Estonian, with enough data for listings, searches and forms."""
    from wagtail.users.models import UserProfile

    catalogue = site_tree["catalogue"]
    factories.ProviderFactory(name="Vaimse tervise keskus")
    factories.ProviderFactory(name="Vaimse heaolu selts")
    course = factories.CoursePageFactory(title="Eakate vaimne tervis", parent=catalogue)
    cohort = cohort_with_session(course, seats=2, venue=factories.VenueFactory())
    factories.EnrollmentFactory(cohort=cohort, status="waitlisted")
    admin = factories.UserFactory(is_staff=True, is_superuser=True, groups=["Administrators"])
    for user in (admin, coordinator):
        UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": "et"})
    pages = {}
    with translation.override("et"):
        for name, url in {
            "log-in": reverse("account_login"),
            "sign-up": reverse("account_signup"),
            "password-reset": reverse("account_reset_password"),
        }.items():
            pages[name] = client.get(url)
        pages["log-in-error"] = client.post(reverse("account_login"), {"login": "x@example.ee", "password": "x"})
        for who, user in (("coordinator", coordinator), ("administrator", admin)):
            client.force_login(user)
            urls = {
                "dashboard": reverse("wagtailadmin_home"),
                "explorer": reverse("wagtailadmin_explore", args=[catalogue.pk]),
                "page-search": reverse("wagtailadmin_pages:search") + "?q=vaimne",
                "page-edit": reverse("wagtailadmin_pages:edit", args=[course.pk]),
                "providers-search": reverse("wagtailsnippets_courses_provider:list") + "?q=vaimse",
                "cohorts": reverse("enrollment_cohorts:index"),
                "cohort-overview": reverse("enrollment_cohorts:overview", args=[cohort.pk]),
                "enrollments": reverse("enrollment_enrollments:index"),
                "account": reverse("wagtailadmin_account"),
            }
            if who == "administrator":
                urls["users"] = reverse("wagtailusers_users:index")
                urls["users-search"] = reverse("wagtailusers_users:index") + "?q=mari"
            for name, url in urls.items():
                pages[f"{who}:{name}"] = client.get(url)
        for name, url in {"e-mail": reverse("account_email"), "password": reverse("account_change_password"),
                          "log-out": reverse("account_logout"), "two-factor": reverse("mfa_index")}.items():
            pages[name] = client.get(url)
        bad = {name: r.status_code for name, r in pages.items() if r.status_code not in (200, 400)}
        assert bad == {}
        return {name: page_text(r.content.decode()) for name, r in pages.items()}


def test_the_walk_sees_the_strings_it_looks_for(walked):
    """The detector itself: it recognises English and informal Estonian text in a page."""
    with translation.override("et"):
        assert english_left(page_text('<p>Totally made up <b>xyzzy</b></p>')) == []
        assert informal(page_text("<p>Kas oled kindel?</p>")) == ["Kas oled kindel?"]
    assert any("Eakate vaimne tervis" in chunk for chunk in walked["coordinator:explorer"])
    assert "Email" in walked["log-in"] or "E-post" in walked["log-in"]  # the log-in field's label is read


def test_estonian_admin_and_account_pages_show_no_english(walked):
    with translation.override("et"):
        found = {name: left for name, chunks in walked.items() if (left := english_left(chunks))}
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


def test_estonian_admin_and_account_pages_use_the_formal_register(walked):
    found = {name: left for name, chunks in walked.items() if (left := informal(chunks))}
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


assert django  # the Django catalogue is one of the sources (SOURCE_CATALOGUES)
