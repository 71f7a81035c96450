"""Demo cohorts, sessions, enrollments and attendance for every seed course (idempotent; `manage.py demo`).

Everything happens through the services people use, with dates relative to today: people enroll
(`services.enrollment_create`, so places, waitlists and eligibility follow the rules), coordinators approve,
reject and cancel, trainers are assigned (`services.trainers_assign`, the qualification rule applies) and mark
attendance (`attendance.services.attendance_mark`, at the end of each session), and finished cohorts are
closed (`attendance.services.cohort_close`), which records each outcome from the marks and the follow-up tasks
that make the certificates app issue the certificates and qualifications; the demo runs those tasks at once.

A cohort is built in one transaction and found again by its code next time, so a second run changes nothing.
Cohort titles are derived from the first session's date ("Võru, sügis 2026"); each cohort's sessions add up
to the course's academic hours (6-hour days, 8 academic hours each, one a week).

`manage.py demo` runs this module last: `certificates.demo.load_trainers` first qualifies the trainers (so the
cohorts of courses that need qualified trainers can be staffed), then the attendance and certificates demos
build their cohorts with named people; here every seed course gets its cohorts, each course on its own weekday,
with participants and trainers who are free on all of its days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from accounts.demo import DEMO_PASSWORD
from accounts.models import County, Municipality, Profession, Profile, User
from courses.pages import CoursePage
from courses.snippets import Venue

from .attendance.services import (
    Mark,
    attendance_mark,
    cohort_close,
    cohort_finished_announce_task,
    completion_announce_task,
)
from .eligibility import eligibility_problem
from .exceptions import TrainersRefused
from .models import ACTIVE_STATUSES, Cohort, CohortStatus, Enrollment, EnrollmentPolicy, EnrollmentStatus, Session
from .services import enrollment_approve, enrollment_cancel, enrollment_create, enrollment_reject, trainers_assign

TALLINN = ZoneInfo("Europe/Tallinn")
S = EnrollmentStatus
P, L, E, X, A = "present", "late", "left_early", "excused", "absent"
HOURS_PER_DAY = 8  # academic hours of one 6-hour training day
SOUTH_EAST = ("Põlva maakond", "Valga maakond", "Võru maakond")
SEASONS = {12: "talv", 1: "talv", 2: "talv", 3: "kevad", 4: "kevad", 5: "kevad", 6: "suvi", 7: "suvi", 8: "suvi",
           9: "sügis", 10: "sügis", 11: "sügis"}

EXTRA_VENUES = [
    ("Tartu Loomemajanduskeskus", "Kalevi 17, Tartu", "Tartu maakond", "Astmeteta sissepääs, lift, induktsioonsilmus."),
    ("Valga Kultuuri- ja Huvialakeskus", "Kesk 1, Valga", "Valga maakond", "Astmeteta sissepääs esimesele korrusele."),
    ("Pärnu Keskraamatukogu saal", "Akadeemia 3, Pärnu", "Pärnu maakond", "Lift ja ligipääsetav tualett."),
]
# The town each venue is in (for cohort titles).
VENUE_TOWNS = {
    "Võru Kultuurimaja Kannel": "Võru", "Põlva Kultuuri- ja Huvikeskus": "Põlva",
    "Sotsiaalkindlustusameti koolitusruum": "Tallinn", "Tartu Loomemajanduskeskus": "Tartu",
    "Valga Kultuuri- ja Huvialakeskus": "Valga", "Pärnu Keskraamatukogu saal": "Pärnu",
}
ONLINE = "Veebis"

# Participants who fill the demo cohorts (they log in with the demo password too); the first fourteen live in
# Põlva, Valga or Võru county, so they may take the South-East Estonia programme's courses.
PARTICIPANTS = [
    ("osaleja1@oskus.ee", "Kertu Kuusk", Profession.CHILD_PROTECTION, "Valga vald"),
    ("osaleja2@oskus.ee", "Margus Mänd", Profession.SOCIAL_WORKER, "Põlva vald"),
    ("osaleja6@oskus.ee", "Andres Allik", Profession.FAMILY_CENTRE, "Võru linn"),
    ("osaleja7@oskus.ee", "Liina Lepp", Profession.SOCIAL_WORKER, "Rõuge vald"),
    ("osaleja9@oskus.ee", "Anneli Org", Profession.SOCIAL_WORKER, "Kanepi vald"),
    ("osaleja10@oskus.ee", "Urmas Ilves", Profession.CHILD_PROTECTION, "Räpina vald"),
    ("osaleja11@oskus.ee", "Katrin Rebane", Profession.SOCIAL_WORKER, "Otepää vald"),
    ("osaleja12@oskus.ee", "Priit Kask", Profession.SOCIAL_WORKER, "Tõrva vald"),
    ("osaleja13@oskus.ee", "Maret Pihlak", Profession.FAMILY_CENTRE, "Antsla vald"),
    ("osaleja14@oskus.ee", "Janek Tuul", Profession.SOCIAL_WORKER, "Setomaa vald"),
    ("osaleja15@oskus.ee", "Eha Valk", Profession.CHILD_PROTECTION, "Võru vald"),
    ("osaleja16@oskus.ee", "Tarmo Sild", Profession.SOCIAL_WORKER, "Põlva vald"),
    ("osaleja17@oskus.ee", "Reet Laas", Profession.SOCIAL_WORKER, "Valga vald"),
    ("osaleja18@oskus.ee", "Kalle Paju", Profession.CHILD_PROTECTION, "Rõuge vald"),
    ("osaleja3@oskus.ee", "Helen Haab", Profession.VICTIM_SUPPORT, "Tartu linn"),
    ("osaleja4@oskus.ee", "Rasmus Raud", Profession.POLICE, "Tallinn"),
    ("osaleja5@oskus.ee", "Triin Tamm", Profession.TEACHER, "Viljandi vald"),
    ("osaleja8@oskus.ee", "Siim Saar", Profession.CHILD_PROTECTION, "Pärnu linn"),
    ("osaleja19@oskus.ee", "Kristi Nurm", Profession.TEACHER, "Tartu linn"),
    ("osaleja20@oskus.ee", "Ott Kangur", Profession.POLICE, "Tallinn"),
]
# The demo specialists of the README have their own stories below; the generic picks leave them out.
NAMED = ("spetsialist@oskus.ee", "sotsiaaltootaja@oskus.ee", "opetaja@oskus.ee", "politsei@oskus.ee")


# --- building blocks (certificates.demo and attendance.demo use them too) ------------------------------------

def season_title(place: str, day: dt.date) -> str:
    """'Võru, sügis 2026': the place and the season and year of the cohort's first day."""
    return f"{place}, {SEASONS[day.month]} {day.year}"


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TALLINN)


