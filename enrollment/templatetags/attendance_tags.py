"""{% load attendance_tags %} {% attendance_progress enrollment %}: the hours bar (My trainings, My hours), from
the template enrollment/includes/attendance_progress.html.

For a list of enrollments, precompute in the view (2 queries for all of them) and set it on each enrollment:
    progress = progress_for_enrollments(enrollments)   # enrollment.attendance.selectors
    for e in enrollments: e.attendance_progress = progress.get(e.pk)
The tag then uses `enrollment.attendance_progress` instead of querying (2 queries per enrollment otherwise).
"""

import functools
from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.utils import translation
from django.utils.safestring import mark_safe

from enrollment.attendance.selectors import MARKABLE_STATUSES, progress_for_enrollment

register = template.Library()

PROGRESS_TEMPLATE = "enrollment/includes/attendance_progress.html"


@dataclass(frozen=True, slots=True)
class ProgressBar:
    """What the hours bar shows of a CourseProgress. The bar's HTML is a function of these values, the
    template and the language only, which is what makes memoising it safe (see `attendance_progress`)."""

    attended_display: str
    total_display: str
    percent: Decimal
    bar_percent: int
    required_percent: int
    missed_mandatory: int  # mandatory sessions already held and not attended

    @classmethod
    def of(cls, progress) -> "ProgressBar":
        return cls(progress.attended_display, progress.total_display, progress.percent, progress.bar_percent,
                   progress.required_percent, len(progress.mandatory_missed_held))


@functools.lru_cache(maxsize=4096)
def _render_bar(compiled: template.Template, bar: ProgressBar | None, percent_text: str, autoescape: bool,
                language: str) -> str:
    """Arguments besides `compiled` and `bar` only key the memo: `percent_text` because Decimal("0") ==
    Decimal("0.0") although they print differently, `language` is the active one while rendering. `compiled`
    is the loader's template object, a new one whenever the template is (re)loaded."""
    html = compiled.render(template.Context({"progress": bar}, autoescape=autoescape))
    return mark_safe(html.strip())  # noqa: S308 - a rendered template, trimmed


@register.simple_tag(takes_context=True)
def attendance_progress(context, enrollment, progress=None):
    """The hours bar of `enrollment` (its precomputed `attendance_progress`, or `progress`, or read now).

    My trainings shows one bar per enrollment, and most bars show the same numbers (0 of 16 h): the template
    is rendered once per distinct bar (and language), then memoised.
    """
    if progress is None:
        progress = getattr(enrollment, "attendance_progress", None)
    if progress is None and enrollment is not None and enrollment.status in MARKABLE_STATUSES:
        progress = progress_for_enrollment(enrollment=enrollment)
    compiled = context.template.engine.get_template(PROGRESS_TEMPLATE)
    bar = ProgressBar.of(progress) if progress else None
    return _render_bar(compiled, bar, str(bar.percent) if bar else "", context.autoescape,
                       translation.get_language() or "")
