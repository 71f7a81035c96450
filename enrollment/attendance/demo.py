"""Demo attendance: a finished cohort with a mix of marks and results, and a running one with a session today.

Idempotent: each cohort is built once (found again by its code). Runs before enrollment.demo (which fills the
other cohorts with whoever is free on their days) and is built with its `cohort_build`, so people enroll, are
marked and the finished cohort is closed through the services: the outcomes follow the completion rule, and
the certificates app issues the certificates when the cohort's transaction commits.
"""

import datetime as dt

from django.utils import timezone

from accounts.models import Profession, User
from courses.pages import CoursePage

from ..demo import A, E, L, P, X, at, cohort_build, day_starts, demo_user, venues, weekday_on_or_before

# Extra participants beside the demo specialists (all from the South-East, as both courses are for them):
# e-mail, name, profession, organisation, municipality.
EXTRA_PARTICIPANTS = [
    ("kaie.kivi@example.ee", "Kaie Kivi", Profession.SOCIAL_WORKER, "Antsla Vallavalitsus", "Antsla vald"),
    ("rein.raud@example.ee", "Rein Raud", Profession.SOCIAL_WORKER, "Setomaa Vallavalitsus", "Setomaa vald"),
    ("helen.hein@example.ee", "Helen Hein", Profession.CHILD_PROTECTION, "Räpina Vallavalitsus", "Räpina vald"),
    ("toomas.tali@example.ee", "Toomas Tali", Profession.SOCIAL_WORKER, "Valga Vallavalitsus", "Valga vald"),
]
SPECIALISTS = ["spetsialist@oskus.ee", "sotsiaaltootaja@oskus.ee"]

# Four 6-hour days (8 academic hours each, 32 in all); the first day is mandatory. (status, minutes missed)
FINISHED_MARKS = {
    "spetsialist@oskus.ee": [(P, 0), (P, 0), (P, 0), (P, 0)],
    "sotsiaaltootaja@oskus.ee": [(P, 0), (L, 30), (P, 0), (P, 0)],
    "kaie.kivi@example.ee": [(P, 0), (X, 0), (P, 0), (P, 0)],  # 75 %: not completed
    "rein.raud@example.ee": [(A, 0), (P, 0), (P, 0), (P, 0)],  # missed the mandatory day: not completed
    "helen.hein@example.ee": [(L, 15), (P, 0), (P, 0), (E, 90)],
    "toomas.tali@example.ee": [(P, 0), (P, 0), (P, 0), (P, 0)],
}
# The first two days are marked; the third is today (the trainer marks it, or people check in).
RUNNING_MARKS = {
    "spetsialist@oskus.ee": [(P, 0), (P, 0)],
    "sotsiaaltootaja@oskus.ee": [(P, 0), (A, 0)],
    "kaie.kivi@example.ee": [(L, 20), (P, 0)],
    "rein.raud@example.ee": [(X, 0), (P, 0)],
    "helen.hein@example.ee": [(P, 0), (P, 0)],
}


def _participants() -> dict[str, User]:
    users = {u.email: u for u in User.objects.filter(email__in=SPECIALISTS)}
    for row in EXTRA_PARTICIPANTS:
        users[row[0]] = demo_user(*row)
    return users


def _rows(users, plan, days):
    return [(users[email], marks + [(P, 0)] * (days - len(marks))) for email, marks in plan.items() if email in users]


def load(stdout=None) -> dict:
    """Create the two demo cohorts (once) and return them by code."""
    coordinator = User.objects.filter(email="koordinaator@oskus.ee").first()
    trainer = User.objects.filter(email="koolitaja@oskus.ee").first()
    finished_course = CoursePage.objects.filter(slug="eakate-vaimne-tervis", locale__language_code="et").first()
    running_course = CoursePage.objects.filter(slug="nutikad-abivahendid-ja-it", locale__language_code="et").first()
    if not (coordinator and trainer and finished_course and running_course):
        if stdout:
            stdout.write("Attendance demo skipped: load accounts.demo and courses.demo first.")
        return {}
    users = _participants()
    today = timezone.localdate()
    trainers = [trainer]
    places = venues()

    # Five months ago in Võru, four weekly days.
    first = weekday_on_or_before(today - dt.timedelta(days=150), weekday=3)
    finished, _ = cohort_build(
        course=finished_course, code="evt-voru", place="Võru", starts=day_starts(first, 4), capacity=16,
        coordinator=coordinator, trainers=trainers, venue=places["Võru Kultuurimaja Kannel"],
        people=_rows(users, FINISHED_MARKS, 4), close=True)

    # Running in Põlva: two weeks ago, a week ago, today (started an hour ago, so check-in is open) and next week.
    now = timezone.localtime()
    today_start = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    starts = [at(today - dt.timedelta(days=14), 10), at(today - dt.timedelta(days=7), 10), today_start,
              at(today + dt.timedelta(days=7), 10)]
    running, _ = cohort_build(
        course=running_course, code="nait-polva", place="Põlva", starts=starts, capacity=16,
        coordinator=coordinator, trainers=trainers, venue=places["Põlva Kultuuri- ja Huvikeskus"],
        people=_rows(users, RUNNING_MARKS, 4))
    if stdout:
        stdout.write(f"Attendance demo: a finished cohort with results ({finished.code}) and a running one "
                     f"({running.code}, a session today).")
    return {finished.code: finished, running.code: running}
