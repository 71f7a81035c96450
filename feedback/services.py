"""Every change in feedback: questionnaires and course settings, invitations and reminders (the periodic
sweep), drafts and answers. Refusals raise feedback.exceptions; each change is one transaction.

Anonymous answers are written so that the link to the person is broken at write time: the answer row holds
no person, enrollment, time or sequence (models.AnonymousResponse); that the person answered is recorded on
their invitation (the day only). Both are written in one transaction (nothing half-saved), so PostgreSQL stamps
both rows with that transaction's id (xmin); `anonymity_seal` then re-stamps the survey's answers and, in a
second transaction, the "has answered" record, so that no stamp pairs them. It runs right after the commit
(the fast path) and from `manage.py sweep` for whatever a process that died after the commit left unsealed
(`Invitation.answered_sealed`). A half-done anonymous answer is never stored on the server: it is returned as a
signed token the browser keeps (a cookie).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from enrollment.attendance.models import ATTENDED_STATUSES, Attendance
from enrollment.models import Cohort, CohortStatus, Enrollment, EnrollmentStatus, Session, SessionStatus
from outbox.services import message_enqueue

from . import tokens
from .emails import BUILDER
from .exceptions import AlreadyAnswered, FeedbackRefused, LinkExpired, LinkInvalid, SurveyClosed
from .models import (
    AnonymousResponse,
    CourseFeedbackSettings,
    FollowUp,
    Invitation,
    NamedResponse,
    Question,
    QuestionKind,
    Questionnaire,
    Survey,
    SurveyKind,
)

logger = logging.getLogger(__name__)
TEXT_MAX_LENGTH = 2000
# Statuses of people who took part in a cohort that ended (confirmed until the cohort is closed).
PARTICIPANT_STATUSES = (EnrollmentStatus.CONFIRMED, EnrollmentStatus.COMPLETED, EnrollmentStatus.NOT_COMPLETED)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def reminder_days() -> int:
    return _setting("FEEDBACK_REMINDER_DAYS", 7)


def invite_window_days() -> int:
    """A cohort that ended (or a follow-up that fell due) longer ago than this is not asked any more: switching
    feedback on for a course does not write to everyone who took it years ago."""
    return _setting("FEEDBACK_INVITE_WINDOW_DAYS", 30)


# --- questionnaires and course settings -------------------------------------------------------------------

@transaction.atomic
def questionnaire_create(*, title: str, title_en: str = "", intro: str = "", intro_en: str = "",
                         answer_days: int = 28, questions: list[dict]) -> Questionnaire:
    """A questionnaire with its questions (dicts of Question fields), validated as the admin form does."""
    questionnaire = Questionnaire(title=title, title_en=title_en, intro=intro, intro_en=intro_en,
                                  answer_days=answer_days)
    questionnaire.full_clean()
    questionnaire.save()
    for order, fields in enumerate(questions):
        question = Question(questionnaire=questionnaire, sort_order=order, **fields)
        question.full_clean()
        question.save()
    return questionnaire


@transaction.atomic
def course_feedback_configure(*, course, questionnaire: Questionnaire | None, anonymous: bool = True,
                              follow_ups: list[tuple[Questionnaire, int]] = (),
                              session_questionnaire: Questionnaire | None = None) -> CourseFeedbackSettings:
    """Set the course's questionnaire after the training, the one after each session (None: sessions are not
    asked), its mode and its follow-ups (replacing the old ones)."""
    feedback_settings, _created = CourseFeedbackSettings.objects.update_or_create(
        course=course, defaults={"questionnaire": questionnaire, "anonymous": anonymous,
                                 "session_questionnaire": session_questionnaire})
    feedback_settings.follow_ups.all().delete()
    for order, (follow_up_questionnaire, months) in enumerate(follow_ups):
        follow_up = FollowUp(settings=feedback_settings, questionnaire=follow_up_questionnaire, months=months,
                             sort_order=order)
        follow_up.full_clean(exclude=["settings"])
        follow_up.save()
    return feedback_settings


# --- invitations and reminders (manage.py sweep) ----------------------------------------------------------

def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def _attended(cohort_id: int):
    marks = Attendance.objects.filter(enrollment=OuterRef("pk"), status__in=ATTENDED_STATUSES)
    return (Enrollment.objects.filter(cohort_id=cohort_id, status__in=PARTICIPANT_STATUSES)
            .filter(Exists(marks)))


def _participants(survey: Survey):
    """Who a survey asks: after the training everyone who attended; a follow-up, those who completed; after a
    session, those marked attended at that session (a make-up participant from another cohort included)."""
    if survey.kind == SurveyKind.FOLLOW_UP:
        return Enrollment.objects.filter(cohort_id=survey.cohort_id, status=EnrollmentStatus.COMPLETED)
    if survey.kind == SurveyKind.SESSION:
        if survey.session_id is None:  # the session was deleted: nobody new to ask
            return Enrollment.objects.none()
        return Enrollment.objects.filter(status__in=PARTICIPANT_STATUSES, attendances__session_id=survey.session_id,
                                         attendances__status__in=ATTENDED_STATUSES)
    return _attended(survey.cohort_id)


def _invite(invitation: Invitation, *, kind: str) -> None:
    message_enqueue(kind=kind, recipient_id=invitation.user_id, builder=BUILDER,
                    params={"invitation_id": invitation.pk, "kind": kind}, cohort_id=invitation.survey.cohort_id)


def _invite_missing(survey: Survey, *, now: dt.datetime) -> int:
    """Invite the survey's participants not invited yet (people marked present after the first pass), in the
    caller's transaction, with the survey row locked so that two sweeps never invite one person twice."""
    Survey.objects.select_for_update().get(pk=survey.pk)
    invited = set(Invitation.objects.filter(survey=survey).values_list("user_id", flat=True))
    count = 0
    for user_id in _participants(survey).values_list("user_id", flat=True).distinct().order_by("user_id"):
        if user_id in invited:
            continue
        invitation = Invitation.objects.create(survey=survey, user_id=user_id, invited_at=now)
        invitation.survey = survey
        _invite(invitation, kind="feedback_invitation")
        count += 1
    return count


