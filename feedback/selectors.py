"""Feedback reads: results (response rate, averages, distributions, free text, implementation rate), who may
see them, the prompts in "My trainings", the person's own named answers (personal_data) and the downloads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enrollment.models import Cohort, CohortStatus

from .models import AnonymousResponse, Invitation, NamedResponse, Question, QuestionKind, Survey
from .tokens import invitation_path


def anonymous_threshold() -> int:
    return int(getattr(settings, "FEEDBACK_MIN_ANONYMOUS_ANSWERS", 5))


@dataclass
class Bar:
    label: str
    count: int
    percent: float


@dataclass
class QuestionResult:
    question: Question
    count: int = 0
    average: float | None = None
    bars: list[Bar] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def chart_id(self) -> str:
        return f"fb-chart-{self.question.pk}"

    @property
    def chart_data_id(self) -> str:
        return f"{self.chart_id}-data"

    @property
    def chart(self) -> dict:
        """What feedback/js/charts.js gives Chart.js: the table's own figures (the counts), never other ones.
        Options are drawn as horizontal bars (their labels can be long), scales as columns."""
        return {"type": "bar", "horizontal": self.question.has_options, "label": _("Answers"),
                "labels": [bar.label for bar in self.bars], "data": [bar.count for bar in self.bars]}


@dataclass
class Results:
    survey: Survey
    invited: int
    answered: int
    shown: bool
    questions: list[QuestionResult] = field(default_factory=list)
    implementation_rate: float | None = None

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited * 100 if self.invited else None

    @property
    def threshold(self) -> int:
        return anonymous_threshold()


def _answer_sets(survey: Survey) -> list[dict]:
    if survey.anonymous:
        return list(AnonymousResponse.objects.filter(survey=survey).order_by("id").values_list("answers", flat=True))
    return list(NamedResponse.objects.filter(survey=survey, submitted_at__isnull=False).order_by("pk")
                .values_list("answers", flat=True))


def _question_result(question: Question, values: list) -> QuestionResult:
    result = QuestionResult(question=question, count=len(values))
    if question.kind == QuestionKind.TEXT:
        result.texts = sorted(str(v) for v in values)  # sorted: the order says nothing about who wrote what
        return result
    if question.is_numeric:
        labels = [str(v) for v in question.scale()]
        counts = {v: 0 for v in question.scale()}
        for v in values:
            if v in counts:
                counts[v] += 1
        result.average = sum(values) / len(values) if values else None
        keys = list(counts)
    else:
        labels = question.options()
        counts = {i: 0 for i in range(len(labels))}
        for v in values:
            for i in (v if isinstance(v, list) else [v]):
                if i in counts:
                    counts[i] += 1
        keys = list(counts)
    total = len(values) or 1
    result.bars = [Bar(label=label, count=counts[key], percent=round(counts[key] / total * 100, 1))
                   for label, key in zip(labels, keys, strict=True)]
    return result


def survey_results(survey: Survey) -> Results:
    """The survey's figures; anonymous answers only once at least FEEDBACK_MIN_ANONYMOUS_ANSWERS answered."""
    invited = Invitation.objects.filter(survey=survey).count()
    answer_sets = _answer_sets(survey)
    answered = len(answer_sets)
    shown = answered >= anonymous_threshold() if survey.anonymous else answered > 0
    results = Results(survey=survey, invited=invited, answered=answered, shown=shown)
    if not shown:
        return results
    implementation = []
    for question in survey.questionnaire.questions.all():
        values = [a[str(question.pk)] for a in answer_sets if str(question.pk) in a]
        results.questions.append(_question_result(question, values))
        if question.measures_implementation and question.kind == QuestionKind.SINGLE:
            implementation += [v == 0 for v in values]
    if implementation:
        results.implementation_rate = sum(implementation) / len(implementation) * 100
    return results