def weekday_on_or_before(day: dt.date, weekday: int = 1) -> dt.date:
    """The given weekday (default Tuesday) on or before `day`."""
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def weekday_on_or_after(day: dt.date, weekday: int = 1) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def holiday(day: dt.date) -> bool:
    """Christmas to Epiphany: no trainings are scheduled then."""
    return (day.month == 12 and day.day >= 21) or (day.month == 1 and day.day <= 6)


def weekly(first: dt.date, days: int) -> list[dt.date]:
    """`days` training days a week apart from `first`, skipping the Christmas holidays."""
    dates, day = [], first
    while len(dates) < days:
        if not holiday(day):
            dates.append(day)
        day += dt.timedelta(days=7)
    return dates


def busy_days() -> dict[int, set[dt.date]]:
    """The local dates on which each person teaches or holds (or waits for) a place in a cohort's session."""
    busy: dict[int, set[dt.date]] = {}
    rows = [*Session.objects.filter(cohort__enrollments__status__in=ACTIVE_STATUSES)
            .values_list("cohort__enrollments__user_id", "starts_at"),
            *Session.objects.filter(cohort__trainers__isnull=False).values_list("cohort__trainers", "starts_at")]
    for user_id, starts_at in rows:
        busy.setdefault(user_id, set()).add(timezone.localdate(starts_at))
    return busy


