"""The completion rule, as pure functions over already-loaded rows (no queries here).

Rule of a course (CoursePage):
- attended academic hours >= `completion_min_percent` (default 80) % of the course's academic hours;
- every mandatory (not cancelled) session of the participant's own cohort attended, either itself or through a
  make-up session of another cohort of the same course that names it in `makeup_for`.

Hours of one mark: present = the session's academic hours; late / left early = the session's hours minus the
missed minutes / 45 (never below 0); excused and absent = 0. An excused absence is recorded for the record but
earns no hours and does not satisfy a mandatory session: the remedy is a make-up session (see docs/attendance.md).

The course's academic hours (CoursePage.academic_hours) are the denominator; when a course has none, the sum of
the cohort's scheduled sessions is used. Hours from make-ups count like any other; the total is capped at the
course's hours, so a make-up for a session that was also attended cannot push anyone past 100 %.

A programme (ProgrammePage) is complete when the rule of every course part is met in some enrollment of the
person in a cohort of that course; parts that are not courses (seminars, counselling, ...) have no attendance
here and do not block completion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from accounts.numbers import format_number

from ..models import ACADEMIC_HOUR_MINUTES, SessionStatus
from .models import ATTENDED_STATUSES, PARTIAL_STATUSES

TWO_PLACES = Decimal("0.01")


def mark_hours(*, status: str, minutes_missed: int, session_hours: Decimal) -> Decimal:
    """Academic hours one mark earns."""
    if status not in ATTENDED_STATUSES:
        return Decimal("0")
    hours = Decimal(session_hours)
    if status in PARTIAL_STATUSES and minutes_missed:
        hours -= Decimal(minutes_missed) / ACADEMIC_HOUR_MINUTES
    return max(hours, Decimal("0")).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def fmt_hours(value: Decimal) -> str:
    """'96', '7,5' or '7,33' (Estonian; '7.5' in English): hours without trailing zeros, for the ledger."""
    return format_number(value, 2)


@dataclass
class CourseProgress:
    """One person's standing in one course (through one enrollment)."""

    course: object
    enrollment: object | None
    attended_hours: Decimal
    total_hours: Decimal
    required_percent: int
    mandatory_total: int = 0
    mandatory_missed: list = field(default_factory=list)
    # Of those, the ones already held (what a participant is told while the cohort runs).
    mandatory_missed_held: list = field(default_factory=list)
    scheduled_hours: Decimal = Decimal("0")
    held_hours: Decimal = Decimal("0")

    @property
    def percent(self) -> Decimal:
        if not self.total_hours:
            return Decimal("0")
        return (self.attended_hours * 100 / self.total_hours).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def required_hours(self) -> Decimal:
        return (self.total_hours * self.required_percent / 100).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)

    @property
    def hours_rule_met(self) -> bool:
        # Exact comparison, no rounding: 80.0 % of the hours is enough for an 80 % rule.
        return self.total_hours > 0 and self.attended_hours * 100 >= self.total_hours * self.required_percent

    @property
    def mandatory_rule_met(self) -> bool:
        return not self.mandatory_missed

    @property
    def rule_met(self) -> bool:
        return self.hours_rule_met and self.mandatory_rule_met

    @property
    def attended_display(self) -> str:
        return fmt_hours(self.attended_hours)

    @property
    def total_display(self) -> str:
        return fmt_hours(self.total_hours)

    @property
    def bar_percent(self) -> int:
        return int(min(self.percent, Decimal("100")))


def course_progress(*, enrollment, course, own_sessions: Iterable, attendances: Iterable, now=None) -> CourseProgress:
    """Apply the rule to one enrollment.

    `own_sessions`: the sessions of the enrollment's cohort; `attendances`: every Attendance row of the enrollment
    (its own cohort's sessions and make-ups), each with `session` loaded.
    """
    own_sessions = [s for s in own_sessions if s.status != SessionStatus.CANCELLED]
    attendances = [a for a in attendances if a.session.status != SessionStatus.CANCELLED]
    scheduled = sum((s.academic_hours for s in own_sessions), Decimal("0"))
    total = Decimal(course.academic_hours or 0) or scheduled
    earned = sum((mark_hours(status=a.status, minutes_missed=a.minutes_missed, session_hours=a.session.academic_hours)
                  for a in attendances), Decimal("0"))
    attended_ids = {a.session_id for a in attendances if a.status in ATTENDED_STATUSES}
    made_up_ids = {a.makeup_for_id for a in attendances if a.status in ATTENDED_STATUSES and a.makeup_for_id}
    mandatory = [s for s in own_sessions if s.mandatory]
    missed = [s for s in mandatory if s.pk not in attended_ids and s.pk not in made_up_ids]
    held = Decimal("0")
    if now is not None:
        held = sum((s.academic_hours for s in own_sessions if s.ends_at <= now), Decimal("0"))
    return CourseProgress(
        course=course, enrollment=enrollment, attended_hours=min(earned, total) if total else earned,
        total_hours=total, required_percent=course.completion_min_percent or 80,
        mandatory_total=len(mandatory), mandatory_missed=missed, scheduled_hours=scheduled, held_hours=held,
        mandatory_missed_held=[s for s in missed if now is None or s.ends_at <= now],
    )


@dataclass
class PartProgress:
    part: object
    progress: CourseProgress | None

    @property
    def is_course(self) -> bool:
        return bool(self.part.course_id)

    @property
    def attended_hours(self) -> Decimal:
        """Hours this part adds to the programme: the course's attended hours capped at the part's hours; none for
        a part that does not count towards the programme's total (so the sum never exceeds the total)."""
        if not self.progress or not self.part.counts_towards_total:
            return Decimal("0")
        return min(self.progress.attended_hours, self.part.hours) if self.part.hours else self.progress.attended_hours

    @property
    def rule_met(self) -> bool:
        return self.progress is not None and self.progress.rule_met


@dataclass
class ProgrammeProgress:
    programme: object
    parts: list[PartProgress]

    @property
    def course_parts(self) -> list[PartProgress]:
        return [p for p in self.parts if p.is_course]

    @property
    def attended_hours(self) -> Decimal:
        return sum((p.attended_hours for p in self.course_parts), Decimal("0"))

    @property
    def total_hours(self) -> Decimal:
        return sum((p.part.hours for p in self.parts), Decimal("0"))

    @property
    def completed(self) -> bool:
        parts = self.course_parts
        return bool(parts) and all(p.rule_met for p in parts)

    @property
    def attended_display(self) -> str:
        return fmt_hours(self.attended_hours)

    @property
    def total_display(self) -> str:
        return fmt_hours(self.total_hours)


def best_progress(progresses: Iterable[CourseProgress]) -> CourseProgress | None:
    """Of several enrollments in one course, the one that meets the rule, else the one with most hours."""
    best = None
    for progress in progresses:
        if best is None or (progress.rule_met, progress.attended_hours) > (best.rule_met, best.attended_hours):
            best = progress
    return best


def programme_progress(*, programme, parts: Iterable, progress_by_course: dict) -> ProgrammeProgress:
    """Apply the programme rule: each course part's rule met (`progress_by_course`: course id -> CourseProgress)."""
    return ProgrammeProgress(programme=programme, parts=[
        PartProgress(part=part, progress=progress_by_course.get(part.course_id) if part.course_id else None)
        for part in parts
    ])
