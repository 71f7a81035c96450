"""Specialist pages: enroll, cancel, answer an offer (from the page or a signed e-mail link).

Thin: each view parses input, calls one selector or service, and turns EnrollmentError into a message or a
form error. Somebody else's enrollment is a 404, never a hint that it exists.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.translation import page_in_language

from . import selectors, services
from .eligibility import eligibility_problem
from .exceptions import AlreadyEnrolled, EnrollmentError, InvalidLink
from .forms import ConfirmForm, EnrollForm
from .models import Cohort, EnrollmentStatus
from .signup import SignupChanged
from .tokens import offer_token_read

S = EnrollmentStatus

SUCCESS_MESSAGES = {  # lazy: rendered in the language of the request
    S.CONFIRMED: gettext_lazy("Your place is confirmed. We sent you an e-mail with the details."),
    S.WAITLISTED: gettext_lazy("The cohort is full, so you are on the waitlist. "
                               "We will e-mail you if a place becomes free."),
    S.OFFERED: gettext_lazy("A place is free for you: please accept it below."),
    S.PENDING: gettext_lazy("Thank you! A coordinator will review your enrollment; we will let you know by e-mail."),
}


def _submit(request, cohort, form):
    """Enroll from a bound form: the redirect to My trainings, or None with the reason on the form (or with a
    remembered sign-up row that changed, SignupChanged: the caller decides again from a fresh read)."""
    if not form.is_valid():
        return None
    try:
        enrollment = services.enrollment_create(user=request.user, cohort=cohort, answers=form.answers(),
                                                language=get_language())
    except AlreadyEnrolled:  # a double click: the first one went through
        messages.info(request, str(AlreadyEnrolled.default_message))
        return redirect("my_trainings")
    except EnrollmentError as error:
        form.add_error(None, str(error))
        return None
    except SignupChanged:
        return None
    except Cohort.DoesNotExist:  # deleted after its row was read
        raise Http404("No cohort matches the given query.") from None
    messages.success(request, str(SUCCESS_MESSAGES.get(enrollment.status, _("Enrolled."))))
    return redirect("my_trainings")


@login_required
@require_http_methods(["GET", "POST"])
def enroll(request, cohort_id: int):
    # A POST starts from the sign-up row this process remembers (no query; checked under the cohort's lock);
    # anything but a success is decided again from a fresh read, so a stale row never shows.
    cohort = selectors.cohort_get(pk=cohort_id, remembered=request.method == "POST")
    form = EnrollForm(request.POST or None, course=cohort.course)
    status = 200
    if request.method == "POST":
        answer = _submit(request, cohort, form)
        if answer is None and cohort.signup_remembered:
            cohort = selectors.cohort_get(pk=cohort_id)
            form = EnrollForm(request.POST, course=cohort.course)
            answer = _submit(request, cohort, form)
        if answer is not None:
            return answer
        status = 400
    cohort = selectors.cohort_for_enrollment(pk=cohort_id)  # with sessions and counts, for the page
    context = {
        "cohort": cohort, "course": page_in_language(cohort.course), "form": form,  # in the visitor's language
        "sessions": cohort.session_list,
        "problem": eligibility_problem(user=request.user, cohort=cohort),
        "my_enrollment": selectors.user_active_enrollment(user=request.user, cohort=cohort),
    }
    return render(request, "enrollment/enroll.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, pk: int):
    enrollment = selectors.user_enrollment(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            services.enrollment_cancel(enrollment=enrollment, actor=request.user,
                                       reason=_("Cancelled by the participant."))
        except EnrollmentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your enrollment is cancelled."))
        return redirect("my_trainings")
    return render(request, "enrollment/cancel.html", {"enrollment": enrollment, "form": ConfirmForm()})


def _answer_offer(request, enrollment, action: str):
    try:
        if action == "accept":
            services.offer_accept(enrollment=enrollment, actor=request.user)
            messages.success(request, _("You accepted the place. See you at the training!"))
        else:
            services.offer_decline(enrollment=enrollment, actor=request.user)
            messages.success(request, _("You declined the place; it goes to the next person on the waitlist."))
    except EnrollmentError as error:
        messages.error(request, str(error))
    return redirect("my_trainings")


@login_required
@require_POST
def offer_respond(request, pk: int, action: str):
    if action not in ("accept", "decline"):
        raise Http404
    enrollment = selectors.user_enrollment(user=request.user, pk=pk)
    return _answer_offer(request, enrollment, action)


@login_required
@require_http_methods(["GET", "POST"])
def offer_link(request, token: str):
    """The link in the offer e-mail: shows what will happen; the POST (with CSRF) does it."""
    try:
        enrollment_id, action = offer_token_read(token)
    except InvalidLink as error:
        return render(request, "enrollment/link_invalid.html", {"message": str(error)}, status=400)
    enrollment = selectors.user_enrollment(user=request.user, pk=enrollment_id)
    if request.method == "POST":
        return _answer_offer(request, enrollment, action)
    return render(request, "enrollment/offer_link.html", {"enrollment": enrollment, "action": action,
                                                           "form": ConfirmForm()})
