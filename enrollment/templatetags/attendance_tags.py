"""{% load attendance_tags %} {% attendance_progress enrollment %}: the hours bar (My trainings, My hours).

For a list of enrollments, precompute in the view (2 queries for all of them) and set it on each enrollment:
    progress = progress_for_enrollments(enrollments)   # enrollment.attendance.selectors
    for e in enrollments: e.attendance_progress = progress.get(e.pk)
The tag then uses `enrollment.attendance_progress` instead of querying (2 queries per enrollment otherwise).
Built in Python, not an included template: My trainings shows one bar per enrollment.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def progress_html(progress) -> str:
    text = _("%(hours)s of %(total)s h attended") % {"hours": progress.attended_display,
                                                     "total": progress.total_display}
    share = f"{localize(progress.percent)} %"
    if progress.required_percent:
        share += ", " + _("%(p)s %% needed") % {"p": localize(progress.required_percent)}
    missed = ""
    if progress.mandatory_missed_held:
        n = len(progress.mandatory_missed_held)
        missed = format_html('<p class="muted">{}</p>', ngettext(
            "%(n)s mandatory session not attended", "%(n)s mandatory sessions not attended", n) % {"n": n})
    return format_html(
        '<div class="att-progress"><p class="att-progress-text">{} ({})</p>'
        '<div class="att-bar" aria-hidden="true"><span style="width: {}%"></span></div>{}</div>',
        text, share, progress.bar_percent, missed)


@register.simple_tag
def attendance_progress(enrollment, progress=None):
    if progress is None:
        progress = getattr(enrollment, "attendance_progress", None)
    if progress is None and enrollment is not None:
        from enrollment.attendance.selectors import MARKABLE_STATUSES, progress_for_enrollment

        if enrollment.status in MARKABLE_STATUSES:
            progress = progress_for_enrollment(enrollment=enrollment)
    return progress_html(progress) if progress else mark_safe("")
