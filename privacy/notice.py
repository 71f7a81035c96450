"""The privacy notice: a snippet administrators edit in Wagtail (the "Privacy notice" menu; one is shown, the
latest), shown at /privacy/ and linked from sign-up, the enroll form and the footer
(context_processors.privacy_notice)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField


class PrivacyNotice(models.Model):
    body = RichTextField(_("text"), blank=True,
                         help_text=_("What is collected, why, for how long, who receives it and the person's rights."))
    controller_name = models.CharField(_("controller"), max_length=200, blank=True,
                                       help_text=_("The organisation responsible for the personal data."))
    controller_email = models.EmailField(_("controller's e-mail"), blank=True)
    controller_phone = models.CharField(_("controller's phone"), max_length=50, blank=True)
    controller_address = models.CharField(_("controller's address"), max_length=300, blank=True)
    dpo_email = models.EmailField(_("data protection officer's e-mail"), blank=True)

    panels = [
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("controller_name"), FieldPanel("controller_email"),
                         FieldPanel("controller_phone"), FieldPanel("controller_address"), FieldPanel("dpo_email")],
                        heading=_("Controller's contact")),
    ]

    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notice")

    def __str__(self):
        return self.controller_name or str(_("Privacy notice"))

    @classmethod
    def current(cls):
        return cls.objects.order_by("-updated_at", "-id").first()
