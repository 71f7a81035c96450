"""Reads for certificate pages, the trainer register and the lineage (constant query counts)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.roles import is_coordinator
from courses.pages import CoursePage
from enrollment.models import Enrollment, EnrollmentStatus

from .models import (
    EXPIRING_DAYS,
    Certificate,
    CertificateStatus,
    QualificationEvent,
    QualificationStatus,
    TrainerQualification,
    normalize_code,
)


def certificates_for_user(*, user) -> list[Certificate]:
    return list(Certificate.objects.filter(user=user).select_related("course", "programme")
                .order_by("-issued_at", "-id"))


def certificate_by_code(*, code: str) -> Certificate | None:
    code = normalize_code(code)
    if not code:
        return None
    return Certificate.objects.select_related("course", "programme").filter(code=code).first()


def certificate_for_download(*, user, number: str) -> Certificate | None:
    """The certificate if `user` may download it (its holder, a coordinator or an administrator), else None."""
    certificate = Certificate.objects.select_related("user", "course", "programme", "enrollment").filter(
        number=number).first()
    if certificate is None or not getattr(user, "is_authenticated", False):
        return None
    if certificate.user_id == user.pk or is_coordinator(user):
        return certificate
    return None


def certificates_for_admin() -> QuerySet[Certificate]:
    """Every certificate, newest first, with what the admin listing shows (one query per page)."""
    return Certificate.objects.select_related("user", "course", "programme").order_by("-issued_at", "-id")


def certificate_status_q(status: str, now: dt.datetime | None = None) -> Q:
    """A filter for certificates whose status (Certificate.status_on) is `status`; empty/unknown = all."""
    now = now or timezone.now()
    active = Q(revoked_at__isnull=True)
    return {
        CertificateStatus.VALID: active & (Q(expires_at__isnull=True) | Q(expires_at__gt=now)),
        CertificateStatus.REVOKED: Q(revoked_at__isnull=False),
        CertificateStatus.EXPIRED: active & Q(expires_at__lte=now),
    }.get(status, Q())


# --- trainer register ---------------------------------------------------------------------------

def qualification_status_q(status: str, today: dt.date | None = None) -> Q:
    """A filter for qualifications whose status (TrainerQualification.status_on) is `status`; else all."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=EXPIRING_DAYS)
    active = Q(suspended_at__isnull=True)
    return {
        QualificationStatus.VALID: active & Q(valid_until__gt=soon),
        QualificationStatus.EXPIRING: active & Q(valid_until__gte=today, valid_until__lte=soon),
        QualificationStatus.EXPIRED: active & Q(valid_until__lt=today),
        QualificationStatus.SUSPENDED: Q(suspended_at__isnull=False),
    }.get(status, Q())


def trainer_register_queryset() -> QuerySet[TrainerQualification]:
    """Every qualification with what the register shows and exports; two queries whatever the size."""
    return (TrainerQualification.objects
            .select_related("user__profile__municipality__county", "course", "source_cohort")
            .prefetch_related("source_trainers")
            .order_by("course__title", "user__full_name", "pk"))


def qualifications_with_history() -> QuerySet[TrainerQualification]:
    """Qualifications with their lineage and their history (events with their cohorts and actors)."""
    return (trainer_register_queryset().select_related("certificate")
            .prefetch_related(Prefetch("events", QualificationEvent.objects.select_related("cohort", "actor")
                                       .order_by("at", "id"))))


def courses_with_trainers() -> QuerySet:
    """The courses that have qualified trainers (the lineage index), with their number of trainers."""
    return (CoursePage.objects.filter(qualifications__isnull=False)
            .annotate(trainer_count=Count("qualifications", distinct=True)).order_by("title"))


def county_of(user) -> str:
    profile = getattr(user, "profile", None)
    municipality = getattr(profile, "municipality", None) if profile is not None else None
    return municipality.county.name if municipality is not None else ""


# --- lineage ------------------------------------------------------------------------------------

@dataclass
class LineageNode:
    qualification: TrainerQualification
    generation: int
    children: list[LineageNode] = field(default_factory=list)

    @property
    def user(self):
        return self.qualification.user

    @property
    def county(self) -> str:
        return county_of(self.qualification.user)


