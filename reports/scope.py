"""What a report covers: the filter form (period, course or programme, county, funding source) and the
querysets every report starts from.

- A cohort belongs to the period when its first session (not cancelled) starts in it; cancelled cohorts never
  count. Sessions "held" are those of these cohorts that are not cancelled and have ended.
- The county is the participant's (their profile's municipality); with a county chosen, enrollments are those of
  people from it, and cohorts those with at least one participant from it.
- The funding source is the course's `funding` text (CoursePage.funding), as the course page states it.
- A participant is an enrollment that holds a place to learn: confirmed, completed or not completed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import County
from courses.pages import CoursePage, ProgrammePage, ProgrammePart
from enrollment.models import Cohort, CohortStatus, Enrollment, EnrollmentStatus

PARTICIPANT_STATUSES = (EnrollmentStatus.CONFIRMED, EnrollmentStatus.COMPLETED, EnrollmentStatus.NOT_COMPLETED)
CLOSED_STATUSES = (EnrollmentStatus.COMPLETED, EnrollmentStatus.NOT_COMPLETED)


def funding_choices() -> list[tuple[str, str]]:
    values = (CoursePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).exclude(funding="")
              .order_by("funding").values_list("funding", flat=True).distinct())
    return [("", _("Any funding"))] + [(value, value) for value in values]


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                help_text=_("Cohorts whose first session starts on or after this day."))
    date_to = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              help_text=_("Cohorts whose first session starts on or before this day."))
    course = forms.ModelChoiceField(label=_("Course"), required=False, empty_label=_("Any course"),
                                    queryset=CoursePage.objects.filter(
                                        locale__language_code=settings.LANGUAGE_CODE).order_by("title"))
    programme = forms.ModelChoiceField(label=_("Programme"), required=False, empty_label=_("Any programme"),
                                       queryset=ProgrammePage.objects.filter(
                                           locale__language_code=settings.LANGUAGE_CODE).order_by("title"))
    county = forms.ModelChoiceField(label=_("County"), required=False, empty_label=_("Any county"),
                                    queryset=County.objects.order_by("name"))
    funding = forms.ChoiceField(label=_("Funding source"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding"].choices = funding_choices()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        return cleaned


@dataclass(frozen=True)
class Scope:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    course: CoursePage | None = None
    programme: ProgrammePage | None = None
    county: County | None = None
    funding: str = ""
    now: dt.datetime | None = None

    @classmethod
    def from_query(cls, data, *, now=None) -> tuple[Scope, ReportFilterForm]:
        """The scope of a request's query string; an invalid filter is ignored (the form shows why)."""
        form = ReportFilterForm(data or None)
        cleaned = form.cleaned_data if form.is_valid() else {}
        return cls(date_from=cleaned.get("date_from"), date_to=cleaned.get("date_to"), course=cleaned.get("course"),
                   programme=cleaned.get("programme"), county=cleaned.get("county"),
                   funding=cleaned.get("funding") or "", now=now or timezone.now()), form

    @property
    def at(self) -> dt.datetime:
        return self.now or timezone.now()

    def query_string(self) -> str:
        values = {"date_from": self.date_from, "date_to": self.date_to,
                  "course": self.course.pk if self.course else None,
                  "programme": self.programme.pk if self.programme else None,
                  "county": self.county.pk if self.county else None, "funding": self.funding}
        return urlencode({k: v for k, v in values.items() if v})

    def _bound(self, day: dt.date, *, end: bool) -> dt.datetime:
        moment = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time())
        return timezone.make_aware(moment)

    def course_q(self, prefix: str = "") -> Q:
        """Course, programme and funding conditions on the course at `prefix` (e.g. "cohort__course")."""
        path = prefix or "course"
        query = Q()
        if self.course is not None:
            query &= Q(**{f"{path}_id": self.course.pk})
        if self.programme is not None:
            parts = ProgrammePart.objects.filter(page_id=self.programme.pk, course__isnull=False).values("course_id")
            query &= Q(**{f"{path}_id__in": parts})
        if self.funding:
            query &= Q(**{f"{path}__funding": self.funding})
        return query

    def county_q(self, prefix: str = "") -> Q:
        """The county condition on the enrollment at `prefix` ("" for Enrollment itself)."""
        if self.county is None:
            return Q()
        return Q(**{f"{prefix}user__profile__municipality__county_id": self.county.pk})

    def cohorts(self):
        """Cohorts in scope (not cancelled; first session in the period; course, funding; county: see above)."""
        cohorts = Cohort.objects.exclude(status=CohortStatus.CANCELLED).filter(self.course_q())
        if self.date_from or self.date_to:
            cohorts = cohorts.with_dates()
            if self.date_from:
                cohorts = cohorts.filter(first_start__gte=self._bound(self.date_from, end=False))
            if self.date_to:
                cohorts = cohorts.filter(first_start__lt=self._bound(self.date_to, end=True))
        if self.county is not None:
            cohorts = cohorts.filter(Exists(Enrollment.objects.filter(
                self.county_q(), cohort_id=OuterRef("pk"), status__in=PARTICIPANT_STATUSES)))
        return cohorts

    def cohort_ids(self):
        return self.cohorts().values("pk")

    def enrollments(self):
        """Every enrollment (any status) in the cohorts in scope, of people from the county when one is chosen."""
        return Enrollment.objects.filter(self.county_q(), cohort_id__in=self.cohort_ids())

    def participant_q(self, prefix: str = "") -> Q:
        """The enrollment at `prefix` ("" for Enrollment itself, "enrollment__" from a mark) is a participant in
        scope. Reads of marks filter through the join they make anyway, instead of `enrollment__in=participants()`,
        which scans the enrollments a second time for the semi-join."""
        return self.county_q(prefix) & Q(**{f"{prefix}cohort_id__in": self.cohort_ids(),
                                            f"{prefix}status__in": PARTICIPANT_STATUSES})

    def participants(self):
        return Enrollment.objects.filter(self.participant_q())
