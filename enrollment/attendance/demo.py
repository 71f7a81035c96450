"""Demo attendance: a finished cohort with marks and results, and a running one half-way through.

Idempotent: each cohort is built once (found again by its code). Call after accounts.demo and courses.demo (and
after enrollment.demo when it exists). Uses the services, so history rows and completion are real; closing the
finished cohort sends `enrollment_completed`, so the certificates app issues its certificates on commit.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import Municipality, Profession, Profile, User
from courses.pages import CoursePage

from ..models import Cohort, CohortStatus, Enrollment, EnrollmentEvent, EnrollmentStatus, Session
from .services import Mark, attendance_mark, cohort_close

TALLINN = ZoneInfo("Europe/Tallinn")
DEMO_PASSWORD = "oskus-demo-2026"  # the same as accounts.demo

# Extra participants beside the demo specialists: e-mail, name, profession, organisation, municipality.
EXTRA_PARTICIPANTS = [
    ("kaie.kivi@example.ee", "Kaie Kivi", Profession.SOCIAL_WORKER, "Antsla Vallavalitsus", "Antsla vald"),
    ("rein.raud@example.ee", "Rein Raud", Profession.SOCIAL_WORKER, "Setomaa Vallavalitsus", "Setomaa vald"),
    ("helen.hein@example.ee", "Helen Hein", Profession.CHILD_PROTECTION, "Räpina Vallavalitsus", "Räpina vald"),
    ("toomas.tali@example.ee", "Toomas Tali", Profession.SOCIAL_WORKER, "Valga Vallavalitsus", "Valga vald"),
]
SPECIALISTS = ["spetsialist@oskus.ee", "sotsiaaltootaja@oskus.ee", "opetaja@oskus.ee", "politsei@oskus.ee"]

P, L, E, X, A = "present", "late", "left_early", "excused", "absent"
# Four 6-hour days (8 academic hours each, 32 in all); the last day is mandatory. (status, minutes missed)
FINISHED_MARKS = {
    "spetsialist@oskus.ee": [(P, 0), (P, 0), (P, 0), (P, 0)],
    "sotsiaaltootaja@oskus.ee": [(P, 0), (L, 30), (P, 0), (P, 0)],
    "opetaja@oskus.ee": [(P, 0), (X, 0), (A, 0), (P, 0)],
    "politsei@oskus.ee": [(P, 0), (P, 0), (E, 90), (P, 0)],
    "kaie.kivi@example.ee": [(P, 0), (P, 0), (P, 0), (X, 0)],
    "rein.raud@example.ee": [(P, 0), (P, 0), (A, 0), (P, 0)],
    "helen.hein@example.ee": [(L, 15), (P, 0), (P, 0), (P, 0)],
    "toomas.tali@example.ee": [(P, 0), (P, 0), (P, 0), (P, 0)],
}
RUNNING_MARKS = {
    "spetsialist@oskus.ee": [(P, 0), (P, 0)],
    "sotsiaaltootaja@oskus.ee": [(P, 0), (A, 0)],
    "kaie.kivi@example.ee": [(L, 20), (P, 0)],
    "rein.raud@example.ee": [(X, 0), (P, 0)],
    "helen.hein@example.ee": [(P, 0), (P, 0)],
}


def _participants():
    users = {u.email: u for u in User.objects.filter(email__in=SPECIALISTS)}
    for email, name, profession, organisation, municipality in EXTRA_PARTICIPANTS:
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        profile, _ = Profile.objects.get_or_create(user=user)
        profile.profession, profile.organisation = profession, organisation
        profile.municipality = Municipality.objects.filter(name=municipality).first()
        profile.save()
        users[email] = user
    return users


def _day(days: int, hour: int) -> dt.datetime:
    local = timezone.localtime().astimezone(TALLINN) + dt.timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _cohort(code, course, title, trainer, starts_days, status, today_session=False):
    cohort = Cohort.objects.filter(code=code).first()
    if cohort is not None:
        return cohort, False
    cohort = Cohort.objects.create(course=course, code=code, title=title, capacity=16, status=status,
                                   registration_opens=_day(starts_days - 60, 9),
                                   registration_closes=_day(starts_days - 3, 23))
    if trainer:
        cohort.trainers.add(trainer)
    for index, days in enumerate(range(starts_days, starts_days + 28, 7)):
        if today_session and index == 2:
            now = timezone.now().astimezone(TALLINN).replace(minute=0, second=0, microsecond=0)
            starts = now - dt.timedelta(hours=1)
        else:
            starts = _day(days, 10)
        Session.objects.create(cohort=cohort, title=f"{index + 1}. päev", starts_at=starts,
                               ends_at=starts + dt.timedelta(hours=6), mandatory=index == 3)
    return cohort, True


def _enroll(cohort, users):
    enrollments = {}
    for email, user in users.items():
        enrollment = Enrollment.objects.filter(cohort=cohort, user=user).first()
        if enrollment is None:
            enrollment = Enrollment.objects.create(cohort=cohort, user=user, status=EnrollmentStatus.CONFIRMED)
            EnrollmentEvent.objects.create(enrollment=enrollment, from_status="", to_status=enrollment.status,
                                           reason="Demo")
        enrollments[email] = enrollment
    return enrollments


def _mark(cohort, enrollments, plan, actor):
    sessions = list(cohort.sessions.order_by("starts_at"))
    for index, session in enumerate(sessions):
        marks = [Mark(enrollment_id=enrollments[email].pk, status=row[index][0], minutes_missed=row[index][1])
                 for email, row in plan.items() if index < len(row)]
        if marks:
            attendance_mark(session=session, marks=marks, actor=actor, reason="Allkirjaleht (demo)")


def load(stdout=None) -> dict:
    """Create the two demo cohorts (once) and return them by code."""
    coordinator = User.objects.filter(email="koordinaator@oskus.ee").first()
    trainer = User.objects.filter(email="koolitaja@oskus.ee").first()
    finished_course = CoursePage.objects.filter(slug="eakate-vaimne-tervis").first()
    running_course = CoursePage.objects.filter(slug="nutikad-abivahendid-ja-it").first()
    if not (coordinator and finished_course and running_course):
        if stdout:
            stdout.write("Attendance demo skipped: load accounts.demo and courses.demo first.")
        return {}
    users = _participants()
    result = {}

    finished, created = _cohort("evt-2025-voru", finished_course, "Võru, sügis 2025", trainer, -70,
                                CohortStatus.RUNNING)
    if created:
        enrollments = _enroll(finished, {e: users[e] for e in FINISHED_MARKS if e in users})
        _mark(finished, enrollments, {e: m for e, m in FINISHED_MARKS.items() if e in enrollments}, coordinator)
        cohort_close(cohort=finished, actor=coordinator)
    result[finished.code] = finished

    running, created = _cohort("nait-2026-polva", running_course, "Põlva, kevad 2026", trainer, -14,
                               CohortStatus.RUNNING, today_session=True)
    if created:
        enrollments = _enroll(running, {e: users[e] for e in RUNNING_MARKS if e in users})
        _mark(running, enrollments, {e: m for e, m in RUNNING_MARKS.items() if e in enrollments}, coordinator)
    result[running.code] = running
    if stdout:
        stdout.write("Attendance demo: a finished cohort with results (evt-2025-voru) and a running one "
                     "(nait-2026-polva, a session today).")
    return result