@dataclass
class Summary:
    """One line of a results table (a survey, or all of a trainer's surveys)."""

    label: str
    invited: int = 0
    answered: int = 0
    rating_values: list = field(default_factory=list)
    recommend_values: list = field(default_factory=list)
    implementation: list = field(default_factory=list)
    hidden: int = 0
    survey: Survey | None = None

    @property
    def response_rate(self):
        return self.answered / self.invited * 100 if self.invited else None

    @property
    def average_rating(self):
        return sum(self.rating_values) / len(self.rating_values) if self.rating_values else None

    @property
    def average_recommendation(self):
        return sum(self.recommend_values) / len(self.recommend_values) if self.recommend_values else None

    @property
    def implementation_rate(self):
        return sum(self.implementation) / len(self.implementation) * 100 if self.implementation else None

    def add(self, survey: Survey) -> None:
        results = survey_results(survey)
        self.invited += results.invited
        self.answered += results.answered
        if not results.shown:
            self.hidden += 1
            return
        for q in results.questions:
            if q.question.is_numeric:
                target = self.rating_values if q.kind == QuestionKind.RATING else self.recommend_values
                for scale_value, bar in zip(q.question.scale(), q.bars, strict=True):
                    target += [scale_value] * bar.count
            if q.question.measures_implementation and q.bars:
                yes = q.bars[0].count
                self.implementation += [True] * yes + [False] * (q.count - yes)


def surveys(*, course_id=None, cohort_id=None, trainer_id=None, finished_only=False):
    queryset = Survey.objects.select_related("questionnaire", "cohort__course", "session").order_by("-opened_on", "-pk")
    if course_id:
        queryset = queryset.filter(cohort__course_id=course_id)
    if cohort_id:
        queryset = queryset.filter(cohort_id=cohort_id)
    if trainer_id:
        queryset = queryset.filter(cohort__trainers__id=trainer_id).distinct()
    if finished_only:
        queryset = queryset.filter(cohort__status=CohortStatus.FINISHED)
    return queryset


def survey_summaries(queryset) -> list[Summary]:
    rows = []
    for survey in queryset:
        summary = Summary(label=str(survey.cohort), survey=survey)
        summary.add(survey)
        rows.append(summary)
    return rows


def course_over_time(course_id: int) -> list[Summary]:
    """The course's surveys, oldest first: how the figures moved from cohort to cohort."""
    return list(reversed(survey_summaries(surveys(course_id=course_id))))


def per_trainer() -> list[tuple[object, Summary]]:
    """Every trainer of a cohort that was asked, with the figures of all their cohorts' surveys together."""
    from accounts.models import User

    trainer_ids = (Cohort.trainers.through.objects.filter(cohort_id__in=Survey.objects.values("cohort_id"))
                   .values_list("user_id", flat=True).distinct())
    rows = []
    for trainer in User.objects.filter(pk__in=trainer_ids).order_by("full_name", "pk"):
        summary = Summary(label=trainer.full_name or trainer.email)
        for survey in surveys(trainer_id=trainer.pk):
            summary.add(survey)
        rows.append((trainer, summary))
    return rows


def trainer_may_see(user, survey: Survey) -> bool:
    """A trainer sees the results of their own cohorts once the cohort has closed."""
    cohort = survey.cohort
    return (cohort.status == CohortStatus.FINISHED
            and cohort.trainers.filter(pk=user.pk).exists())


def trainer_links(*, user, cohorts) -> list:
    """The trainer's "My cohorts" page (enrollment's trainer_links hook): a link to the feedback on their own
    closed cohorts, and one on each such cohort's card, once a questionnaire was sent for it. The same rule as
    the pages it leads to (`surveys(trainer_id=…, finished_only=True)`); one query, none without a closed
    cohort."""
    from enrollment.attendance.trainer_links import TrainerLink

    closed = [cohort.pk for cohort in cohorts if cohort.status == CohortStatus.FINISHED]
    if not closed:
        return []
    asked = set(surveys(trainer_id=user.pk, finished_only=True).filter(cohort_id__in=closed).order_by()
                .values_list("cohort_id", flat=True).distinct())
    if not asked:
        return []
    index = reverse("feedback_trainer_index")
    return [TrainerLink(url=index, label=_("Feedback on my cohorts"))] + [
        TrainerLink(url=f"{index}?cohort={cohort_id}", label=_("Feedback results"), cohort_id=cohort_id)
        for cohort_id in closed if cohort_id in asked]


