"""Demo certificates and trainer lineage (idempotent; called by `manage.py demo` after enrollment.demo).

- Tiit Tamm and Liis Lõhmus are founding (generation 1) trainers of the county safety-network course and of the
  Good Behavior Game; Liis's qualification expires in 60 days (an "expiring" qualification, reminder due).
- Tiit trained three trainers in 2024 (generation 2); one of them trained three more in 2025 (generation 3).
- Specialists completed a safety-network cohort taught by a generation-2 trainer and hold certificates; one
  certificate is revoked.
"""

import datetime as dt

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Municipality, Profession, Profile, User
from courses.pages import CoursePage
from enrollment.exceptions import TrainersRefused
from enrollment.models import Attendance, AttendanceStatus, Cohort, CohortStatus, Enrollment, EnrollmentStatus, Session
from enrollment.services import trainers_assign

from . import services
from .models import Certificate, TrainerQualification

try:
    from accounts.demo import DEMO_PASSWORD
except ImportError:  # pragma: no cover
    DEMO_PASSWORD = "oskus-demo-2026"

BASE = "maakondlik-turvavõrgustik"
TRAINER_COURSE = "turvavõrgustiku-koolitajate-koolitus"
GBG = "hea-käitumise-mäng-õpetajatele"

# email, name, profession, organisation, municipality
GEN2 = [
    ("kaja.kuusk@demo.oskus.ee", "Kaja Kuusk", Profession.CHILD_PROTECTION, "Võru Vallavalitsus", "Võru vald"),
    ("rein.raudsepp@demo.oskus.ee", "Rein Raudsepp", Profession.POLICE, "Politsei- ja Piirivalveamet", "Pärnu linn"),
    ("ulle.ounap@demo.oskus.ee", "Ülle Õunap", Profession.VICTIM_SUPPORT, "Sotsiaalkindlustusamet", "Tallinn"),
]
GEN3 = [
    ("marje.mannik@demo.oskus.ee", "Marje Männik", Profession.CHILD_PROTECTION, "Põlva Vallavalitsus", "Põlva vald"),
    ("tonis.saar@demo.oskus.ee", "Tõnis Saar", Profession.TEACHER, "Võru Kreutzwaldi Kool", "Võru vald"),
    ("zanna.sokolova@demo.oskus.ee", "Žanna Sokolova", Profession.SOCIAL_WORKER, "Narva Linnavalitsus",
     "Narva linn"),
]
SPECIALISTS = ["spetsialist@oskus.ee", "opetaja@oskus.ee", "sotsiaaltootaja@oskus.ee", "politsei@oskus.ee"]
REVOKED = "politsei@oskus.ee"


def _user(email, name, profession, organisation, municipality) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    profile, _ = Profile.objects.get_or_create(user=user)
    profile.profession = profession
    profile.organisation = organisation
    profile.municipality = Municipality.objects.filter(name=municipality).first()
    profile.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _finished_cohort(course, code, title, trainers, start: dt.datetime, days: int = 3) -> Cohort:
    cohort, _ = Cohort.objects.get_or_create(code=code, defaults={
        "course": course, "title": title, "capacity": 20, "status": CohortStatus.FINISHED,
        "registration_opens": start - dt.timedelta(days=60), "registration_closes": start - dt.timedelta(days=7)})
    if not cohort.sessions.exists():
        for day in range(days):
            begins = start + dt.timedelta(days=day)
            Session.objects.create(cohort=cohort, title=f"{day + 1}. päev", starts_at=begins,
                                   ends_at=begins + dt.timedelta(hours=6))
    # Through the service: the trainers must have been qualified on the cohort's dates (they were).
    trainers_assign(cohort=cohort, trainers=trainers, actor=None)
    return cohort


def _staff_waiting_cohorts(founders: list[TrainerQualification]) -> int:
    """enrollment.demo runs before any qualification exists, so it leaves the cohorts of courses that need
    qualified trainers without trainers; the founders qualified for such a course now take them over."""
    by_course = {q.course_id: q.user for q in founders}
    staffed = 0
    for cohort in (Cohort.objects.filter(course__requires_qualified_trainers=True, trainers__isnull=True,
                                         code__regex=r"-(sugis|kaimas|tulev)$").select_related("course")):
        founder = by_course.get(cohort.course.trainer_course.pk)
        if founder is None:
            continue
        try:
            trainers_assign(cohort=cohort, trainers=[founder], actor=None)
        except TrainersRefused:
            continue
        staffed += 1
    return staffed


