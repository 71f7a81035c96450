"""The sitemap: the live public pages of every language's tree, each with its live translations as hreflang
alternates (read with the pages, not one query per page)."""

from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class TranslatedSitemap(Sitemap):
    def items(self):
        site = self.get_wagtail_site()
        in_trees = Q()
        for root in Page.objects.filter(translation_key=site.root_page.translation_key):
            in_trees |= Q(path__startswith=root.path)
        return (Page.objects.live().public().filter(in_trees, alias_of__isnull=True).order_by("path")
                .defer_streamfields().specific())

    def _alternates(self) -> dict[str, list[dict]]:
        """page URL -> the page's versions (language and URL) when it has more than one."""
        versions = defaultdict(list)
        for page in self.items().select_related("locale"):
            url = page.get_full_url(self.request)
            if url:
                versions[page.translation_key].append({"lang_code": page.locale.language_code, "location": url})
        order = [code for code, _name in settings.LANGUAGES]
        result = {}
        for found in versions.values():
            if len(found) > 1:
                found.sort(key=lambda v: order.index(v["lang_code"]) if v["lang_code"] in order else len(order))
                for version in found:
                    result[version["location"]] = found
        return result

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        alternates = self._alternates()
        for url in urls:
            if url["location"] in alternates:
                url["alternates"] = alternates[url["location"]]
        return urls
