"""The answering page (from the e-mail's signed link, no log-in needed), the thank-you page, and the trainer's
results of their own closed cohorts. Views parse input and call one service or selector."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import selectors, services
from .exceptions import AlreadyAnswered, FeedbackRefused, ResultsHidden
from .forms import answer_form
from .models import Survey

DRAFT_COOKIE = "feedback_draft"


def _refused(request, refusal: FeedbackRefused):
    return render(request, "feedback/refused.html", {"message": refusal.message}, status=refusal.status)


def _cookie_name(invitation) -> str:
    return f"{DRAFT_COOKIE}_{invitation.pk}"


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request, token):
    try:
        invitation = services.invitation_from_token(token)
    except FeedbackRefused as refusal:
        return _refused(request, refusal)
    survey = invitation.survey
    questionnaire = survey.questionnaire
    if survey.anonymous and invitation.answered_on is not None:
        return _refused(request, AlreadyAnswered())
    saved = False
    if request.method == "POST":
        finishing = request.POST.get("action") != "save"
        form = answer_form(questionnaire, request.POST, enforce_required=finishing)
        if form.is_valid():
            data = {name: value for name, value in form.cleaned_data.items()}
            try:
                if finishing:
                    services.response_submit(invitation=invitation, answers=data)
                    response = redirect("feedback_thanks")
                    response.delete_cookie(_cookie_name(invitation), path=request.path)
                    return response
                draft = services.response_save_draft(invitation=invitation, answers=data)
            except services.AnswersInvalid as invalid:
                for name, message in invalid.errors.items():
                    form.add_error(name if name in form.fields else None, message)
            except FeedbackRefused as refusal:
                return _refused(request, refusal)
            else:
                saved = True
                response = render(request, "feedback/answer.html", {
                    "form": form, "survey": survey, "questionnaire": questionnaire, "saved": saved})
                if draft:
                    response.set_cookie(_cookie_name(invitation), draft, path=request.path, secure=request.is_secure(),
                                        httponly=True, samesite="Lax", max_age=services.tokens.link_max_age_seconds())
                return response
    else:
        if survey.anonymous:
            initial = services.anonymous_draft_load(invitation=invitation,
                                                    token=request.COOKIES.get(_cookie_name(invitation), ""))
        else:
            initial = selectors.named_answer_form_data(invitation)
        form = answer_form(questionnaire, initial=initial)
    return render(request, "feedback/answer.html", {"form": form, "survey": survey, "questionnaire": questionnaire,
                                                    "saved": saved})


def thanks(request):
    return render(request, "feedback/thanks.html")


@login_required
def trainer_results(request, survey_id):
    survey = get_object_or_404(Survey.objects.select_related("cohort__course", "questionnaire", "session"),
                               pk=survey_id)
    if not selectors.trainer_may_see(request.user, survey):
        return _refused(request, ResultsHidden())
    return render(request, "feedback/trainer_results.html", {
        "survey": survey, "results": selectors.survey_results(survey),
        "back_url": reverse("feedback_trainer_index"), "title": _("Feedback")})


@login_required
def trainer_index(request):
    """The trainer's own closed cohorts' surveys; `?cohort=<id>` narrows them to one (the link on that cohort's
    card in "My cohorts"); someone else's cohort id narrows them to nothing."""
    cohort = request.GET.get("cohort", "")
    cohort_id = int(cohort) if cohort.isdigit() else None
    rows = selectors.survey_summaries(selectors.surveys(trainer_id=request.user.pk, cohort_id=cohort_id,
                                                        finished_only=True))
    return render(request, "feedback/trainer_index.html", {"rows": rows, "cohort_id": cohort_id})
