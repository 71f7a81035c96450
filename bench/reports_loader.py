"""Bench-only data for the reports: 5,000 cohorts, 20,000 sessions, 50,000 enrollments with their attendance and
completion results, 15,000 people across every municipality, and trainers in lineages. Bulk inserts, reproducible
(seed 17). Run inside Django by bench/reports.py on its own database; never used by tests or the demo."""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Municipality, Profession, Profile, User
from certificates.models import TrainerQualification
from courses.pages import CoursePage
from enrollment.models import Attendance, Cohort, CompletionResult, Enrollment, Session

from . import loader

COHORTS = 5000
PER_COHORT = 10  # enrollments: 5,000 x 10 = 50,000
PEOPLE = 15000
TRAINERS = 300
SESSIONS = 4


def load() -> dict:
    rng = random.Random(17)  # noqa: S311 - reproducible bench data, not security
    loader.load(courses=40, cohorts=0)
    courses = list(CoursePage.objects.order_by("pk").values_list("pk", flat=True))
    municipalities = list(Municipality.objects.values_list("pk", flat=True))
    professions = [p for p in Profession.values]
    organisations = [f"Asutus {n}" for n in range(300)]
    now = timezone.now()
    password = make_password(None)
    with transaction.atomic():
        User.objects.bulk_create([User(email=f"r{n}@bench.ee", full_name=f"Osaleja {n}", password=password)
                                  for n in range(PEOPLE + TRAINERS)], batch_size=5000)
        users = list(User.objects.filter(email__endswith="@bench.ee").order_by("pk").values_list("pk", flat=True))
        Profile.objects.bulk_create([Profile(user_id=uid, profession=rng.choice(professions),
                                             organisation=rng.choice(organisations),
                                             municipality_id=rng.choice(municipalities),
                                             calendar_token=f"bench-{uid}") for uid in users],
                                    batch_size=5000, ignore_conflicts=True)
        people, trainers = users[:PEOPLE], users[PEOPLE:]
        cohorts = []
        for n in range(COHORTS):
            first = now + dt.timedelta(days=rng.randint(-730, 90), hours=rng.randint(0, 4))
            past = first + dt.timedelta(days=7 * (SESSIONS - 1), hours=6) < now
            cohorts.append((Cohort(course_id=rng.choice(courses), code=f"rep-{n}", capacity=12,
                                   status="finished" if past else rng.choice(["open", "running"])), first))
        Cohort.objects.bulk_create([c for c, _first in cohorts], batch_size=2000)
        Through = Cohort.trainers.through
        Through.objects.bulk_create([Through(cohort_id=c.pk, user_id=rng.choice(trainers)) for c, _f in cohorts],
                                    batch_size=5000)
        sessions = [Session(cohort_id=c.pk, starts_at=first + dt.timedelta(days=7 * k),
                            ends_at=first + dt.timedelta(days=7 * k, hours=6)) for c, first in cohorts
                    for k in range(SESSIONS)]
        Session.objects.bulk_create(sessions, batch_size=5000)
        enrollments = []
        for cohort, first in cohorts:
            for index, uid in enumerate(rng.sample(people, PER_COHORT)):
                if cohort.status == "finished":
                    status = "completed" if rng.random() < 0.8 else "not_completed"
                else:
                    status = "confirmed" if index < 8 else rng.choice(["waitlisted", "pending", "cancelled"])
                enrollments.append(Enrollment(
                    user_id=uid, cohort_id=cohort.pk, status=status,
                    waitlist_joined_at=first - dt.timedelta(days=20) if status == "waitlisted" else None))
        Enrollment.objects.bulk_create(enrollments, batch_size=5000)
        with connection.cursor() as cursor:  # enrolled about a month before the cohort began
            cursor.execute("UPDATE enrollment_enrollment e SET created_at = s.first - interval '30 days' "
                           "FROM (SELECT cohort_id, min(starts_at) AS first FROM enrollment_session "
                           "GROUP BY cohort_id) s WHERE s.cohort_id = e.cohort_id")
        by_cohort = {}
        for session in Session.objects.filter(ends_at__lte=now).values("pk", "cohort_id", "ends_at"):
            by_cohort.setdefault(session["cohort_id"], []).append(session)
        marks, results = [], []
        for enrollment in Enrollment.objects.filter(status__in=["confirmed", "completed", "not_completed"]) \
                .values("pk", "cohort_id", "status"):
            for session in by_cohort.get(enrollment["cohort_id"], []):
                status = rng.choice(["present"] * 8 + ["late", "absent"])
                marks.append(Attendance(enrollment_id=enrollment["pk"], session_id=session["pk"], status=status,
                                        minutes_missed=20 if status == "late" else 0, marked_at=session["ends_at"]))
            if enrollment["status"] != "confirmed":
                results.append(CompletionResult(
                    enrollment_id=enrollment["pk"], attended_hours=Decimal("28"), total_hours=Decimal("32"),
                    required_percent=80, completed=enrollment["status"] == "completed",
                    computed_at=by_cohort[enrollment["cohort_id"]][-1]["ends_at"] + dt.timedelta(days=1)))
        Attendance.objects.bulk_create(marks, batch_size=10000)
        CompletionResult.objects.bulk_create(results, batch_size=10000)
        # Trainers in lineages: each qualified for one course, trained by an earlier trainer of it.
        qualifications, lineage = [], {}
        for index, uid in enumerate(trainers):
            course = courses[index % 10]
            granted = dt.date(2022, 1, 1) + dt.timedelta(days=index * 3)
            qualifications.append(TrainerQualification(user_id=uid, course_id=course, granted_at=granted,
                                                       valid_until=granted + dt.timedelta(days=3 * 365)))
            earlier = lineage.setdefault(course, [])
            earlier.append(uid)
        TrainerQualification.objects.bulk_create(qualifications)
        Source = TrainerQualification.source_trainers.through
        made = {q.user_id: q for q in TrainerQualification.objects.filter(user_id__in=trainers)}
        links = []
        for members in lineage.values():
            for position, uid in enumerate(members[1:], start=1):
                links.append(Source(trainerqualification_id=made[uid].pk, user_id=members[rng.randrange(position)]))
        Source.objects.bulk_create(links)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"cohorts": Cohort.objects.count(), "enrollments": Enrollment.objects.count(),
            "sessions": Session.objects.count(), "attendance": Attendance.objects.count()}