def _survey_open(*, cohort: Cohort, questionnaire: Questionnaire, kind: str, months: int, anonymous: bool,
                 now: dt.datetime, session: Session | None = None) -> int:
    """Open the survey of one step (once: the unique constraints are the idempotency key) and invite."""
    today = timezone.localdate(now)
    step = {"session": session} if kind == SurveyKind.SESSION else {"cohort": cohort, "kind": kind, "months": months}
    try:
        with transaction.atomic():
            survey, _created = Survey.objects.get_or_create(
                **step,
                defaults={"cohort": cohort, "kind": kind, "months": months, "questionnaire": questionnaire,
                          "anonymous": anonymous, "opened_on": today,
                          "closes_on": today + dt.timedelta(days=questionnaire.answer_days)})
            if survey.closes_on < today:
                return 0
            return _invite_missing(survey, now=now)
    except IntegrityError:  # another sweep opened it at the same moment: it invites
        return 0


def _due_cohorts(course_id: int, *, ended_after: dt.datetime, ended_before: dt.datetime, statuses):
    return (Cohort.objects.filter(course_id=course_id, status__in=statuses).with_dates()
            .filter(last_end__isnull=False, last_end__gt=ended_after, last_end__lte=ended_before))


def _due_sessions(course_id: int, *, ended_after: dt.datetime, ended_before: dt.datetime, skip_last: bool):
    """Sessions of the course's (not cancelled) cohorts that were held and ended in the window. With
    `skip_last`, the session that ends its cohort is left out: the questionnaire after the training asks about
    it, and one afternoon should not bring two invitations."""
    sessions = (Session.objects.filter(cohort__course_id=course_id, ends_at__gt=ended_after, ends_at__lte=ended_before)
                .exclude(status=SessionStatus.CANCELLED).exclude(cohort__status=CohortStatus.CANCELLED)
                .select_related("cohort").order_by("ends_at", "pk"))
    if skip_last:
        later = (Session.objects.filter(cohort_id=OuterRef("cohort_id"), ends_at__gt=OuterRef("ends_at"))
                 .exclude(status=SessionStatus.CANCELLED))
        sessions = sessions.filter(Exists(later))
    return sessions


