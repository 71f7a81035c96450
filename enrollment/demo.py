"""Demo cohorts, sessions and enrollments for every seed course (idempotent; `manage.py demo` calls `load`).

Every course gets a finished, a running and an upcoming cohort. Some upcoming cohorts are full with a
waitlist, one needs a coordinator's approval, one is open only to Põlva, Valga and Võru counties. Times are
Europe/Tallinn. Enrollments are written directly with their history (no e-mails are sent for demo data).
Trainers are assigned through `services.trainers_assign`, so the qualification rule holds for demo data too:
the cohorts of courses that need qualified trainers stay without them here (no qualification exists yet) and
certificates.demo staffs them once it has qualified the founding trainers.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils.text import slugify

from accounts.demo import DEMO_PASSWORD
from accounts.models import County, Municipality, Profession, Profile, User
from courses.pages import CoursePage
from courses.snippets import Venue

from .exceptions import TrainersRefused
from .models import Cohort, CohortStatus, Enrollment, EnrollmentEvent, EnrollmentPolicy, EnrollmentStatus, Session
from .services import trainers_assign

TALLINN = ZoneInfo("Europe/Tallinn")
S = EnrollmentStatus

EXTRA_VENUES = [
    ("Tartu Loomemajanduskeskus", "Kalevi 17, Tartu", "Tartu maakond", "Astmeteta sissepääs, lift, induktsioonsilmus."),
    ("Valga Kultuuri- ja Huvialakeskus", "Kesk 1, Valga", "Valga maakond", "Astmeteta sissepääs esimesele korrusele."),
    ("Pärnu Keskraamatukogu saal", "Akadeemia 3, Pärnu", "Pärnu maakond", "Lift ja ligipääsetav tualett."),
]

# Participants who fill the demo cohorts (they can log in with the demo password too).
PARTICIPANTS = [
    ("osaleja1@oskus.ee", "Kertu Kuusk", Profession.CHILD_PROTECTION, "Valga vald"),
    ("osaleja2@oskus.ee", "Margus Mänd", Profession.SOCIAL_WORKER, "Põlva vald"),
    ("osaleja3@oskus.ee", "Helen Haab", Profession.VICTIM_SUPPORT, "Tartu linn"),
    ("osaleja4@oskus.ee", "Rasmus Raud", Profession.POLICE, "Tallinn"),
    ("osaleja5@oskus.ee", "Triin Tamm", Profession.TEACHER, "Viljandi vald"),
    ("osaleja6@oskus.ee", "Andres Allik", Profession.FAMILY_CENTRE, "Võru linn"),
    ("osaleja7@oskus.ee", "Liina Lepp", Profession.SOCIAL_WORKER, "Rõuge vald"),
    ("osaleja8@oskus.ee", "Siim Saar", Profession.CHILD_PROTECTION, "Pärnu linn"),
]
SOUTH_EAST = ("Põlva maakond", "Valga maakond", "Võru maakond")
SOUTH_EAST_COURSE = "eakate-vaimne-tervis"  # a course of the South-East Estonia programme


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TALLINN)


def _participants() -> list[User]:
    users = []
    for email, name, profession, municipality in PARTICIPANTS:
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        profile, _ = Profile.objects.get_or_create(user=user)
        profile.profession = profession
        profile.organisation = profile.organisation or "Demo omavalitsus"
        profile.municipality = Municipality.objects.filter(name=municipality).first()
        profile.save()
        users.append(user)
    return users


def _venues() -> list[Venue]:
    for name, address, county, notes in EXTRA_VENUES:
        Venue.objects.get_or_create(name=name, defaults={"address": address, "accessibility_notes": notes,
                                                         "county": County.objects.get(name=county)})
    return list(Venue.objects.order_by("name"))


def _enroll(cohort: Cohort, user: User, status: str, *, joined: dt.datetime, actor=None,
            offer_expires: dt.datetime | None = None) -> None:
    if Enrollment.objects.filter(cohort=cohort, user=user).exists():
        return
    enrollment = Enrollment.objects.create(
        cohort=cohort, user=user, status=status,
        waitlist_joined_at=joined if status == S.WAITLISTED else None, offer_expires_at=offer_expires,
    )
    first = S.CONFIRMED if status in (S.COMPLETED, S.NOT_COMPLETED) else status
    EnrollmentEvent.objects.create(enrollment=enrollment, actor=user, from_status="", to_status=first,
                                   reason="Enrolled (demo data).")
    if first != status:
        EnrollmentEvent.objects.create(enrollment=enrollment, actor=actor, from_status=first, to_status=status,
                                       reason="Completion recorded (demo data).")


def _cohort(course: CoursePage, *, code: str, title: str, capacity: int, status: str, starts: dt.date,
            days: int, venue: Venue | None, trainers: list[User], policy: str = EnrollmentPolicy.OPEN,
            counties: tuple[str, ...] = ()) -> tuple[Cohort, bool]:
    cohort = Cohort.objects.filter(code=code).first()
    if cohort is not None:
        return cohort, False
    opens = timezone.now() - dt.timedelta(days=60) if status != CohortStatus.FINISHED else \
        _at(starts - dt.timedelta(days=60), 9)
    cohort = Cohort.objects.create(
        course=course, code=code, title=title, capacity=capacity, status=status, policy=policy,
        registration_opens=opens, registration_closes=_at(starts - dt.timedelta(days=3), 23, 59),
        offer_hours=48, cancellation_cutoff_hours=48,
    )
    if counties:
        cohort.eligible_counties.set(County.objects.filter(name__in=counties))
    for index in range(days):
        day = starts + dt.timedelta(days=7 * index)
        online = venue is None
        Session.objects.create(
            cohort=cohort, title=f"{index + 1}. koolituspäev", starts_at=_at(day, 10), ends_at=_at(day, 16, 15),
            venue=venue, online_url="https://meet.example.ee/oskus-" + code if online else "",
            mandatory=index == 0,
        )
    _staff(cohort, trainers)
    return cohort, True


def _staff(cohort: Cohort, trainers: list[User]) -> None:
    """Assign each trainer the rule allows (judged on the sessions just created); leave out the others."""
    for trainer in trainers:
        try:
            trainers_assign(cohort=cohort, trainers=[*cohort.trainers.all(), trainer], actor=None)
        except TrainersRefused:
            continue


def load(stdout=None) -> dict[str, Cohort]:
    """Create the demo cohorts once (existing codes are left as they are); returns them by code."""
    courses = list(CoursePage.objects.live().order_by("path"))
    if not courses:
        return {}
    venues = _venues()
    people = {u.email: u for u in User.objects.filter(email__endswith="@oskus.ee")}
    fillers = _participants()
    trainer = people.get("koolitaja@oskus.ee")
    trainer2 = people.get("koolitaja2@oskus.ee")
    coordinator = people.get("koordinaator@oskus.ee")
    mari = people.get("spetsialist@oskus.ee")
    jyri = people.get("sotsiaaltootaja@oskus.ee")
    oie = people.get("opetaja@oskus.ee")
    peeter = people.get("politsei@oskus.ee")
    today = timezone.localdate()
    now = timezone.now()
    made = {}
    for number, course in enumerate(courses):
        base = slugify(course.slug)[:30].strip("-")
        venue = venues[number % len(venues)]
        teach = [t for t in ([trainer] if number % 3 != 2 else [trainer2]) + ([trainer2] if number % 4 == 0 else [])
                 if t is not None]
        south_east = course.slug == SOUTH_EAST_COURSE or (number == 0 and not any(
            c.slug == SOUTH_EAST_COURSE for c in courses))
        approval = number == 1
        full = south_east or number in (2, 3)
        # Finished: two months ago, participants completed (or not).
        past, created = _cohort(course, code=f"{base}-sugis", title="Eelmine lend", capacity=12,
                                status=CohortStatus.FINISHED, starts=today - dt.timedelta(days=70), days=2,
                                venue=venue, trainers=teach)
        if created:
            for index, user in enumerate([mari, *fillers[:5]]):
                if user is not None:
                    _enroll(past, user, S.COMPLETED if index != 4 else S.NOT_COMPLETED,
                            joined=now - dt.timedelta(days=100), actor=coordinator)
        # Running: the first day was last week, the second is next week.
        running, created = _cohort(course, code=f"{base}-kaimas", title="Käimasolev lend", capacity=10,
                                   status=CohortStatus.RUNNING, starts=today - dt.timedelta(days=5), days=2,
                                   venue=None if number % 2 else venue, trainers=teach)
        if created:
            for user in [jyri if number % 2 else oie, *fillers[3:7]]:
                if user is not None:
                    _enroll(running, user, S.CONFIRMED, joined=now - dt.timedelta(days=30))
        # Upcoming: in three to six weeks.
        upcoming, created = _cohort(
            course, code=f"{base}-tulev", title="Järgmine lend" if not south_east else "Kagu-Eesti lend",
            capacity=4 if full else 16, status=CohortStatus.OPEN,
            starts=today + dt.timedelta(days=21 + 7 * (number % 3)),
            days=2 if number % 2 else 3, venue=venue if number % 3 else None, trainers=teach,
            policy=EnrollmentPolicy.APPROVAL if approval else EnrollmentPolicy.OPEN,
            counties=SOUTH_EAST if south_east else ())
        if created:
            if south_east:
                local = [u for u in (mari, jyri, fillers[0], fillers[1], fillers[5], fillers[6]) if u is not None]
                for index, user in enumerate(local):
                    status = S.CONFIRMED if index < 4 else S.WAITLISTED
                    _enroll(upcoming, user, status, joined=now - dt.timedelta(hours=48 - index))
            elif approval:
                for user in (u for u in (peeter, fillers[2], fillers[7]) if u is not None):
                    _enroll(upcoming, user, S.PENDING, joined=now - dt.timedelta(hours=5))
                if mari is not None:
                    _enroll(upcoming, mari, S.CONFIRMED, joined=now - dt.timedelta(days=3))
            elif full:
                crowd = [u for u in (*fillers, oie, peeter) if u is not None]
                for index, user in enumerate(crowd[:7]):
                    status = S.CONFIRMED if index < 4 else S.WAITLISTED
                    _enroll(upcoming, user, status, joined=now - dt.timedelta(hours=72 - index))
                if number == 2 and mari is not None:
                    _enroll(upcoming, mari, S.WAITLISTED, joined=now - dt.timedelta(hours=1))
            else:
                for user in fillers[number % 4: number % 4 + 3]:
                    _enroll(upcoming, user, S.CONFIRMED, joined=now - dt.timedelta(days=2))
        made.update({past.code: past, running.code: running, upcoming.code: upcoming})
    if stdout is not None:
        stdout.write(f"Enrollment demo: {len(made)} cohorts for {len(courses)} courses "
                     f"({Enrollment.objects.count()} enrollments).")
    return made
