"""Coordinator tools in the Wagtail admin, under one "Feedback" menu: questionnaires (inline questions),
each course's feedback settings, and the results (per cohort, per course over time, per trainer; CSV/XLSX).

Results read through feedback.selectors only; anonymous surveys show nothing below five answers, here too.
"""

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from accounts.roles import CoordinatorRequiredMixin, is_coordinator
from courses.pages import CoursePage
from enrollment.admin.exports import XLSX_CONTENT_TYPE, csv_lines, xlsx_bytes

from . import selectors
from .models import CourseFeedbackSettings, Questionnaire, Survey


class CoordinatorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_coordinator(request.user)


class QuestionnaireViewSet(ModelViewSet):
    model = Questionnaire
    name = "feedback_questionnaires"
    url_prefix = "feedback/questionnaires"
    icon = "form"
    menu_label = gettext_lazy("Questionnaires")
    list_display = ["title", "title_en", "answer_days"]
    search_fields = ["title", "title_en"]
    copy_view_enabled = True
    inspect_view_enabled = False
    add_to_reference_index = False


class CourseFeedbackSettingsViewSet(ModelViewSet):
    model = CourseFeedbackSettings
    name = "feedback_courses"
    url_prefix = "feedback/courses"
    icon = "cog"
    menu_label = gettext_lazy("Course feedback settings")
    list_display = ["course", "questionnaire", "session_questionnaire", "anonymous"]
    copy_view_enabled = False
    inspect_view_enabled = False
    add_to_reference_index = False


class ResultsView(CoordinatorRequiredMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "table"
    page_title = gettext_lazy("Feedback results")

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items, {"url": reverse("feedback_results:index"), "label": _("Feedback results")}]
        subtitle = self.get_page_subtitle()
        return items + ([{"url": "", "label": subtitle}] if subtitle else [])


class ResultsIndexView(ResultsView):
    """Every questionnaire sent, newest first (one row per cohort and step), filterable by course."""

    template_name = "feedback/admin/results_index.html"

    def get_context_data(self, **kwargs):
        course_id = self.request.GET.get("course") or None
        rows = selectors.survey_summaries(selectors.surveys(course_id=int(course_id) if str(course_id).isdigit()
                                                            else None)[:200])
        courses = CoursePage.objects.filter(pk__in=Survey.objects.values("cohort__course_id")).order_by("title")
        return {**super().get_context_data(**kwargs), "rows": rows, "courses": courses,
                "course_id": int(course_id) if str(course_id).isdigit() else None}


class SurveyResultsView(ResultsView):
    template_name = "feedback/admin/survey_results.html"

    @cached_property
    def survey(self):
        return get_object_or_404(Survey.objects.select_related("cohort__course", "questionnaire", "session"),
                                 pk=self.kwargs["pk"])

    def get_page_subtitle(self):
        return f"{self.survey.cohort.course.title} · {self.survey.cohort}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "survey": self.survey,
                "results": selectors.survey_results(self.survey)}


class SurveyExportView(SurveyResultsView):
    def get(self, request, *args, **kwargs):
        rows = selectors.export_rows(self.survey)
        filename = f"feedback-{slugify(self.survey.cohort.code)}-{self.survey.kind}-{self.survey.months}"
        if kwargs["fmt"] == "xlsx":
            response = HttpResponse(xlsx_bytes(rows, title=_("Answers")), content_type=XLSX_CONTENT_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
            return response
        response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response


class CourseResultsView(ResultsView):
    """One course over time: each cohort's questionnaires, oldest first."""

    template_name = "feedback/admin/course_results.html"

    @cached_property
    def course(self):
        return get_object_or_404(CoursePage, pk=self.kwargs["course_id"])

    def get_page_subtitle(self):
        return self.course.title

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "course": self.course,
                "rows": selectors.course_over_time(self.course.pk)}


class TrainerResultsView(ResultsView):
    template_name = "feedback/admin/trainer_results.html"

    def get_page_subtitle(self):
        return _("Per trainer")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "rows": selectors.per_trainer()}


class ResultsViewSet(ViewSet):
    name = "feedback_results"
    url_prefix = "feedback/results"
    icon = "table"
    menu_label = gettext_lazy("Feedback results")

    @cached_property
    def menu_item_class(self):
        return CoordinatorMenuItem

    def get_urlpatterns(self):
        return [
            path("", ResultsIndexView.as_view(), name="index"),
            path("<int:pk>/", SurveyResultsView.as_view(), name="survey"),
            path("<int:pk>/answers.<str:fmt>", SurveyExportView.as_view(), name="export"),
            path("course/<int:course_id>/", CourseResultsView.as_view(), name="course"),
            path("trainers/", TrainerResultsView.as_view(), name="trainers"),
        ]


class FeedbackViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Feedback")
    menu_icon = "form"
    menu_name = "feedback"
    menu_order = 450
    items = (ResultsViewSet, QuestionnaireViewSet, CourseFeedbackSettingsViewSet)