def demo_user(email: str, name: str, profession: str, organisation: str, municipality: str) -> User:
    """A demo account with a verified address and the demo password (created once; the profile refreshed)."""
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.profession = profession
    profile.organisation = profile.organisation or organisation
    profile.municipality = Municipality.objects.get(name=municipality)
    profile.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return User.objects.select_related("profile__municipality__county").get(pk=user.pk)  # the profile as saved


def day_starts(first: dt.date, days: int) -> list[dt.datetime]:
    """The start (10:00) of each weekly training day from `first`, the Christmas holidays skipped."""
    return [at(day, 10) for day in weekly(first, days)]


def marks_plan(index: int, sessions: int, *, fails: bool, variant: int = 0) -> list[tuple[str, int]]:
    """Believable marks for the `index`-th participant: mostly present, some late or leaving early; `fails`
    misses the mandatory first day (or, in short courses, the last day with a note), so the rule is not met."""
    row = [(P, 0)] * sessions
    if fails:
        if variant % 2 == 0 or sessions >= 5:
            row[0] = (A, 0)
        else:
            row[-1] = (X, 0)
        return row
    if index % 3 == 1:
        row[min(1, sessions - 1)] = (L, 20)
    if index % 4 == 2:
        row[-1] = (E, 45)
    return row


def cohort_build(*, course: CoursePage, code: str, place: str, starts: Sequence[dt.datetime], capacity: int,
                 coordinator: User, people: Iterable[tuple[User, list[tuple[str, int]] | None]],
                 trainers: Iterable[User] = (), venue: Venue | None = None, policy: str = EnrollmentPolicy.OPEN,
                 counties: Iterable[str] = (), close: bool = False, after=None,
                 staff_size: int | None = None) -> tuple[Cohort, bool]:
    """Build one cohort through the services, in one transaction; an existing code is returned untouched.

    The cohort is opened, `people` enroll in order (`enrollment_create`: confirmed, wait-listed or pending as
    the rules say), then it gets its sessions (`starts`, 6 hours each) and its real registration window, its
    trainers (`trainers_assign`: the first `staff_size` of `trainers` who teach nowhere else on those days and
    whom the qualification rule allows), and the marks of every session that has ended, given by its first
    trainer (the coordinator without one) at the session's end: each person's row of (status, minutes missed)
    per session (a None cell: left unmarked), None for present throughout. `close` closes the cohort the day after
    its last session (`cohort_close`); `after(cohort, enrollments)` does anything else inside the transaction.
    Returns (cohort, created).
    """
    cohort = Cohort.objects.filter(code=code).first()
    if cohort is not None:
        return cohort, False
    now = timezone.now()
    first = min(starts)
    opens = first - dt.timedelta(days=60)
    with transaction.atomic():
        cohort = Cohort.objects.create(
            course=course, code=code, title=season_title(place, timezone.localdate(first)), capacity=capacity,
            status=CohortStatus.OPEN, policy=policy, registration_opens=min(opens, now - dt.timedelta(hours=1)),
            offer_hours=48, cancellation_cutoff_hours=48)
        if counties:
            cohort.eligible_counties.set(County.objects.filter(name__in=counties))
        rows = {}
        enrollments = []
        for user, row in people:
            enrollment = enrollment_create(user=user, cohort=cohort)
            enrollments.append(enrollment)
            rows[enrollment.pk] = row
        for index, begins in enumerate(sorted(starts)):
            Session.objects.create(
                cohort=cohort, title=f"{index + 1}. koolituspäev", starts_at=begins,
                ends_at=begins + dt.timedelta(hours=6), venue=venue, mandatory=index == 0,
                online_url="" if venue is not None else f"https://meet.example.ee/oskus-{code}")
        cohort.registration_opens = opens
        cohort.registration_closes = at(timezone.localdate(first) - dt.timedelta(days=3), 23, 59)
        cohort.status = CohortStatus.RUNNING if first <= now else CohortStatus.OPEN
        cohort.save(update_fields=["registration_opens", "registration_closes", "status", "updated_at"])
        staff = []
        busy = busy_days()
        dates = {timezone.localdate(begins) for begins in starts}
        for trainer in trainers:
            if (staff_size is not None and len(staff) >= staff_size) or busy.get(trainer.pk, set()) & dates:
                continue
            try:
                trainers_assign(cohort=cohort, trainers=[*staff, trainer], actor=coordinator)
            except TrainersRefused:
                continue
            staff.append(trainer)
        marker = staff[0] if staff else coordinator
        sessions = list(cohort.sessions.order_by("starts_at"))
        for index, session in enumerate(sessions):
            if session.ends_at > now:
                break
            confirmed = Enrollment.objects.filter(cohort=cohort, status=S.CONFIRMED).values_list("pk", flat=True)
            marks = []
            for enrollment_id in confirmed:
                row = rows.get(enrollment_id) or [(P, 0)] * len(sessions)
                if row[index] is None:
                    continue
                status, minutes = row[index]
                marks.append(Mark(enrollment_id=enrollment_id, status=status, minutes_missed=minutes))
            attendance_mark(session=session, marks=marks, actor=marker, now=session.ends_at,
                            reason="Allkirjaleht" if marker == coordinator else None)
        if after is not None:
            after(cohort, enrollments)
        if close:
            cohort_close(cohort=cohort, actor=coordinator, now=sessions[-1].ends_at + dt.timedelta(days=1))
            # The closing recorded its follow-up as tasks; the demo runs them now (they are idempotent, so the
            # worker finding them later changes nothing), so the certificates are there without a worker.
            for enrollment_id in Enrollment.objects.filter(cohort=cohort, status=S.COMPLETED).values_list("pk",
                                                                                                       flat=True):
                completion_announce_task.call(enrollment_id=enrollment_id, completed=True)
            cohort_finished_announce_task.call(cohort_id=cohort.pk)
    return cohort, True