@dataclass
class Lineage:
    course: object
    roots: list[LineageNode]
    nodes: dict[int, LineageNode]

    @property
    def generations(self) -> list[dict]:
        """[{generation, count, counties: [(name, count), ...]}] from the first trainers down."""
        by_generation: dict[int, Counter] = defaultdict(Counter)
        for node in self.nodes.values():
            by_generation[node.generation][node.county or "\u2013"] += 1
        return [{"generation": g, "count": sum(c.values()), "counties": sorted(c.items())}
                for g, c in sorted(by_generation.items())]

    @property
    def total(self) -> int:
        return len(self.nodes)


def lineage_for_course(*, course) -> Lineage:
    """Who trained whom among the trainers of `course`.

    A qualification's parents are the trainers of the cohort where it was earned who are themselves qualified
    for the same course. Generation 1 = no qualified parent (founding trainers, granted by hand or trained by
    outsiders); otherwise 1 + the smallest generation among the parents. A person trained by two trainers
    appears under each of them in the tree but is counted once. Three queries whatever the size.
    """
    qualifications = list(TrainerQualification.objects.filter(course=course)
                          .select_related("user__profile__municipality__county")
                          .prefetch_related("source_trainers").order_by("granted_at", "pk"))
    by_user = {q.user_id: q for q in qualifications}
    parents = {q.user_id: [t.pk for t in q.source_trainers.all() if t.pk in by_user and t.pk != q.user_id]
               for q in qualifications}
    generation: dict[int, int] = {}
    # Breadth-first from the roots: a generation is fixed the first time a user is reached (shortest path).
    frontier = [uid for uid, ps in parents.items() if not ps]
    for uid in frontier:
        generation[uid] = 1
    children_of: dict[int, list[int]] = defaultdict(list)
    for uid, ps in parents.items():
        for parent in ps:
            children_of[parent].append(uid)
    while frontier:
        next_frontier = []
        for uid in frontier:
            for child in children_of[uid]:
                if child not in generation:
                    generation[child] = generation[uid] + 1
                    next_frontier.append(child)
        frontier = next_frontier
    # Users only reachable through a cycle (data entered by hand) become roots of their own.
    for uid in parents:
        generation.setdefault(uid, 1)
    nodes = {uid: LineageNode(qualification=by_user[uid], generation=generation[uid]) for uid in by_user}
    for uid, node in nodes.items():
        node.children = [nodes[c] for c in children_of[uid] if generation[c] == generation[uid] + 1]
        node.children.sort(key=lambda n: (n.user.full_name, n.user.pk))
    roots = sorted((n for n in nodes.values() if n.generation == 1), key=lambda n: (n.user.full_name, n.user.pk))
    return Lineage(course=course, roots=roots, nodes=nodes)


@dataclass
class TrainerImpact:
    qualifications: list[TrainerQualification]
    trainees: list[TrainerQualification]
    trainees_count: int
    participants_count: int
    own_participants_count: int


def trainer_impact(*, user) -> TrainerImpact:
    """For a trainer's own page: their qualifications, the trainers they trained, and how many people those
    trainers in turn brought to completion ("trainers you trained: 12, their participants: 340")."""
    qualifications = list(TrainerQualification.objects.filter(user=user).select_related("course", "source_cohort")
                          .prefetch_related("source_trainers").order_by("course__title"))
    trainees = list(TrainerQualification.objects.filter(source_trainers=user).exclude(user=user)
                    .select_related("user", "course", "source_cohort").order_by("user__full_name", "course__title"))
    trainee_ids = {q.user_id for q in trainees}
    participants = (Enrollment.objects.filter(status=EnrollmentStatus.COMPLETED, cohort__trainers__in=trainee_ids)
                    .values("user_id").distinct().count()) if trainee_ids else 0
    own = (Enrollment.objects.filter(status=EnrollmentStatus.COMPLETED, cohort__trainers=user)
           .values("user_id").distinct().count())
    return TrainerImpact(qualifications=qualifications, trainees=trainees, trainees_count=len(trainee_ids),
                         participants_count=participants, own_participants_count=own)
