"""Academic hours in SQL, the same figures as enrollment's Python rules (Session.academic_hours and
enrollment.attendance.completion.mark_hours), so that aggregates can be summed in the database.

- a session's hours: its override, else its minutes / 45 rounded to one decimal (half up);
- a mark's hours: present = the session's hours; late / left early = minus the missed minutes / 45, never below 0,
  rounded to two decimals; excused and absent = 0.

Both PostgreSQL (production, the bench) and SQLite (the demo) are supported.
"""

from decimal import Decimal

from django.db.models import Case, DecimalField, ExpressionWrapper, F, Func, Value, When
from django.db.models.functions import Coalesce, Greatest, Round

from enrollment.models import ACADEMIC_HOUR_MINUTES, ATTENDED_STATUSES

HOURS = DecimalField(max_digits=12, decimal_places=2)


class _ScheduledHours(Func):
    """(ends - starts) in academic hours, rounded to one decimal."""

    output_field = DecimalField(max_digits=8, decimal_places=1)
    arity = 2

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=(
            f"ROUND((EXTRACT(EPOCH FROM (%(expressions)s)) / {ACADEMIC_HOUR_MINUTES * 60})::numeric, 1)"),
            arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=(
            f"ROUND(ROUND((julianday(%(expressions)s)) * 1440) / {ACADEMIC_HOUR_MINUTES}.0, 1)"),
            arg_joiner=") - julianday(", **extra)


class _MinutesAsHours(Func):
    """Minutes as academic hours (a decimal division on every database, never an integer one)."""

    template = f"(%(expressions)s / {ACADEMIC_HOUR_MINUTES}.0)"
    output_field = HOURS


def session_hours(prefix: str = ""):
    """The academic hours of the session at `prefix` ("" for Session itself, "session__" from a mark)."""
    return Coalesce(F(f"{prefix}academic_hours_override"),
                    _ScheduledHours(F(f"{prefix}ends_at"), F(f"{prefix}starts_at")), output_field=HOURS)


def mark_hours(prefix: str = ""):
    """The academic hours one attendance mark earns (`prefix` leads from the query's model to Attendance)."""
    missed = _MinutesAsHours(F(f"{prefix}minutes_missed"))
    earned = Greatest(ExpressionWrapper(session_hours(f"{prefix}session__") - missed, output_field=HOURS),
                      Value(Decimal("0")), output_field=HOURS)
    return Case(When(**{f"{prefix}status__in": list(ATTENDED_STATUSES)}, then=Round(earned, 2)),
                default=Value(Decimal("0")), output_field=HOURS)


def to_hours(value) -> Decimal:
    """A summed figure from the database (Decimal, float on SQLite, or None) as hours with two decimals."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))