# --- the seed courses' cohorts ------------------------------------------------------------------------------

def venues() -> dict[str, Venue]:
    """Every venue by name, with the extra ones the demo cohorts use."""
    for name, address, county, notes in EXTRA_VENUES:
        Venue.objects.get_or_create(name=name, defaults={"address": address, "accessibility_notes": notes,
                                                         "county": County.objects.get(name=county)})
    return {venue.name: venue for venue in Venue.objects.all()}


def participants() -> list[User]:
    return [demo_user(email, name, profession, "Demo omavalitsus", municipality)
            for email, name, profession, municipality in PARTICIPANTS]


class _Picker:
    """Chooses fillers for a course: eligible for the cohort, never twice in one course, in a rotating order."""

    def __init__(self, pool: list[User], course: CoursePage, offset: int):
        self.pool = pool[offset:] + pool[:offset]
        self.course = course
        self.used = set(Enrollment.objects.filter(cohort__course=course).values_list("user_id", flat=True))

    def take(self, count: int, cohort_probe: Cohort, starts: Iterable[dt.datetime], *,
             only: set[int] | None = None) -> list[User]:
        """Up to `count` people who may enroll, are new to the course and are free on the days of `starts`."""
        chosen = []
        busy = busy_days()
        dates = {timezone.localdate(begins) for begins in starts}
        for user in self.pool:
            if len(chosen) == count:
                break
            if (only is not None and user.pk not in only) or user.pk in self.used or busy.get(user.pk, set()) & dates:
                continue
            if eligibility_problem(user=user, cohort=cohort_probe):
                continue
            chosen.append(user)
            self.used.add(user.pk)
        return chosen


TIIT, LIIS = "koolitaja@oskus.ee", "koolitaja2@oskus.ee"
# The trainers certificates.demo qualified in generations 2 and 3 (its `load_trainers` runs before this module).
# Ülle Õunap is left out on purpose: she has not taught since, so her qualification is about to expire.
KAJA, REIN = "kaja.kuusk@demo.oskus.ee", "rein.raudsepp@demo.oskus.ee"
OTHERS = [KAJA, REIN, "marje.mannik@demo.oskus.ee", "tonis.saar@demo.oskus.ee", "zanna.sokolova@demo.oskus.ee"]

