"""The per-cohort page: counts by status, places (enrollment.places), what is left before closing the cohort
(with the link to close it), the waitlist in order with per-person actions (offer now, move, remove), the
people waiting for approval, the participants' sign-up answers, sessions, trainers, and links to the
listing, the downloads and the import."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View
from wagtail.admin import messages

from accounts.roles import CoordinatorRequiredMixin

from ..attendance.selectors import answer_items, closing_state
from ..exceptions import EnrollmentError
from ..models import Cohort, Enrollment, EnrollmentStatus, Session
from ..services import enrollment_cancel, enrollment_move, waitlist_offer_person
from ..statuses import ACTIVE_STATUSES, LIVE_COHORT_STATUSES
from .forms import WaitlistMoveForm


def cohort_overview(*, cohort_id: int) -> dict:
    """Everything the per-cohort page shows, in nine queries whatever the number of enrollments and sessions.

    Places taken and free come from `Cohort.objects.with_place_counts()`, so this page shows the same numbers
    as the catalogue, the course page and the cohort listing. `answers` holds the sign-up answers of the
    people active in the cohort (pending, waiting, offered, confirmed or finished): for coordinators only.
    """
    cohort = get_object_or_404(Cohort.objects.select_related("course").with_place_counts(), pk=cohort_id)
    counts = dict(Enrollment.objects.filter(cohort_id=cohort.pk).order_by().values_list("status")
                  .annotate(n=Count("id")).values_list("status", "n"))
    waitlist = list(Enrollment.objects.filter(cohort_id=cohort.pk, status=EnrollmentStatus.WAITLISTED)
                    .select_related("user").order_by("waitlist_joined_at", "id"))
    pending = list(Enrollment.objects.filter(cohort_id=cohort.pk, status=EnrollmentStatus.PENDING)
                   .select_related("user").order_by("created_at", "id"))
    with_answers = (Enrollment.objects.filter(cohort_id=cohort.pk, status__in=ACTIVE_STATUSES)
                    .exclude(answers={}).select_related("user").order_by("user__full_name", "user__email", "id"))
    answers = [(enrollment, answer_items(enrollment.answers)) for enrollment in with_answers]
    sessions = list(Session.objects.filter(cohort_id=cohort.pk).select_related("venue").order_by("starts_at"))
    trainers = list(cohort.trainers.order_by("full_name", "email"))
    move_targets = list(Cohort.objects.filter(course_id=cohort.course_id, status__in=LIVE_COHORT_STATUSES)
                        .exclude(pk=cohort.pk).order_by("code")) if waitlist else []
    return {
        "cohort": cohort,
        "status_counts": [(label, counts.get(value, 0), value) for value, label in EnrollmentStatus.choices],
        "taken": cohort.seats_taken,
        "free_places": cohort.free_places,
        "waitlist": waitlist,
        "move_targets": move_targets,
        "pending": pending,
        "answers": [(enrollment, items) for enrollment, items in answers if items],
        "sessions": sessions,
        "trainers": trainers,
        "closing": closing_state(cohort=cohort),
    }


class CohortOverviewView(CoordinatorRequiredMixin, View):
    template_name = "enrollment/admin/cohort_overview.html"

    def get(self, request, pk):
        context = cohort_overview(cohort_id=pk)
        cohort = context["cohort"]
        listing = reverse("enrollment_enrollments:index") + f"?cohort={cohort.pk}"
        context.update({
            "page_title": str(cohort),
            "header_title": _("Cohort %(code)s") % {"code": cohort.code},
            "edit_url": reverse("enrollment_cohorts:edit", args=[cohort.pk]),
            "import_url": reverse("enrollment_cohorts:import", args=[cohort.pk]),
            "close_url": reverse("attendance_cohort_close", args=[cohort.pk]),
            "listing_url": listing,
            "csv_url": listing + "&export=csv",
            "xlsx_url": listing + "&export=xlsx",
            "answers_csv_url": listing + "&export=csv&answers=1",
            "answers_xlsx_url": listing + "&export=xlsx&answers=1",
            "pending_url": listing + f"&status={EnrollmentStatus.PENDING}",
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": _("Home")},
                {"url": reverse("enrollment_cohorts:index"), "label": _("Cohorts")},
                {"url": "", "label": cohort.code},
            ],
        })
        return TemplateResponse(request, self.template_name, context)


class WaitlistActionView(CoordinatorRequiredMixin, View):
    """POST only: one waitlist action for one person of the cohort, through the service that owns the rule
    (`waitlist_offer_person`, `enrollment_move`, `enrollment_cancel`); a refusal is shown as an error and
    changes nothing. Back to the cohort page either way."""

    http_method_names = ["post"]
    ACTIONS = ("offer", "move", "cancel")

    def post(self, request, pk, enrollment_id, action):
        if action not in self.ACTIONS:
            raise Http404
        enrollment = get_object_or_404(Enrollment.objects.select_related("user", "cohort"), pk=enrollment_id,
                                       cohort_id=pk)
        name = enrollment.user.full_name or enrollment.user.email
        try:
            if action == "offer":
                waitlist_offer_person(enrollment=enrollment, actor=request.user)
                messages.success(request, _("A place was offered to %(name)s.") % {"name": name})
            elif action == "move":
                form = WaitlistMoveForm(request.POST, enrollment=enrollment)
                if not form.is_valid():
                    messages.error(request, _("Choose the cohort to move %(name)s to.") % {"name": name})
                else:
                    moved = enrollment_move(enrollment=enrollment, to_cohort=form.cleaned_data["to_cohort"],
                                            actor=request.user)
                    messages.success(request, _("%(name)s was moved to %(cohort)s (%(status)s).") % {
                        "name": name, "cohort": moved.cohort.code, "status": moved.get_status_display()})
            else:
                enrollment_cancel(enrollment=enrollment, actor=request.user,
                                  reason=_("Removed from the waitlist by a coordinator."))
                messages.success(request, _("%(name)s was removed from the waitlist.") % {"name": name})
        except EnrollmentError as error:
            messages.error(request, str(error))
        return redirect(reverse("enrollment_cohorts:overview", args=[pk]) + "#cohort-waitlist-heading")
