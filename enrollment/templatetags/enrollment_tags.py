"""Template tags that let lower layers' templates (the course page) show enrollment data."""

from django import template

from enrollment.selectors import course_cohorts

register = template.Library()


@register.simple_tag(takes_context=True)
def upcoming_cohorts(context, page):
    """The course's coming and running cohorts with sessions, free places and the visitor's enrollment."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return course_cohorts(course=page, user=user)