# Per course (by slug): trainers in order of preference (the first free ones the rule allows teach) and how
# many, the venue (None: online), the upcoming cohort's kind and capacity, and whether the course gets a
# finished cohort here (the trainer courses' finished cohorts are certificates.demo's).
PLAN = {
    "eakate-vaimne-tervis": ([TIIT, *OTHERS], 1, "Võru Kultuurimaja Kannel", "open", 16, True),
    "nutikad-abivahendid-ja-it": ([TIIT, *OTHERS], 1, "Põlva Kultuuri- ja Huvikeskus", "open", 16, True),
    "sõltuvusained-ja-sõltuvusega-inimesed": ([LIIS, *OTHERS], 1, "Valga Kultuuri- ja Huvialakeskus", "full", 3,
                                              True),
    "tõhus-meeskonna-ja-muudatuste-juhtimine": ([TIIT, LIIS, *OTHERS], 2, "Võru Kultuurimaja Kannel", "open", 12,
                                                True),
    "hea-käitumise-mäng-õpetajatele": ([LIIS], 1, "Tartu Loomemajanduskeskus", "full", 5, True),
    "hea-käitumise-mängu-koolitajate-koolitus": ([LIIS], 1, "Tartu Loomemajanduskeskus", "open", 10, False),
    "lähisuhtevägivalla-juhtumikorraldus": ([TIIT, LIIS, *OTHERS], 2, None, "approval", 10, True),
    "maakondlik-turvavõrgustik": ([TIIT, *OTHERS], 1, "Sotsiaalkindlustusameti koolitusruum", "open", 12, True),
    "turvavõrgustiku-koolitajate-koolitus": ([TIIT, KAJA, REIN], 1, "Sotsiaalkindlustusameti koolitusruum", "open",
                                             10, False),
    "perepesa-perekeskuse-töötajatele": ([LIIS, *OTHERS], 1, "Põlva Kultuuri- ja Huvikeskus", "south-east", 14,
                                         True),
    "lapsendaja-ja-kasupere-toetamine": ([TIIT, *OTHERS], 1, "Pärnu Keskraamatukogu saal", "open", 16, True),
}
# Named specialists in the finished cohorts (the demo specialist did not complete the addiction course).
FINISHED_NAMED = {"lapsendaja-ja-kasupere-toetamine": ["spetsialist@oskus.ee"],
                  "sõltuvusained-ja-sõltuvusega-inimesed": ["spetsialist@oskus.ee"],
                  "hea-käitumise-mäng-õpetajatele": ["opetaja@oskus.ee"]}
NOT_COMPLETED_NAMED = {("sõltuvusained-ja-sõltuvusega-inimesed", "spetsialist@oskus.ee")}


# The desk's safety nets, each shown by one cohort (reports/dashboard.py):
# - "Cohorts to close": this course's running cohort has held all its days, the last one a few days ago, and one
#   participant was not marked on it; the coordinator closes it (or the sweep does, ATTENDANCE_LOCK_DAYS after).
# - "Places to offer": the services offer a freed place to the waitlist at once, so a place free while people wait
#   only appears when data is changed outside them (a data fix in the database, an import from another system).
#   This course's full cohort gets one more place that way, and the desk shows the offer that is due.
READY_TO_CLOSE = "lapsendaja-ja-kasupere-toetamine"
OFFER_DUE = "hea-käitumise-mäng-õpetajatele"


def cohort_code(slug: str, number: int) -> str:
    """The code of a seed course's demo cohort: 1 finished, 2 running, 3 upcoming (ASCII: codes appear in URLs)."""
    return f"{slugify(slug)[:24].strip('-')}-{number}"


READY_TO_CLOSE_CODE = cohort_code(READY_TO_CLOSE, 2)
OFFER_DUE_CODE = cohort_code(OFFER_DUE, 3)