def invitations_send_due(*, now: dt.datetime | None = None) -> dict:
    """The sweep's step: open the surveys that fell due (after a cohort's last session; after each of its
    sessions when the course asks so; follow-ups `months` after the last), invite who has not been invited, and
    remind once who has not answered after FEEDBACK_REMINDER_DAYS. Each survey in its own transaction;
    idempotent (run it any number of times)."""
    now = now or timezone.now()
    window = dt.timedelta(days=invite_window_days())
    invited = 0
    not_cancelled = [s for s in CohortStatus if s != CohortStatus.CANCELLED]
    for course_settings in (CourseFeedbackSettings.objects.select_related("questionnaire", "session_questionnaire")
                            .prefetch_related("follow_ups__questionnaire")):
        if course_settings.questionnaire_id:
            for cohort in _due_cohorts(course_settings.course_id, ended_after=now - window, ended_before=now,
                                       statuses=not_cancelled):
                invited += _survey_open(cohort=cohort, questionnaire=course_settings.questionnaire,
                                        kind=SurveyKind.AFTER, months=0, anonymous=course_settings.anonymous,
                                        now=now)
        if course_settings.session_questionnaire_id:
            for session in _due_sessions(course_settings.course_id, ended_after=now - window, ended_before=now,
                                         skip_last=bool(course_settings.questionnaire_id)):
                invited += _survey_open(cohort=session.cohort, session=session, kind=SurveyKind.SESSION, months=0,
                                        questionnaire=course_settings.session_questionnaire,
                                        anonymous=course_settings.anonymous, now=now)
        for follow_up in course_settings.follow_ups.all():
            # last_end + months <= now  <=>  last_end <= now - months (month arithmetic on both bounds)
            for cohort in _due_cohorts(course_settings.course_id, ended_after=add_months(now - window,
                                                                                          -follow_up.months),
                                       ended_before=add_months(now, -follow_up.months),
                                       statuses=[CohortStatus.FINISHED]):
                invited += _survey_open(cohort=cohort, questionnaire=follow_up.questionnaire,
                                        kind=SurveyKind.FOLLOW_UP, months=follow_up.months,
                                        anonymous=course_settings.anonymous, now=now)
    # Late attendance marks: people marked present after the survey opened are invited while it is open.
    today = timezone.localdate(now)
    for survey in Survey.objects.filter(closes_on__gte=today, opened_on__gte=today - window):
        with transaction.atomic():
            invited += _invite_missing(survey, now=now)
    return {"invited": invited, "reminded": reminders_send_due(now=now)}


def sweep_step() -> str:
    """`manage.py sweep`'s feedback job, reported as "<invited>/<reminded>"."""
    counts = invitations_send_due()
    return f"{counts['invited']}/{counts['reminded']}"


def anonymity_seal(*, survey_ids: list[int] | None = None) -> int:
    """Unlink the anonymous answers of the surveys that have unsealed "has answered" records (of `survey_ids`
    only, when given): returns how many records were sealed. `manage.py sweep` runs it for every survey (job
    `feedback_anonymity`); response_submit asks for it right after its commit. Idempotent, and safe when two
    run at once (the survey row is locked).

    Per survey, in two transactions of their own:
    1. Re-stamp: every answer of the survey is rewritten, one by one in the order of their random keys. They
       then share one transaction id (xmin), which no longer tells in which order they came, and a SELECT
       without ORDER BY (the rows' physical order) no longer returns them in the order they came either.
    2. Seal: the invitations found unsealed at the start of step 1 are rewritten (`answered_sealed`), in a
       transaction that is neither an answer's nor step 1's.
    An invitation is only sealed when its answer was already visible to step 1 (the invitation is read first;
    answer and invitation commit together), so a later answer is never left with the stamp of its own
    transaction: its invitation stays unsealed for the next pass.
    """
    pending = (Invitation.objects.filter(answered_on__isnull=False, answered_sealed=False, survey__anonymous=True)
               .order_by().values_list("survey_id", flat=True).distinct())
    if survey_ids is not None:
        pending = pending.filter(survey_id__in=survey_ids)
    sealed = 0
    for survey_id in sorted(set(pending)):
        with transaction.atomic():
            if not Survey.objects.select_for_update().filter(pk=survey_id).exists():
                continue
            invitation_ids = list(Invitation.objects.filter(survey_id=survey_id, answered_on__isnull=False,
                                                            answered_sealed=False).values_list("pk", flat=True))
            for answer_id in (AnonymousResponse.objects.filter(survey_id=survey_id).order_by("id")
                              .values_list("id", flat=True)):
                AnonymousResponse.objects.filter(pk=answer_id).update(answers=F("answers"))
        with transaction.atomic():
            sealed += Invitation.objects.filter(pk__in=invitation_ids, answered_sealed=False).update(
                answered_sealed=True)
    return sealed


def reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """One reminder per invitation not answered FEEDBACK_REMINDER_DAYS after it, while the survey is open. The
    conditional update is the idempotency key: a second sweep (or a concurrent one) finds nothing to send."""
    now = now or timezone.now()
    due = (Invitation.objects.filter(answered_on__isnull=True, reminded_at__isnull=True,
                                     invited_at__lte=now - dt.timedelta(days=reminder_days()),
                                     survey__closes_on__gte=timezone.localdate(now))
           .select_related("survey").order_by("pk"))
    sent = 0
    for invitation in due:
        with transaction.atomic():
            if Invitation.objects.filter(pk=invitation.pk, reminded_at__isnull=True,
                                         answered_on__isnull=True).update(reminded_at=now) != 1:
                continue
            _invite(invitation, kind="feedback_reminder")
            sent += 1
    return sent


# --- answering -------------------------------------------------------------------------------------------

def invitation_from_token(token: str, *, now: dt.datetime | None = None) -> Invitation:
    """The invitation a signed link names, checked: LinkExpired, LinkInvalid, SurveyClosed."""
    try:
        invitation_id = tokens.invitation_id_from_token(token)
    except signing.SignatureExpired:
        raise LinkExpired()
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkInvalid()
    invitation = (Invitation.objects.select_related("survey__questionnaire", "survey__cohort__course",
                                                  "survey__session", "user")
                  .filter(pk=invitation_id).first())
    if invitation is None:
        raise LinkInvalid()
    survey_check_open(invitation.survey, now=now)
    return invitation


def survey_check_open(survey: Survey, *, now: dt.datetime | None = None) -> None:
    if timezone.localdate(now or timezone.now()) > survey.closes_on:
        raise SurveyClosed()


class AnswersInvalid(FeedbackRefused):
    """Answers that do not fit the questions; `errors` maps a form field name to its message."""

    def __init__(self, errors: dict):
        from django.utils.translation import gettext_lazy as _

        self.errors = errors
        super().__init__(_("Please check the answers marked below."))


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def answers_clean(questionnaire: Questionnaire, data: dict, *, complete: bool) -> dict:
    """Form data ({"q<id>": value}) as stored answers ({"<id>": value}): numbers for scales and choices, a
    list for multiple choice, stripped text. With `complete`, a required question left empty or any value
    that does not fit is refused (AnswersInvalid); without it (a draft) such values are dropped."""
    from django.utils.translation import gettext as _

    answers, errors = {}, {}
    for question in questionnaire.questions.all():
        name = field_name(question)
        raw = data.get(name)
        value = None
        try:
            if question.kind == QuestionKind.MULTIPLE:
                items = raw if isinstance(raw, list | tuple) else ([] if raw in (None, "") else [raw])
                value = sorted({int(item) for item in items}) or None
                if value and not all(0 <= i < len(question.options()) for i in value):
                    raise ValueError
            elif question.kind == QuestionKind.SINGLE:
                value = None if raw in (None, "") else int(raw)
                if value is not None and not 0 <= value < len(question.options()):
                    raise ValueError
            elif question.is_numeric:
                value = None if raw in (None, "") else int(raw)
                if value is not None and value not in question.scale():
                    raise ValueError
            else:
                value = str(raw or "").strip()[:TEXT_MAX_LENGTH] or None
        except (TypeError, ValueError):
            errors[name] = _("Choose one of the options.")
            continue
        if value is None:
            if question.required:
                errors[name] = _("Please answer this question.")
            continue
        answers[str(question.pk)] = value
    if complete and errors:
        raise AnswersInvalid(errors)
    return answers