def my_trainings_prompts(user) -> list:
    """Open questionnaires the person has not answered: a line at the top of "My trainings"."""
    from enrollment.my_trainings.prompts import Prompt

    today = timezone.localdate()
    # Part of the person's cached My trainings page (read when it is built): feedback's signals say when it
    # changes (apps.py), and each prompt says until when it applies.
    invitations = list(Invitation.objects.filter(user=user, answered_on__isnull=True, survey__closes_on__gte=today)
                       .select_related("survey").order_by("survey__closes_on", "pk"))
    if not invitations:
        return []
    invitations = (Invitation.objects.filter(pk__in=[i.pk for i in invitations])
                   .select_related("survey__cohort__course", "survey__session").order_by("survey__closes_on", "pk"))
    return [Prompt(text=_prompt_text(i.survey), url=invitation_path(i), link_label=_("Answer the questionnaire"),
                   until=_day_after(i.survey.closes_on)) for i in invitations]


def _day_after(day: dt.date) -> dt.datetime:
    """The start of the day after `day` in the site's time zone: when a questionnaire closing on `day` closes."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _prompt_text(survey: Survey) -> str:
    values = {"course": survey.cohort.course.title, "date": survey.closes_on.strftime("%d.%m.%Y")}
    if survey.session_day:
        return _("Please give your feedback on the session of %(day)s of %(course)s (open until %(date)s).") % {
            **values, "day": survey.session_day.strftime("%d.%m.%Y")}
    return _("Please give your feedback on %(course)s (open until %(date)s).") % values


def named_answer_form_data(invitation: Invitation) -> dict:
    """The person's named answer (or draft) as form data, to show it again."""
    from .services import answers_as_form_data

    response = NamedResponse.objects.filter(survey_id=invitation.survey_id, user_id=invitation.user_id).first()
    return answers_as_form_data(invitation.survey.questionnaire, response.answers) if response else {}


def answer_display(question: Question, value) -> str:
    if value is None:
        return ""
    if question.kind == QuestionKind.MULTIPLE:
        options = question.options()
        return "; ".join(options[i] for i in value if 0 <= i < len(options))
    if question.kind == QuestionKind.SINGLE:
        options = question.options()
        return options[value] if 0 <= value < len(options) else ""
    return str(value)


def personal_data(user) -> list[dict]:
    """The person's named answers as plain dicts (My data export). Anonymous answers belong to nobody."""
    rows = []
    for response in (NamedResponse.objects.filter(user=user).select_related("survey__questionnaire",
                                                                            "survey__cohort__course")
                     .order_by("pk")):
        questions = {str(q.pk): q for q in response.survey.questionnaire.questions.all()}
        rows.append({
            "course": response.survey.cohort.course.title,
            "cohort": response.survey.cohort.code,
            "questionnaire": response.survey.questionnaire.title,
            "submitted_at": response.submitted_at.isoformat() if response.submitted_at else None,
            "answers": [{"question": questions[key].text, "answer": answer_display(questions[key], value)}
                        for key, value in response.answers.items() if key in questions],
        })
    return rows


def invitations_data(user) -> list[dict]:
    """The surveys the person was invited to and whether (the day) they answered; never which answer, for an
    anonymous survey nothing links the two."""
    return [{"course": i.survey.cohort.course.title, "cohort": i.survey.cohort.code,
             "questionnaire": i.survey.questionnaire.title, "anonymous": i.survey.anonymous,
             "invited_at": i.invited_at.isoformat(),
             "reminded_at": i.reminded_at.isoformat() if i.reminded_at else None,
             "answered_on": i.answered_on.isoformat() if i.answered_on else None}
            for i in (Invitation.objects.filter(user=user)
                      .select_related("survey__questionnaire", "survey__cohort__course").order_by("pk"))]


def export_rows(survey: Survey) -> list[list]:
    """Heading and one row per answer (anonymous: only when shown, in random order, without names)."""
    questions = list(survey.questionnaire.questions.all())
    heading = ([] if survey.anonymous else [_("Name"), _("E-mail")]) + [q.text for q in questions]
    rows = [heading]
    if survey.anonymous:
        if not survey_results(survey).shown:
            return rows
        for answers in _answer_sets(survey):
            rows.append([answer_display(q, answers.get(str(q.pk))) for q in questions])
        return rows
    for response in (NamedResponse.objects.filter(survey=survey, submitted_at__isnull=False)
                     .select_related("user").order_by("user__full_name", "pk")):
        rows.append([response.user.full_name, response.user.email]
                    + [answer_display(q, response.answers.get(str(q.pk))) for q in questions])
    return rows


def response_counts(queryset):
    return queryset.annotate(invited=Count("invitations"),
                             answered=Count("invitations", filter=Q(invitations__answered_on__isnull=False)))
