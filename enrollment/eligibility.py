"""Who may enroll in a cohort: counties, professions and prerequisite courses.

`eligibility_problem` returns the exact, translated reason (or None); `eligibility_check` raises it as
`NotEligible`. Both only read; the enrollment services call them before locking the cohort.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from accounts.models import County, Profession
from courses.pages import CoursePage

from .exceptions import NotEligible
from .models import Cohort, Enrollment, EnrollmentStatus

COUNTY_SUFFIX = " maakond"


def short_county_name(name: str) -> str:
    """'Põlva maakond' -> 'Põlva' (the suffix reads as 'county' in the sentence around it)."""
    return name[: -len(COUNTY_SUFFIX)] if name.endswith(COUNTY_SUFFIX) else name


def _exists_sql(through, fk: str, outer_column: str) -> str:
    """EXISTS over a many-to-many table, correlated with a column of the cohort row (its table named in full).

    Plain SQL built from the models' own table and column names: the enroll POST runs this on every request,
    and Django's Exists() subqueries cost more to build than the database needs to answer them.
    """
    quote = connection.ops.quote_name
    table, column = through._meta.db_table, through._meta.get_field(fk).column
    outer = f"{quote(Cohort._meta.db_table)}.{quote(Cohort._meta.get_field(outer_column).column)}"
    return f"EXISTS (SELECT 1 FROM {quote(table)} WHERE {quote(table)}.{quote(column)} = {outer})"  # noqa: S608


RULE_FLAGS = ("has_county_rule", "course_has_county_rule", "has_prerequisites")


def rule_flags_sql() -> dict[str, str]:
    """The rule flags of `with_rule_flags` as SQL expressions over the cohort's table, by annotation name."""
    return dict(zip(RULE_FLAGS, (
        _exists_sql(Cohort.eligible_counties.through, "cohort", "id"),
        _exists_sql(CoursePage.eligible_counties.through, "coursepage", "course"),
        _exists_sql(Cohort.prerequisite_courses.through, "cohort", "id"),
    ), strict=True))


def with_rule_flags(queryset):
    """Annotate cohorts with which eligibility rules they have, so that a cohort open to everybody (the
    usual case) is checked without a query: `has_county_rule`, `course_has_county_rule`, `has_prerequisites`."""
    return queryset.annotate(**{
        name: RawSQL(sql, (), output_field=BooleanField())  # noqa: S611 - names from the models, no input
        for name, sql in rule_flags_sql().items()})


def eligible_county_ids(cohort: Cohort) -> list[int]:
    """The cohort's own county list, or the course's when the cohort has none; empty means every county."""
    ids = []
    if getattr(cohort, "has_county_rule", True):
        ids = list(cohort.eligible_counties.values_list("id", flat=True))
    if not ids and getattr(cohort, "course_has_county_rule", True):
        ids = list(cohort.course.eligible_counties.values_list("id", flat=True))
    return ids


def _profile(user):
    try:
        return user.profile
    except (AttributeError, ObjectDoesNotExist):
        return None


def eligibility_problem(*, user, cohort: Cohort) -> str | None:
    """The first reason why `user` may not enroll in `cohort`, as a translated sentence, or None.

    Reads only what the cohort's rules need (none at all for a cohort open to everybody that was loaded
    through `with_rule_flags`).
    """
    county_ids = eligible_county_ids(cohort)
    profile = _profile(user) if county_ids or any(cohort.eligible_professions or []) else None
    if county_ids:
        names = [short_county_name(c) for c in County.objects.filter(id__in=county_ids)
                 .order_by("name").values_list("name", flat=True)]
        sentence = _("This cohort is open only to specialists of %(counties)s counties.") % {
            "counties": get_text_list(names, _("and"))} if len(names) > 1 else \
            _("This cohort is open only to specialists of %(county)s county.") % {"county": names[0]}
        if profile is None or profile.municipality_id is None:
            return sentence + " " + _("Add your municipality to your profile first.")
        if profile.municipality.county_id not in county_ids:
            return sentence
    professions = [p for p in (cohort.eligible_professions or []) if p]
    if professions:
        labels = dict(Profession.choices)
        wanted = [str(labels.get(p, p)).lower() for p in professions]
        sentence = _("This cohort is open only to these professions: %(professions)s.") % {
            "professions": get_text_list(wanted, _("and"))}
        if profile is None or not profile.profession:
            return sentence + " " + _("Add your profession to your profile first.")
        if profile.profession not in professions:
            return sentence
    prerequisites = []
    if getattr(cohort, "has_prerequisites", True):
        prerequisites = list(cohort.prerequisite_courses.order_by("title").values_list("id", "title"))
    if prerequisites:
        done = set(Enrollment.objects.filter(
            user=user, status=EnrollmentStatus.COMPLETED, cohort__course_id__in=[pk for pk, _t in prerequisites],
        ).values_list("cohort__course_id", flat=True))
        missing = [f"“{title}”" for pk, title in prerequisites if pk not in done]
        if missing:
            return _("Complete %(courses)s first.") % {"courses": get_text_list(missing, _("and"))}
    return None


def eligibility_check(*, user, cohort: Cohort) -> None:
    """Raise `NotEligible` with the exact reason when `user` may not enroll in `cohort`."""
    problem = eligibility_problem(user=user, cohort=cohort)
    if problem:
        raise NotEligible(problem)
