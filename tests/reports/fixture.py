"""A hand-built world whose report figures are known by hand (worked out in test_reports.py's docstring)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from enrollment.models import CohortStatus, CompletionResult, Enrollment, EnrollmentStatus, SessionStatus
from tests import factories

S = EnrollmentStatus


def at(year, month, day, hour=10, minute=0):
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def build() -> dict:
    course_a = factories.CoursePageFactory(title="Kursus A", academic_hours=Decimal("16"), funding="ESF+")
    course_b = factories.CoursePageFactory(title="Kursus B", academic_hours=Decimal("8"), funding="Riigieelarve")
    programme = factories.ProgrammePageFactory(title="Programm 128")
    factories.ProgrammePartFactory(page=programme, course=course_a, sort_order=1)
    factories.ProgrammePartFactory(page=programme, course=course_b, sort_order=2)
    factories.ProgrammePartFactory(page=programme, course=None, kind="info_seminar", title="Infoseminar",
                                   academic_hours=Decimal("4"), sort_order=3)

    t1, t2, t3 = (factories.UserFactory(full_name=name, profile__municipality="Tallinn")
                  for name in ("Koolitaja Üks", "Koolitaja Kaks", "Koolitaja Kolm"))
    a1 = factories.CohortFactory(course=course_a, code="A1", status=CohortStatus.FINISHED, trainers=[t2])
    a2 = factories.CohortFactory(course=course_a, code="A2", status=CohortStatus.OPEN, capacity=0)
    b1 = factories.CohortFactory(course=course_b, code="B1", status=CohortStatus.FINISHED, trainers=[t1])
    cancelled = factories.CohortFactory(course=course_b, code="C", status=CohortStatus.CANCELLED)

    s1 = factories.SessionFactory(cohort=a1, starts_at=at(2026, 3, 10), ends_at=at(2026, 3, 10, 16))  # 8.0
    s2 = factories.SessionFactory(cohort=a1, starts_at=at(2026, 3, 17), ends_at=at(2026, 3, 17, 16))  # 8.0
    factories.SessionFactory(cohort=a1, starts_at=at(2026, 3, 24), ends_at=at(2026, 3, 24, 16),
                             status=SessionStatus.CANCELLED)
    factories.SessionFactory(cohort=a2, starts_at=timezone.now() + dt.timedelta(days=30),
                             ends_at=timezone.now() + dt.timedelta(days=30, hours=6))
    s5 = factories.SessionFactory(cohort=b1, starts_at=at(2026, 4, 7), ends_at=at(2026, 4, 7, 13, 45))  # 5.0
    s6 = factories.SessionFactory(cohort=b1, starts_at=at(2026, 4, 14), ends_at=at(2026, 4, 14, 13),
                                  academic_hours_override=Decimal("2.5"))
    factories.SessionFactory(cohort=cancelled, starts_at=at(2026, 4, 1), ends_at=at(2026, 4, 1, 16))

    u1 = factories.UserFactory(full_name="Anna Aas", profile__municipality="Tartu linn",
                               profile__profession="social_worker", profile__organisation="Org X")
    u2 = factories.UserFactory(full_name="Bert Bu", profile__municipality="Võru vald",
                               profile__profession="teacher", profile__organisation="Org Y")
    u3 = factories.UserFactory(full_name="Cili Cee", profile__municipality="Tartu linn",
                               profile__profession="police", profile__organisation="Org X")
    u4 = factories.UserFactory(full_name="Dora Dee", profile__municipality="Tallinn")
    u5 = factories.UserFactory(full_name="Eha Ee", profile__municipality="Võru vald",
                               profile__profession="victim_support", profile__organisation="Org Z")
    u6 = factories.UserFactory(full_name="Fred Eff", profile__municipality="Tallinn")

    e = {
        "u1a": factories.EnrollmentFactory(user=u1, cohort=a1, status=S.COMPLETED),
        "u2a": factories.EnrollmentFactory(user=u2, cohort=a1, status=S.NOT_COMPLETED),
        "u3a": factories.EnrollmentFactory(user=u3, cohort=a1, status=S.COMPLETED),
        "u1b": factories.EnrollmentFactory(user=u1, cohort=b1, status=S.NOT_COMPLETED),
        "u5b": factories.EnrollmentFactory(user=u5, cohort=b1, status=S.COMPLETED),
        "u4a": factories.EnrollmentFactory(user=u4, cohort=a2, status=S.WAITLISTED,
                                           waitlist_joined_at=at(2026, 10, 1)),
        "u6a": factories.EnrollmentFactory(user=u6, cohort=a2, status=S.CANCELLED),
        "cancelled": factories.EnrollmentFactory(user=u6, cohort=cancelled, status=S.CONFIRMED),
    }
    Enrollment.objects.filter(cohort__in=[a1, b1]).update(created_at=at(2026, 2, 15))
    Enrollment.objects.filter(cohort=a2).update(created_at=at(2026, 10, 1))

    def mark(enrollment, session, status, minutes=0):
        factories.AttendanceFactory(enrollment=e[enrollment], session=session, status=status, minutes_missed=minutes)

    mark("u1a", s1, "present")
    mark("u1a", s2, "present")
    mark("u2a", s1, "absent")
    mark("u2a", s2, "late", 30)
    mark("u3a", s1, "present")
    mark("u3a", s2, "left_early", 90)
    mark("u1b", s5, "present")
    mark("u1b", s6, "excused")
    mark("u5b", s5, "present")
    mark("u5b", s6, "present")
    for key, completed in (("u1a", True), ("u2a", False), ("u3a", True), ("u1b", False), ("u5b", True)):
        CompletionResult.objects.create(enrollment=e[key], attended_hours=0, total_hours=16, required_percent=80,
                                        completed=completed, computed_at=at(2026, 3 if key.endswith("a") else 4, 20))

    q1 = factories.TrainerQualificationFactory(user=t1, course=course_a, granted_at=dt.date(2024, 5, 1),
                                               valid_until=dt.date(2030, 5, 1))
    factories.TrainerQualificationFactory(user=t2, course=course_a, granted_at=dt.date(2025, 2, 1),
                                          valid_until=dt.date(2030, 2, 1), source_trainers=[t1])
    factories.TrainerQualificationFactory(user=t3, course=course_a, granted_at=dt.date(2025, 6, 1),
                                          valid_until=dt.date(2030, 6, 1), source_trainers=[t2])
    return {"course_a": course_a, "course_b": course_b, "programme": programme, "q1": q1,
            "users": [u1, u2, u3, u4, u5, u6], "trainers": [t1, t2, t3]}
