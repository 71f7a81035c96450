"""{% load attendance_tags %} {% attendance_progress enrollment %}: the hours bar for My trainings.

For a list of enrollments, precompute in the view (2 queries for all of them) and set it on each enrollment:
    progress = progress_for_enrollments(enrollments)   # enrollment.attendance.selectors
    for e in enrollments: e.attendance_progress = progress.get(e.pk)
The tag then uses `enrollment.attendance_progress` instead of querying (2 queries per enrollment otherwise).
"""

from django import template

register = template.Library()


@register.inclusion_tag("enrollment/attendance/includes/progress.html")
def attendance_progress(enrollment, progress=None):
    if progress is None:
        progress = getattr(enrollment, "attendance_progress", None)
    if progress is None and enrollment is not None:
        from enrollment.attendance.selectors import MARKABLE_STATUSES, progress_for_enrollment

        if enrollment.status in MARKABLE_STATUSES:
            progress = progress_for_enrollment(enrollment=enrollment)
    return {"progress": progress}
