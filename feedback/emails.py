"""The invitation and the reminder e-mail, rebuilt by the outbox's worker from ids at each attempt."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from enrollment.models import Enrollment

from .models import Invitation
from .tokens import invitation_path

BUILDER = "feedback.emails.build_feedback_email"
KINDS = ("feedback_invitation", "feedback_reminder")


def _language(invitation: Invitation) -> str:
    language = (Enrollment.objects.filter(cohort_id=invitation.survey.cohort_id, user_id=invitation.user_id)
                .values_list("language", flat=True).first())
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def build_feedback_email(*, invitation_id: int, kind: str) -> EmailMultiAlternatives | None:
    invitation = (Invitation.objects.select_related("user", "survey__questionnaire", "survey__cohort__course",
                                                    "survey__session")
                  .filter(pk=invitation_id).first())
    if invitation is None or invitation.answered_on is not None and kind == "feedback_reminder":
        return None
    language = _language(invitation)
    with translation.override(language):
        survey = invitation.survey
        context = {
            "kind": kind, "user": invitation.user, "survey": survey, "course": survey.cohort.course,
            "questionnaire": survey.questionnaire,
            "answer_url": settings.SITE_URL.rstrip("/") + invitation_path(invitation),
        }
        if kind == "feedback_reminder":
            subject = _("Reminder: your feedback on %(course)s") % {"course": survey.cohort.course.title}
        else:
            subject = _("Your feedback on %(course)s") % {"course": survey.cohort.course.title}
        message = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body=render_to_string("feedback/email/invitation.txt", context),
            to=[invitation.user.email], headers={"Content-Language": language})
        message.attach_alternative(render_to_string("feedback/email/invitation.html", context), "text/html")
    return message
