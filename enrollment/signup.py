"""What enrolling reads before the services lock the cohort: the sign-up questions and the eligibility rules (the
sign-up row), and a digest of that row, which the statement that locks the cohort computes again.

Why the digest: every enroll POST read the sign-up row in a round trip of its own before its transaction, about
8 % of the POST (bench/README.md). On PostgreSQL a process now remembers the row per cohort
(`selectors.cohort_get(remembered=True)`), and the locked read returns the digest of the row as it is then
(`state.enrollment_locks`): when the digests differ, the course's questions, the cohort's policy or its rules
changed since the row was remembered, and the enrollment is rolled back and decided again from a fresh read
(`SignupChanged`). So an enrollment is decided on the row as it was when the cohort was locked, as before.
"""

from __future__ import annotations

from django.db import connection

from courses.pages import CoursePage
from leansql import ModelColumns, quote

from .eligibility import rule_flags_sql
from .models import Cohort

SIGNUP_COHORT = ModelColumns(Cohort, ("id", "course_id", "code", "title", "policy", "eligible_professions"))
SIGNUP_COURSE = ModelColumns(CoursePage, ("id", "page_ptr_id", "title", "one_cohort_at_a_time", "ask_dietary_needs",
                                          "ask_accessibility_needs", "ask_supervisor"))


class SignupChanged(Exception):  # noqa: N818 - a signal between the service and the view, not an error shown
    """The sign-up row an enrollment was prepared with is not the cohort's row any more (raised in the lock)."""


def _columns() -> str:
    return f"{SIGNUP_COHORT.select_list}, {SIGNUP_COURSE.select_list}, {', '.join(rule_flags_sql().values())}"


def _from_cohort() -> str:
    """FROM the cohort joined with its course page, WHERE the cohort's key is the parameter."""
    cohort, course, page = Cohort._meta, CoursePage._meta, CoursePage._meta.get_field("page_ptr").related_model._meta
    return (f"FROM {quote(cohort.db_table)} "
            f"JOIN {quote(course.db_table)} ON {quote(course.db_table)}.{quote(course.pk.column)} = "
            f"{quote(cohort.db_table)}.{quote(cohort.get_field('course').column)} "
            f"JOIN {quote(page.db_table)} ON {quote(page.db_table)}.{quote(page.pk.column)} = "
            f"{quote(course.db_table)}.{quote(course.pk.column)} "
            f"WHERE {quote(cohort.db_table)}.{quote(cohort.pk.column)} = %s")


def _digest(columns: str) -> str:
    # The row's text form: the same values give the same text (both statements run on connections set alike).
    return f"md5(ROW({columns})::text)" if connection.vendor == "postgresql" else "NULL"


def signup_sql() -> str:
    """The sign-up row of one cohort (%s: its key), its digest last."""
    columns = _columns()
    return f"SELECT {columns}, {_digest(columns)} {_from_cohort()}"  # noqa: S608 - names from the models


def digest_sql() -> str:
    """The digest of a cohort's sign-up row (%s: its key), as a value for another statement's SELECT list."""
    return f"(SELECT {_digest(_columns())} {_from_cohort()})"  # noqa: S608 - names from the models