def answers_as_form_data(questionnaire: Questionnaire, answers: dict) -> dict:
    """Stored answers back as form data (to show a draft or a named answer again)."""
    data = {}
    for question in questionnaire.questions.all():
        value = answers.get(str(question.pk))
        if value is None:
            continue
        data[field_name(question)] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def response_save_draft(*, invitation: Invitation, answers: dict, now: dt.datetime | None = None) -> str | None:
    """Keep half-done answers. Named: on the server (the person's own answer row). Anonymous: NOT on the
    server: returns a signed token (the view puts it in a cookie on the person's device)."""
    now = now or timezone.now()
    survey = invitation.survey
    survey_check_open(survey, now=now)
    cleaned = answers_clean(survey.questionnaire, answers, complete=False)
    if survey.anonymous:
        if invitation.answered_on is not None:
            raise AlreadyAnswered()
        return tokens.draft_dumps(invitation_id=invitation.pk, answers=answers_as_form_data(survey.questionnaire,
                                                                                            cleaned))
    with transaction.atomic():
        NamedResponse.objects.update_or_create(survey=survey, user_id=invitation.user_id,
                                               defaults={"answers": cleaned})
    return None


def anonymous_draft_load(*, invitation: Invitation, token: str) -> dict:
    """The form data a signed anonymous draft holds ({} when it is not this invitation's or not valid)."""
    return tokens.draft_loads(token, invitation_id=invitation.pk) if token else {}


def response_submit(*, invitation: Invitation, answers: dict, now: dt.datetime | None = None):
    """Record the answer. Anonymous: refused (AlreadyAnswered) once the person answered; the answer row and the
    "has answered" record are written together or not at all. Named: one answer per person, which a second
    submission replaces until the questionnaire closes. Refused after the closing day (SurveyClosed)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().select_related("survey__questionnaire").get(pk=invitation.pk)
        survey = locked.survey
        survey_check_open(survey, now=now)
        cleaned = answers_clean(survey.questionnaire, answers, complete=True)
        if survey.anonymous:
            if locked.answered_on is not None:
                raise AlreadyAnswered()
            AnonymousResponse.objects.create(survey=survey, answers=cleaned)
        else:
            NamedResponse.objects.update_or_create(survey=survey, user_id=locked.user_id,
                                                   defaults={"answers": cleaned, "submitted_at": now})
        if locked.answered_on is None:
            locked.answered_on = timezone.localdate(now)
            locked.save(update_fields=["answered_on"])
        if survey.anonymous:
            # The fast path; should it fail or the process die first, the sweep seals it (anonymity_seal's
            # docstring). Robust: the answer is already committed, so a failure here is logged, not shown.
            transaction.on_commit(lambda: anonymity_seal(survey_ids=[survey.pk]), robust=True)
    invitation.answered_on = locked.answered_on
    return locked


@transaction.atomic
def personal_data_erase(user) -> None:
    """Erasure of a person (privacy app): unfinished drafts go; a submitted named answer keeps its ratings and
    choices (the account it points to is anonymised, so they count in results without a name) but loses its
    free-text answers, which may name or describe the person. Invitations stay: they hold no text, and the
    response rates stay right."""
    NamedResponse.objects.filter(user=user, submitted_at__isnull=True).delete()
    text_keys = {str(pk) for pk in Question.objects.filter(kind=QuestionKind.TEXT).values_list("pk", flat=True)}
    for response in NamedResponse.objects.filter(user=user).select_for_update():
        kept = {key: value for key, value in response.answers.items() if key not in text_keys}
        if kept != response.answers:
            response.answers = kept
            response.save(update_fields=["answers"])