def _rotated(people: dict[str, User], emails: list[str], number: int) -> list[User]:
    """The course's trainers in order of preference, the generation-2 and -3 trainers taking turns."""
    others = [e for e in emails if e in OTHERS]
    shift = number % len(others) if others else 0
    emails = [e for e in emails if e not in OTHERS] + others[shift:] + others[:shift]
    return [people[e] for e in emails if e in people]


def load(stdout=None) -> dict[str, Cohort]:
    """Create the demo cohorts once (existing codes are left as they are); returns them by code.

    Each course teaches on its own weekday (Monday to Friday in turn); people and trainers are only placed
    where they are free on every day of the cohort.
    """
    courses = [c for c in CoursePage.objects.live().filter(locale__language_code=settings.LANGUAGE_CODE)
               .order_by("path") if c.slug in PLAN]
    people = {u.email: u for u in User.objects.filter(email__in=[*NAMED, TIIT, LIIS, *OTHERS,
                                                                 "koordinaator@oskus.ee"])}
    coordinator = people.get("koordinaator@oskus.ee")
    if not courses or coordinator is None:
        if stdout is not None:
            stdout.write("Enrollment demo skipped: load accounts.demo and courses.demo first.")
        return {}
    all_venues = venues()
    pool = participants()
    today = timezone.localdate()
    made = {}
    for number, course in enumerate(courses):
        trainer_emails, staff_size, venue_name, kind, capacity, finished = PLAN[course.slug]
        weekday = number % 5
        venue = all_venues.get(venue_name) if venue_name else None
        place = VENUE_TOWNS.get(venue_name, ONLINE) if venue_name else ONLINE
        days = max(int(course.academic_hours) // HOURS_PER_DAY, 1)
        picker = _Picker(pool, course, offset=(number * 3) % len(pool))
        # Eligibility by the course's own rules (county, profession), asked before a cohort exists.
        probe = Cohort(course=course, eligible_professions=[])
        probe.has_county_rule = probe.has_prerequisites = False
        common = {"course": course, "place": place, "coordinator": coordinator, "venue": venue,
                  "trainers": _rotated(people, trainer_emails, number), "staff_size": staff_size}

        # Finished: two to three months ago; most completed, a few did not.
        if finished:
            first = weekday_on_or_before(today - dt.timedelta(days=7 * (days - 1) + 56 + 7 * (number % 4)), weekday)
            starts = day_starts(first, days)
            named = [people[e] for e in FINISHED_NAMED.get(course.slug, []) if e in people]
            picker.used.update(u.pk for u in named)
            group = named + picker.take(6 - len(named), probe, starts)
            rows = []
            for index, user in enumerate(group):
                fails = (course.slug, user.email) in NOT_COMPLETED_NAMED or (index == 3 and user not in named)
                rows.append((user, marks_plan(index, days, fails=fails, variant=number)))
            cohort, _ = cohort_build(code=cohort_code(course.slug, 1), starts=starts, capacity=12, close=True,
                                     people=rows, **common)
            made[cohort.code] = cohort

        # Running: the days held so far are marked, the rest are still to come. READY_TO_CLOSE's has held every
        # day, the last on the latest working day before today, and one mark of that day is missing.
        ready_to_close = course.slug == READY_TO_CLOSE
        held = days if ready_to_close else max(1, days // 2)
        last_held = weekday_on_or_before(today - dt.timedelta(days=1), weekday)
        if ready_to_close:
            last_held = today - dt.timedelta(days=1)
            while last_held.weekday() >= 5:
                last_held -= dt.timedelta(days=1)
        next_day = weekday_on_or_after(today + dt.timedelta(days=1), weekday)
        starts = ([at(last_held - dt.timedelta(days=7 * (held - 1 - index)), 10) for index in range(held)]
                  + day_starts(next_day, days - held))
        rows = []
        for index, user in enumerate(picker.take(4, probe, starts)):
            row = [(P, 0)] * days
            if index == 3:
                row[0] = (A, 0)
            elif index % 3 == 1:
                row[held - 1] = (L, 15)
            elif index == 2 and ready_to_close:
                row[-1] = None  # the trainer has not marked them yet: the desk flags the session
            rows.append((user, row))
        cohort, _ = cohort_build(code=cohort_code(course.slug, 2), starts=starts, capacity=10, people=rows,
                                 **common)
        made[cohort.code] = cohort

        # Upcoming: in three to five weeks (after the Christmas holidays when they fall then).
        first = weekday_on_or_after(today + dt.timedelta(days=21 + 7 * (number % 3)), weekday)
        cohort, _ = _upcoming(kind, code=cohort_code(course.slug, 3), starts=day_starts(first, days), capacity=capacity,
                              picker=picker, probe=probe, people=people, common=common)
        made[cohort.code] = cohort
    if stdout is not None:
        stdout.write(f"Enrollment demo: {len(made)} cohorts for {len(courses)} courses "
                     f"({Enrollment.objects.count()} enrollments in all).")
    return made


def _upcoming(kind, *, code, starts, capacity, picker, probe, people, common):
    """An upcoming cohort: open with free places, full with a waitlist and an offered place, needing approval,
    or open only to Põlva, Valga and Võru counties."""
    mari, jyri = people.get("spetsialist@oskus.ee"), people.get("sotsiaaltootaja@oskus.ee")
    oie, peeter = people.get("opetaja@oskus.ee"), people.get("politsei@oskus.ee")
    course, coordinator = common["course"], common["coordinator"]
    if kind == "full":
        # Full: every place taken and people waiting; one participant cancelled, so the first in line has an offer.
        group = picker.take(capacity + 2, probe, starts)
        if mari is not None and course.slug.startswith("sõltuvus"):
            group.append(mari)  # she did not complete the last cohort and waits for a place in this one

        def cancel_one(cohort, enrollments):
            confirmed = [e for e in enrollments if e.status == S.CONFIRMED]
            if len(confirmed) > 1:
                enrollment_cancel(enrollment=confirmed[1], actor=confirmed[1].user, reason="Töögraafik muutus.")
            if course.slug == OFFER_DUE and cohort.enrollments.filter(status=S.WAITLISTED).exists():
                # A bigger room, its capacity written straight to the database (see OFFER_DUE): no offer went out.
                Cohort.objects.filter(pk=cohort.pk).update(capacity=F("capacity") + 1)

        return cohort_build(code=code, starts=starts, capacity=capacity, people=[(u, None) for u in group],
                            after=cancel_one, **common)
    if kind == "approval":
        group = ([peeter] if peeter is not None else []) + picker.take(5, probe, starts)

        def decide(cohort, enrollments):
            for index, enrollment in enumerate(enrollments):
                if index in (1, 2, 3):
                    enrollment_approve(enrollment=enrollment, actor=coordinator)
                elif index == 4:
                    enrollment_reject(enrollment=enrollment, actor=coordinator,
                                      reason="Koolitus on mõeldud juhtumitega igapäevaselt tegelevatele "
                                             "spetsialistidele.")

        return cohort_build(code=code, starts=starts, capacity=capacity, people=[(u, None) for u in group],
                            policy=EnrollmentPolicy.APPROVAL, after=decide, **common)
    if kind == "south-east":
        local = picker.take(4, probe, starts, only=set(User.objects.filter(
            profile__municipality__county__name__in=SOUTH_EAST).values_list("pk", flat=True)))
        group = [u for u in (jyri,) if u is not None] + local
        return cohort_build(code=code, starts=starts, capacity=capacity, counties=SOUTH_EAST,
                            people=[(u, None) for u in group], **{**common, "place": "Põlva"})
    group = picker.take(3, probe, starts)
    if course.slug.startswith("tõhus"):
        group = [u for u in (mari, jyri) if u is not None] + group
    if course.slug.startswith("hea-käitumise-mängu-koolitajate") and oie is not None:
        group = [oie] + group
    return cohort_build(code=code, starts=starts, capacity=capacity, people=[(u, None) for u in group], **common)
