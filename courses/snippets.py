"""Reference data coordinators manage as Wagtail snippets, translatable with wagtail-localize.

Pages, programme parts and sessions point at the Estonian (default-locale) row; its translations carry only
the translated text and are shown in their language (courses/translation.py). Slugs, links and counties are the
source's.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField


class Topic(TranslatableMixin, index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100)

    panels = [FieldPanel("name"), FieldPanel("slug")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    translatable_fields = [TranslatableField("name"), SynchronizedField("slug", overridable=False)]

    class Meta(TranslatableMixin.Meta):
        unique_together = [("translation_key", "locale"), ("name", "locale"), ("slug", "locale")]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self):
        return self.name


class TargetGroup(TranslatableMixin, index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100)

    panels = [FieldPanel("name"), FieldPanel("slug")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    translatable_fields = [TranslatableField("name"), SynchronizedField("slug", overridable=False)]

    class Meta(TranslatableMixin.Meta):
        unique_together = [("translation_key", "locale"), ("name", "locale"), ("slug", "locale")]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Provider(TranslatableMixin, index.Indexed, models.Model):
    """The organisation that delivers a training."""

    name = models.CharField(_("name"), max_length=200)
    logo = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("logo"))
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    panels = [FieldPanel("name"), FieldPanel("logo"), FieldPanel("website"), FieldPanel("email"), FieldPanel("phone")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    translatable_fields = [TranslatableField("name"), SynchronizedField("logo"), SynchronizedField("website"),
                           SynchronizedField("email"), SynchronizedField("phone")]

    class Meta(TranslatableMixin.Meta):
        unique_together = [("translation_key", "locale"), ("name", "locale")]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Venue(TranslatableMixin, index.Indexed, models.Model):
    """Where sessions take place."""

    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    county = models.ForeignKey("accounts.County", on_delete=models.PROTECT, related_name="venues",
                               verbose_name=_("county"))
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True,
                                           help_text=_("Step-free access, hearing loop, parking, and so on."))
    map_url = models.URLField(_("map link"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("address"), FieldPanel("county"),
              FieldPanel("accessibility_notes"), FieldPanel("map_url")]
    search_fields = [index.SearchField("name"), index.SearchField("address"), index.AutocompleteField("name")]
    translatable_fields = [TranslatableField("name"), TranslatableField("address"),
                           SynchronizedField("county", overridable=False), TranslatableField("accessibility_notes"),
                           SynchronizedField("map_url")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.address}"
