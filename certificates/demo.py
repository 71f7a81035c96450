"""Demo certificates and trainer lineage in three generations (idempotent; `manage.py demo`).

Everything goes through the services, with dates relative to today:

- `load_trainers` (run before enrollment.demo): Tiit Tamm and Liis Lõhmus are founding (generation 1) trainers of
  the county safety-network course and of the Good Behavior Game, granted by hand (`qualification_grant`).
  Almost three years ago Tiit taught the safety-network trainer course; its three graduates (generation 2) got
  certificates and, with them, their qualification when the cohort was closed. Eight months ago one of them,
  Kaja Kuusk, taught the trainer course to three more (generation 3). Ülle Õunap has not taught since, so her
  qualification expires within three months.
- `load` (run last): the demo specialists completed a safety-network cohort taught by Rein Raudsepp
  (generation 2) and hold its certificates; one certificate is revoked.

Cohorts are built with enrollment.demo's `cohort_build` (enroll, mark, close), so each certificate is issued by
the certificates app when its cohort's closing commits, and delivering a cohort renews its trainers'
qualifications.
"""

import datetime as dt

from django.utils import timezone

from accounts.models import Profession, User
from courses.pages import CoursePage
from courses.snippets import Venue
from enrollment.demo import cohort_build, day_starts, demo_user, marks_plan, venues, weekday_on_or_before

from . import services
from .models import Certificate, TrainerQualification

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
REVOKE_REASON = ("Tunnistus tühistati tööandja teate alusel: osaleja ei esitanud koolituse lõpuks nõutud "
                 "juhtumianalüüsi.")
FOUNDER_NOTE = "Asutajakoolitaja (kinnitatud käsitsi)"


def _pages() -> dict[str, CoursePage]:
    return {p.slug: p for p in CoursePage.objects.filter(slug__in=[BASE, TRAINER_COURSE, GBG],
                                                                 locale__language_code="et")}


def _founder(user, course, *, granted_on: dt.date) -> TrainerQualification:
    qualification = TrainerQualification.objects.filter(user=user, course=course).first()
    if qualification is None:
        qualification = services.qualification_grant(user=user, course=course, granted_on=granted_on,
                                                      note=FOUNDER_NOTE)
    return qualification


def _venue(prefix: str) -> Venue | None:
    return next((venue for name, venue in sorted(venues().items()) if name.startswith(prefix)), None)


def _everyone_completes(users, days):
    return [(user, marks_plan(index, days, fails=False)) for index, user in enumerate(users)]


def load_trainers(stdout=None) -> dict:
    """Generation 1 by hand; generations 2 and 3 through trainer-course cohorts that were closed."""
    pages = _pages()
    coordinator = User.objects.filter(email="koordinaator@oskus.ee").first()
    tiit = User.objects.filter(email="koolitaja@oskus.ee").first()
    liis = User.objects.filter(email="koolitaja2@oskus.ee").first()
    if len(pages) < 3 or None in (coordinator, tiit, liis):
        if stdout:
            stdout.write("Trainer demo skipped: load accounts.demo and courses.demo first.")
        return {}
    base, trainer_course, gbg = pages[BASE], pages[TRAINER_COURSE], pages[GBG]
    today = timezone.localdate()
    _founder(tiit, base, granted_on=services.add_months(today, -40))
    _founder(liis, gbg, granted_on=services.add_months(today, -30))

    gen2 = [demo_user(*row) for row in GEN2]
    days = int(trainer_course.academic_hours) // 8
    first = weekday_on_or_before(services.add_months(today, -34))
    cohort_build(course=trainer_course, code="tvk-tartu", place="Tartu", starts=day_starts(first, days),
                 capacity=12, coordinator=coordinator, trainers=[tiit], venue=_venue("Tartu"),
                 people=_everyone_completes(gen2, days), close=True)

    gen3 = [demo_user(*row) for row in GEN3]
    first = weekday_on_or_before(services.add_months(today, -8))
    cohort_build(course=trainer_course, code="tvk-voru", place="Võru", starts=day_starts(first, days),
                 capacity=12, coordinator=coordinator, trainers=[gen2[0]], venue=_venue("Võru"),
                 people=_everyone_completes(gen3, days), close=True)
    if stdout:
        stdout.write(f"Trainer qualifications: {TrainerQualification.objects.count()} in three generations.")
    return {"generation_2": gen2, "generation_3": gen3}


def load(stdout=None) -> dict:
    """The specialists' safety-network cohort, taught by a generation-2 trainer; one certificate revoked."""
    pages = _pages()
    coordinator = User.objects.filter(email="koordinaator@oskus.ee").first()
    rein = User.objects.filter(email=GEN2[1][0]).first()
    if len(pages) < 3 or coordinator is None or rein is None:
        if stdout:
            stdout.write("Certificates demo skipped: run load_trainers first.")
        return {}
    base = pages[BASE]
    days = int(base.academic_hours) // 8
    specialists = list(User.objects.filter(email__in=SPECIALISTS).order_by("email"))
    first = weekday_on_or_before(timezone.localdate() - dt.timedelta(days=120), weekday=2)
    cohort, _ = cohort_build(course=base, code="mtv-parnu", place="Pärnu", starts=day_starts(first, days),
                             capacity=16, coordinator=coordinator, trainers=[rein], venue=_venue("Pärnu"),
                             people=_everyone_completes(specialists, days), close=True)
    revoked = Certificate.objects.filter(enrollment__cohort=cohort, user__email=REVOKED).first()
    if revoked is not None and revoked.revoked_at is None:
        services.certificate_revoke(certificate=revoked, actor=coordinator, reason=REVOKE_REASON)
    if stdout:
        stdout.write(f"Certificates demo: the demo specialists' cohort {cohort.code} closed, "
                     f"{Certificate.objects.filter(enrollment__cohort=cohort).count()} certificates (one revoked).")
    return {"cohort": cohort, "revoked": revoked}