def _complete(user, cohort) -> Certificate:
    enrollment, _ = Enrollment.objects.get_or_create(user=user, cohort=cohort,
                                                     defaults={"status": EnrollmentStatus.COMPLETED})
    if enrollment.status != EnrollmentStatus.COMPLETED:
        enrollment.status = EnrollmentStatus.COMPLETED
        enrollment.save(update_fields=["status"])
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        return existing
    for session in cohort.sessions.all():  # the attendance ledger: present at every session
        Attendance.objects.get_or_create(enrollment=enrollment, session=session,
                                         defaults={"status": AttendanceStatus.PRESENT, "marked_at": session.ends_at})
    return services.certificate_issue(enrollment=enrollment)


def _founder(user, course, *, valid_until: dt.date, granted_at: dt.date) -> TrainerQualification:
    qualification = TrainerQualification.objects.filter(user=user, course=course).first()
    if qualification is None:
        qualification = services.qualification_grant(user=user, course=course, granted_on=granted_at,
                                                     note="Asutajakoolitaja (kinnitatud käsitsi)")
    qualification.granted_at = granted_at
    qualification.valid_until = valid_until
    qualification.save(update_fields=["granted_at", "valid_until"])
    return qualification


def load(stdout=None) -> dict:
    pages = {p.slug: p for p in CoursePage.objects.filter(slug__in=[BASE, TRAINER_COURSE, GBG])}
    if len(pages) < 3:
        if stdout:
            stdout.write("Certificates demo skipped: the demo courses are missing (run courses.demo first).")
        return {}
    base, trainer_course, gbg = pages[BASE], pages[TRAINER_COURSE], pages[GBG]
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    tiit = User.objects.get(email="koolitaja@oskus.ee")
    liis = User.objects.get(email="koolitaja2@oskus.ee")

    # Generation 1: founders, granted by hand.
    founders = [_founder(tiit, base, granted_at=dt.date(2023, 9, 1), valid_until=today + dt.timedelta(days=700)),
                _founder(liis, gbg, granted_at=dt.date(2023, 3, 1), valid_until=today + dt.timedelta(days=60))]
    _staff_waiting_cohorts(founders)

    # Generation 2: Tiit's trainer-course cohort in 2024.
    gen2_users = [_user(*row) for row in GEN2]
    cohort_2024 = _finished_cohort(trainer_course, "demo-tvk-2024-tartu", "Tartu, kevad 2024", [tiit],
                                   dt.datetime(2024, 4, 9, 10, 0, tzinfo=tz), days=4)
    for user in gen2_users:
        _complete(user, cohort_2024)

    # Generation 3: Kaja Kuusk (generation 2) teaches the trainer course in 2025.
    gen3_users = [_user(*row) for row in GEN3]
    cohort_2025 = _finished_cohort(trainer_course, "demo-tvk-2025-voru", "Võru, sügis 2025", [gen2_users[0]],
                                   dt.datetime(2025, 10, 7, 10, 0, tzinfo=tz), days=4)
    for user in gen3_users:
        _complete(user, cohort_2025)

    # Specialists complete the base course taught by generation-2 trainers; one certificate is revoked.
    base_cohort = _finished_cohort(base, "demo-mtv-2025-parnu", "Pärnu, 2025", gen2_users[1:],
                                   dt.datetime(2025, 11, 4, 10, 0, tzinfo=tz))
    certificates = []
    for email in SPECIALISTS:
        user = User.objects.filter(email=email).first()
        if user is not None:
            certificates.append(_complete(user, base_cohort))
    coordinator = User.objects.filter(email="koordinaator@oskus.ee").first()
    revoked = next((c for c in certificates if c.user.email == REVOKED), None)
    if revoked is not None and revoked.revoked_at is None and coordinator is not None:
        services.certificate_revoke(certificate=revoked, actor=coordinator,
                                    reason="Osalemine viimasel koolituspäeval ei leidnud kinnitust.")
    if stdout:
        stdout.write(f"Demo certificates: {Certificate.objects.count()} (one revoked); trainer qualifications: "
                     f"{TrainerQualification.objects.count()} in three generations; Liis Lõhmus's expires in 60 days.")
    return {"certificates": certificates, "generation_2": gen2_users, "generation_3": gen3_users}
