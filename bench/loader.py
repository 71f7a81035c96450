"""Bench-only data: the demo content scaled to 500 courses and 2,000 cohorts with sessions and enrollments.

Run inside Django (bench/pages.py does it), on a fresh bench database; never used by tests or the demo.
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import County, User
from courses import demo as courses_demo
from courses.catalogue_pages import CourseIndexPage
from courses.pages import CourseFormat, CoursePage
from courses.snippets import Provider, TargetGroup, Topic, Venue
from enrollment.models import Cohort, Enrollment, Session

COURSES = 500
COHORTS = 2000
USERS = 60


def load(courses: int = COURSES, cohorts: int = COHORTS) -> dict:
    rng = random.Random(42)  # noqa: S311 - reproducible bench data, not security
    courses_demo.load()
    index = CourseIndexPage.objects.first()
    topics, groups = list(Topic.objects.all()), list(TargetGroup.objects.all())
    providers, counties = list(Provider.objects.all()), list(County.objects.all())
    venues = list(Venue.objects.all())
    existing = CoursePage.objects.count()
    for n in range(existing, courses):
        page = index.add_child(instance=CoursePage(
            title=f"Koolitus {n:03d}: {rng.choice(topics).name.lower()} praktikas",
            slug=f"bench-koolitus-{n}",
            summary="Praktiline koolitus sotsiaalvaldkonna spetsialistidele: juhtumid, arutelud ja tööriistad.",
            goals="<ul><li>Märgata</li><li>Toetada</li></ul>", outcomes="<p>Osaleja oskab.</p>",
            academic_hours=Decimal(rng.choice([8, 16, 24, 32])), format=rng.choice(CourseFormat.values),
            provider=rng.choice(providers), funding=courses_demo.ESF_FUNDING, funding_share=85,
        ))
        page.topics.set(rng.sample(topics, 2))
        page.target_groups.set(rng.sample(groups, 2))
        page.eligible_counties.set(rng.sample(counties, rng.choice([0, 0, 3])))
        page.save()  # live without revisions: fast, and what visitors see is the same
    course_ids = list(CoursePage.objects.values_list("pk", flat=True))
    with transaction.atomic():
        users = [User(email=f"bench{n}@example.ee", full_name=f"Bench {n}", password=make_password(None))
                 for n in range(USERS) if not User.objects.filter(email=f"bench{n}@example.ee").exists()]
        User.objects.bulk_create(users)
        people = list(User.objects.filter(email__startswith="bench"))
        start = Cohort.objects.count()
        new = [Cohort(course_id=course_ids[n % len(course_ids)], code=f"bench-{n}", title=f"Rühm {n}",
                      capacity=rng.choice([12, 16, 20, 24]), status=rng.choice(["open", "open", "planned"]))
               for n in range(start, cohorts)]
        Cohort.objects.bulk_create(new)
        made = list(Cohort.objects.filter(code__startswith="bench-"))
        now = timezone.now()
        sessions, enrollments = [], []
        for cohort in made:
            first = now + dt.timedelta(days=rng.randint(5, 300), hours=rng.randint(0, 5))
            for day in range(2):
                begins = first + dt.timedelta(days=day * 7)
                sessions.append(Session(cohort=cohort, starts_at=begins, ends_at=begins + dt.timedelta(hours=6),
                                        venue=rng.choice(venues) if venues else None))
            for person in rng.sample(people, rng.randint(0, min(cohort.capacity, len(people)))):
                enrollments.append(Enrollment(user=person, cohort=cohort, status=rng.choice(
                    ["confirmed", "confirmed", "pending", "waitlisted", "cancelled"])))
        Session.objects.bulk_create(sessions)
        Enrollment.objects.bulk_create(enrollments, ignore_conflicts=True)
    return {"courses": CoursePage.objects.count(), "cohorts": Cohort.objects.count()}
