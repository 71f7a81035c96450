"""Questionnaires, the course's feedback settings, the questionnaires sent to a cohort (surveys), who was
invited and who answered, and the answers.

Anonymity is a property of the tables, not of the pages: an anonymous answer (`AnonymousResponse`) has a random
UUID primary key, the survey it answers and the answers themselves, and nothing else: no person, no enrollment,
no time, no sequence. That a person answered is recorded apart, on their `Invitation` (the day only).
Models hold data and constraints only; every change goes through feedback/services.py.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable


def _in_language(estonian: str, english: str) -> str:
    return english if (translation.get_language() or "et").startswith("en") and english else estonian


class QuestionKind(models.TextChoices):
    RATING = "rating", _("Rating scale (1–5)")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")
    RECOMMEND = "recommend", _("Recommendation (0–10)")


RATING_SCALE = range(1, 6)
RECOMMEND_SCALE = range(0, 11)


class Questionnaire(ClusterableModel):
    """A questionnaire coordinators write once and reuse for any number of courses."""

    title = models.CharField(_("title (Estonian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    intro = models.TextField(_("introduction (Estonian)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    answer_days = models.PositiveSmallIntegerField(
        _("open for (days)"), default=28, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("How many days after the invitation the questionnaire can be answered."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("title_en")]),
        FieldRowPanel([FieldPanel("intro"), FieldPanel("intro_en")]),
        FieldPanel("answer_days"),
        InlinePanel("questions", label=_("Questions"), min_num=1),
    ]

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    @property
    def display_title(self) -> str:
        return _in_language(self.title, self.title_en)

    @property
    def display_intro(self) -> str:
        return _in_language(self.intro, self.intro_en)


class Question(Orderable):
    questionnaire = ParentalKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices, default=QuestionKind.RATING)
    text = models.CharField(_("question (Estonian)"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    choices = models.TextField(_("options (Estonian)"), blank=True,
                               help_text=_("Single and multiple choice: one option per line."))
    choices_en = models.TextField(_("options (English)"), blank=True,
                                  help_text=_("The same options in English, in the same order."))
    required = models.BooleanField(_("answer required"), default=False)
    measures_implementation = models.BooleanField(
        _("measures implementation"), default=False,
        help_text=_("Single choice in a follow-up: the share who choose the FIRST option (e.g. “Yes”) is the "
                    "implementation rate."))

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("required"), FieldPanel("measures_implementation")]),
        FieldRowPanel([FieldPanel("text"), FieldPanel("text_en")]),
        FieldRowPanel([FieldPanel("choices"), FieldPanel("choices_en")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text

    @property
    def display_text(self) -> str:
        return _in_language(self.text, self.text_en)

    @staticmethod
    def _lines(value: str) -> list[str]:
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def options(self) -> list[str]:
        """The options in the active language (Estonian when the English ones are missing)."""
        estonian, english = self._lines(self.choices), self._lines(self.choices_en)
        if (translation.get_language() or "et").startswith("en") and len(english) == len(estonian):
            return english
        return estonian

    def scale(self) -> list[int]:
        return list(RATING_SCALE if self.kind == QuestionKind.RATING else RECOMMEND_SCALE)

    @property
    def has_options(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

    @property
    def is_numeric(self) -> bool:
        return self.kind in (QuestionKind.RATING, QuestionKind.RECOMMEND)

    def clean(self):
        estonian, english = self._lines(self.choices), self._lines(self.choices_en)
        if self.has_options and len(estonian) < 2:
            raise ValidationError({"choices": _("Give at least two options, one per line.")})
        if english and len(english) != len(estonian):
            raise ValidationError({"choices_en": _("Give as many English options as Estonian ones.")})
        if self.measures_implementation and self.kind != QuestionKind.SINGLE:
            raise ValidationError({"measures_implementation": _("Only a single-choice question can measure "
                                                                "implementation.")})


class CourseFeedbackSettings(ClusterableModel):
    """Which questionnaires a course sends, and whether the answers are anonymous. Kept apart from the course
    page (courses knows nothing of feedback)."""

    course = models.OneToOneField("courses.CoursePage", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("course"))
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("questionnaire after the training"))
    session_questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("questionnaire after each session"),
        help_text=_("Optional. When chosen, everyone marked present at a session is also asked after that session "
                    "ends. The session that ends the training is asked by the questionnaire after the training "
                    "instead, when there is one."))
    anonymous = models.BooleanField(
        _("anonymous"), default=True,
        help_text=_("Anonymous: nobody, not even an administrator, can tell who answered what, and results are "
                    "shown once at least five people answered. Named: each person's answer is kept with their "
                    "name and can be changed until the questionnaire closes."))

    panels = [
        FieldPanel("course"),
        MultiFieldPanel([FieldPanel("questionnaire"), FieldPanel("session_questionnaire"), FieldPanel("anonymous")],
                        heading=_("After the training")),
        InlinePanel("follow_ups", label=_("Follow-up questionnaires")),
    ]

    class Meta:
        verbose_name = _("course feedback settings")
        verbose_name_plural = _("course feedback settings")

    def __str__(self):
        return str(self.course)


class FollowUp(Orderable):
    settings = ParentalKey(CourseFeedbackSettings, on_delete=models.CASCADE, related_name="follow_ups")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("questionnaire"))
    months = models.PositiveSmallIntegerField(_("months after completion"),
                                              validators=[MinValueValidator(1), MaxValueValidator(36)])

    panels = [FieldRowPanel([FieldPanel("questionnaire"), FieldPanel("months")])]

    class Meta(Orderable.Meta):
        verbose_name = _("follow-up questionnaire")
        verbose_name_plural = _("follow-up questionnaires")
        constraints = [models.UniqueConstraint(fields=["settings", "months"], name="feedback_one_follow_up_per_month")]


class SurveyKind(models.TextChoices):
    AFTER = "after", _("After the training")
    FOLLOW_UP = "follow_up", _("Follow-up")
    SESSION = "session", _("After a session")


class Survey(models.Model):
    """One questionnaire sent to one cohort: after the training, a follow-up `months` later, or after one of its
    sessions (`session`; emptied if the session is deleted later, so that its answers stay)."""

    cohort = models.ForeignKey("enrollment.Cohort", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("cohort"))
    session = models.ForeignKey("enrollment.Session", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("session"))
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="surveys",
                                      verbose_name=_("questionnaire"))
    kind = models.CharField(_("kind"), max_length=16, choices=SurveyKind.choices)
    months = models.PositiveSmallIntegerField(_("months after completion"), default=0)
    anonymous = models.BooleanField(_("anonymous"))
    opened_on = models.DateField(_("opened"))
    closes_on = models.DateField(_("closes"), help_text=_("The last day answers are accepted."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire sent")
        verbose_name_plural = _("questionnaires sent")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "kind", "months"], condition=~models.Q(kind="session"),
                                    name="feedback_one_survey_per_step"),
            models.UniqueConstraint(fields=["session"], condition=models.Q(kind="session"),
                                    name="feedback_one_survey_per_session"),
            models.CheckConstraint(condition=models.Q(kind="session") | models.Q(session__isnull=True),
                                   name="feedback_only_session_surveys_name_a_session"),
        ]

    def __str__(self):
        return f"{self.questionnaire} · {self.cohort}"

    @property
    def session_day(self):
        """The local day of the session a session survey asks about (None otherwise, or once it is deleted)."""
        return timezone.localtime(self.session.starts_at).date() if self.session_id else None


class Invitation(models.Model):
    """A person invited to answer a survey; `answered_on` is the "has answered" record (the day only, kept
    apart from the answer).

    `answered_sealed`: for an anonymous survey, the "has answered" record has been rewritten in a transaction of
    its own, after the survey's answers were re-stamped (services.anonymity_seal), so that no PostgreSQL
    transaction id pairs it with the answer. Written false with the answer; the after-commit step seals it at
    once and `manage.py sweep` seals whatever a dead process left behind.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    invited_at = models.DateTimeField(_("invited"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    answered_on = models.DateField(_("answered"), null=True, blank=True)
    answered_sealed = models.BooleanField(_("answer unlinked"), default=False, editable=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="feedback_one_invitation_per_person")]

    def __str__(self):
        return f"{self.survey_id}/{self.pk}"


class AnonymousResponse(models.Model):
    """One anonymous answer: a random key, the survey, the answers. Deliberately nothing else (no person, no
    enrollment, no time, no sequence): tests/feedback/test_anonymity.py checks the table's columns."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="anonymous_responses")
    answers = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("anonymous answer")
        verbose_name_plural = _("anonymous answers")
        ordering = ["id"]  # random: says nothing about who or when

    def __str__(self):
        return str(self.id)


class NamedResponse(models.Model):
    """A named answer (or its unfinished draft, `submitted_at` empty): one per person and survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="named_responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_answers")
    answers = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("named answer")
        verbose_name_plural = _("named answers")
        constraints = [models.UniqueConstraint(fields=["survey", "user"], name="feedback_one_named_answer")]

    def __str__(self):
        return f"{self.survey_id}/{self.user_id}"
