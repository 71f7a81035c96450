"""What a change of a cohort, session or enrollment makes stale: the anonymous page cache of the pages that
show that course (courses.caching, per page) and every person's cached "My trainings" list (its schedule
version: waitlist positions and free places are anybody's business). Connected in EnrollmentConfig.ready."""

from __future__ import annotations

from courses import caching

from .models import Cohort, Enrollment, Session
from .my_trainings import cache as my_trainings_cache


def _course_id(instance) -> int | None:
    if isinstance(instance, Cohort):
        return instance.course_id
    if type(instance).cohort.is_cached(instance):  # the services hold the locked cohort: no query
        return instance.cohort.course_id
    return Cohort.objects.filter(pk=instance.cohort_id).values_list("course_id", flat=True).first()


def schedule_changed(sender=None, instance=None, raw=False, **kwargs) -> None:
    """post_save / post_delete of Cohort, Session and Enrollment."""
    if raw:
        return
    course_id = _course_id(instance)
    if course_id is None:  # the cohort is gone too: its own deletion is handled
        caching.invalidate_after_commit()
    else:
        caching.invalidate_course(course_id)
    my_trainings_cache.schedule_changed()


def course_content_changed(sender=None, **kwargs) -> None:
    """A course page published or a venue changed: titles and places in every list may differ."""
    my_trainings_cache.schedule_changed()


WATCHED = (Cohort, Session, Enrollment)
