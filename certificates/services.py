"""Every write to certificates and trainer qualifications.

Guarantees (see docs/certificates.md):
- one certificate per enrollment (checked under a row lock on the enrollment, backed by a unique index);
- certificate numbers OSK-YYYY-NNNNNN are sequential per year and never handed out twice (the year's
  sequence row is locked while a number is taken);
- history is kept: re-issue appends a CertificateRevision, qualification changes a QualificationEvent;
- PDFs and e-mails are produced after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import is_coordinator
from courses.pages import CoursePage, ProgrammePage
from enrollment.attendance.selectors import programme_progress_for_user, progress_for_enrollment
from enrollment.models import Cohort, Enrollment, EnrollmentStatus, SessionStatus
from outbox.services import message_enqueue

from .exceptions import (
    AlreadyIssued,
    AlreadyRevoked,
    CertificateError,
    NotCompleted,
    NothingToReissue,
    ReasonRequired,
    TrainerNotQualified,
)
from .models import (
    Certificate,
    CertificateRevision,
    CertificateSequence,
    QualificationEvent,
    TrainerQualification,
)
from .rendering import certificate_pdf_schedule

NUMBER_PREFIX = "OSK"
DEFAULT_QUALIFICATION_MONTHS = 36
REMINDER_DAYS = (90, 30)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the last day of the month when that day does not exist)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def certificate_expiry(*, course, completed_on: dt.date) -> dt.datetime | None:
    """When a certificate of `course` completed on `completed_on` expires: the end of the day the course's
    certificate validity (months) runs out, or None (never) when the course sets none (and for programmes)."""
    months = course.certificate_validity_months if course is not None else None
    if not months:
        return None
    last_day = add_months(completed_on, months)
    return timezone.make_aware(dt.datetime.combine(last_day, dt.time(23, 59, 59)))


def qualification_validity_months(*, course, granted_by=None) -> int:
    """How long a qualification to train `course` lasts: the validity set on the course that grants it
    (`granted_by`, whose `qualifies_for` is `course`); without one, on the first course that grants it;
    DEFAULT_QUALIFICATION_MONTHS when no course grants it (founders, granted by hand)."""
    if granted_by is None or granted_by.qualifies_for_id != course.pk:
        granted_by = (CoursePage.objects.filter(qualifies_for=course, locale__language_code=settings.LANGUAGE_CODE)
                      .order_by("pk").first())
    months = granted_by.qualification_validity_months if granted_by is not None else None
    return months or DEFAULT_QUALIFICATION_MONTHS


def _check_coordinator(actor) -> None:
    if not is_coordinator(actor):
        raise CertificateError(_("Only coordinators and administrators can do this."))


# --- numbers ------------------------------------------------------------------------------------

def certificate_number_allocate(*, year: int) -> str:
    """Take the next number of `year` under a row lock on the year's sequence row: OSK-2026-000123."""
    with transaction.atomic():
        CertificateSequence.objects.get_or_create(year=year)
        sequence = CertificateSequence.objects.select_for_update().get(year=year)
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
        return f"{NUMBER_PREFIX}-{year}-{sequence.last_number:06d}"


# --- facts of an enrollment ---------------------------------------------------------------------

def attended_hours_for(enrollment: Enrollment) -> Decimal:
    """Academic hours the participant attended, from the attendance ledger.

    1. The completion result written when the cohort was closed (enrollment.completion), else
    2. the attendance selectors' live progress for the enrollment.
    """
    completion = getattr(enrollment, "completion", None)  # a missing reverse one-to-one gives None here
    if completion is not None:
        return Decimal(completion.attended_hours)
    return Decimal(progress_for_enrollment(enrollment=enrollment).attended_hours)


def _cohort_dates(cohort: Cohort) -> tuple[dt.date | None, dt.date | None]:
    sessions = [s for s in cohort.sessions.all() if s.status != SessionStatus.CANCELLED]
    if not sessions:
        return None, None
    start = min(s.starts_at for s in sessions)
    end = max(s.ends_at for s in sessions)
    return timezone.localtime(start).date(), timezone.localtime(end).date()


def _trainer_names(cohort: Cohort) -> list[str]:
    return [t.get_full_name() for t in cohort.trainers.all().order_by("full_name", "email")]


# --- issuing ------------------------------------------------------------------------------------

def certificate_issue(*, enrollment: Enrollment, actor=None) -> Certificate:
    """Issue the certificate of a COMPLETED enrollment, exactly once.

    Locks the enrollment row, refuses if it is not completed (NotCompleted) or already has a certificate
    (AlreadyIssued), snapshots the holder's name, hours, dates, provider and trainers, and takes the next
    number. If the course qualifies its graduates to train another course, grants that qualification too.
    """
    with transaction.atomic():
        enrollment = (Enrollment.objects.select_for_update(of=("self",))
                      .select_related("user", "cohort__course__provider")
                      .get(pk=enrollment.pk))
        if enrollment.status != EnrollmentStatus.COMPLETED:
            raise NotCompleted()
        if Certificate.objects.filter(enrollment=enrollment).exists():
            raise AlreadyIssued()
        cohort = enrollment.cohort
        course = cohort.course
        started_on, completed_on = _cohort_dates(cohort)
        completed_on = completed_on or timezone.localdate()
        now = timezone.now()
        certificate = Certificate(
            number=certificate_number_allocate(year=timezone.localtime(now).year),
            user=enrollment.user, holder_name=enrollment.user.get_full_name(), course=course, title=course.title,
            enrollment=enrollment, cohort_code=cohort.code, issued_by=actor if is_coordinator(actor) else None,
            issued_at=now, started_on=started_on, completed_on=completed_on,
            academic_hours=attended_hours_for(enrollment),
            expires_at=certificate_expiry(course=course, completed_on=completed_on),
            provider_name=course.provider.name if course.provider_id else "",
            trainer_names=_trainer_names(cohort),
        )
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError as error:  # the unique index: a concurrent issue won
            raise AlreadyIssued() from error
        if course.qualifies_for_id:
            qualification_grant(user=enrollment.user, course=course.qualifies_for, source_cohort=cohort,
                                granted_on=certificate.completed_on, certificate=certificate, actor=actor,
                                granted_by=course)
        certificate_pdf_schedule(certificate_id=certificate.pk)
    return certificate


def certificate_issue_exception(*, user, reason: str, actor, course=None, programme=None,
                                completed_on: dt.date | None = None, academic_hours: Decimal | None = None,
                                enrollment: Enrollment | None = None) -> Certificate:
    """A coordinator issues a certificate outside the automatic path (a recorded exception with a reason).

    For a course or a programme (exactly one). Refuses non-coordinators, an empty reason, and a second
    certificate for an enrollment that already has one. Without `academic_hours` it prints the hours attended:
    for a programme, those of its course parts in the attendance ledger (never the programme's total; refused
    when none are recorded); for a course, the enrollment's ledger hours, or the course's hours when there is
    no enrollment. A course's certificate validity sets `expires_at` from `completed_on`.
    """
    _check_coordinator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    if (course is None) == (programme is None):
        raise CertificateError(_("Choose either a course or a programme."))
    training = course or programme
    if academic_hours is None and programme is not None:
        academic_hours = programme_progress_for_user(user=user, programme=programme).attended_hours
        if not academic_hours:
            raise CertificateError(_("No attended hours are recorded for this programme: enter the academic "
                                     "hours attended."))
    elif academic_hours is None:
        academic_hours = attended_hours_for(enrollment) if enrollment is not None else course.academic_hours
    completed_on = completed_on or timezone.localdate()
    with transaction.atomic():
        if enrollment is not None:
            enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
            if Certificate.objects.filter(enrollment=enrollment).exists():
                raise AlreadyIssued()
        now = timezone.now()
        certificate = Certificate(
            number=certificate_number_allocate(year=timezone.localtime(now).year),
            user=user, holder_name=user.get_full_name(), course=course, programme=programme, title=training.title,
            enrollment=enrollment, exception_reason=reason, issued_by=actor, issued_at=now,
            completed_on=completed_on, academic_hours=academic_hours,
            expires_at=certificate_expiry(course=course, completed_on=completed_on),
            provider_name=training.provider.name if training.provider_id else "",
            trainer_names=_trainer_names(enrollment.cohort) if enrollment is not None else [],
        )
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError as error:
            raise AlreadyIssued() from error
        certificate_pdf_schedule(certificate_id=certificate.pk)
    return certificate


# --- completion withdrawn or restored after closing (attendance corrected later) -------------------
# The rule (see docs/certificates.md): a certificate the SYSTEM revoked because its completion was withdrawn
# (revoked_by empty) is made valid again, with the same number and code, when the completion comes back; one a
# coordinator revoked stays revoked. Each change of wording appends a CertificateRevision.

def _system_revoke(certificate: Certificate, *, reason: str) -> Certificate:
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = (reason or _("Completion withdrawn"))[:500]
    certificate.revoked_by = None
    certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    return certificate


def _reinstate(certificate: Certificate, *, academic_hours: Decimal, reason: str) -> Certificate:
    CertificateRevision.objects.create(
        certificate=certificate, version=certificate.version, holder_name=certificate.holder_name,
        issued_at=certificate.issued_at, reason=reason[:500], actor=None)
    certificate.holder_name = certificate.user.get_full_name()
    certificate.academic_hours = academic_hours
    certificate.version += 1
    certificate.issued_at = timezone.now()
    certificate.revoked_at = None
    certificate.revoked_reason = ""
    certificate.revoked_by = None
    certificate.save(update_fields=["holder_name", "academic_hours", "version", "issued_at", "revoked_at",
                                    "revoked_reason", "revoked_by"])
    certificate_pdf_schedule(certificate_id=certificate.pk)
    return certificate


def certificate_withdraw(*, enrollment: Enrollment, reason: str = "") -> Certificate | None:
    """Revoke, as the system, the certificate of an enrollment whose completion was withdrawn (attendance
    corrected after the cohort was closed). Returns the certificate, or None when it has none or it is already
    revoked (idempotent). The verify page shows it as revoked with `reason`."""
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update(of=("self",)).get(pk=enrollment.pk)
        if enrollment.status == EnrollmentStatus.COMPLETED:
            return None  # completed again meanwhile
        certificate = Certificate.objects.select_for_update().filter(enrollment=enrollment).first()
        if certificate is None or certificate.revoked_at is not None:
            return None
        certificate = _system_revoke(certificate, reason=reason)
        qualification_withdraw(certificate=certificate, reason=certificate.revoked_reason)
        return certificate


def certificate_restore(*, enrollment: Enrollment) -> Certificate | None:
    """Make valid again the certificate of an enrollment that is COMPLETED again, when the system revoked it
    because its completion had been withdrawn: same number and code, the hours attended now, version + 1, the
    previous wording kept as a CertificateRevision, the PDF rendered again. A certificate a coordinator revoked
    stays revoked. Returns the certificate restored, or None (nothing to do; idempotent)."""
    with transaction.atomic():
        enrollment = (Enrollment.objects.select_for_update(of=("self",)).select_related("user")
                      .get(pk=enrollment.pk))
        if enrollment.status != EnrollmentStatus.COMPLETED:
            return None
        certificate = (Certificate.objects.select_for_update(of=("self",)).select_related("user")
                       .filter(enrollment=enrollment).first())
        if certificate is None or certificate.revoked_at is None or certificate.revoked_by_id is not None:
            return None
        certificate = _reinstate(certificate, academic_hours=attended_hours_for(enrollment),
                                 reason=_("Completion restored after attendance was corrected"))
        qualification_restore(certificate=certificate)
        return certificate


# --- programme certificates issued automatically ---------------------------------------------------

def programme_completion(*, user, programme: ProgrammePage) -> tuple[bool, Decimal]:
    """Whether `user` completed `programme`, and the academic hours to print.

    Completed: every course part's rule is met (the programme rule of the attendance ledger, what the programme
    page shows) and each of those courses has an enrollment of the person that was closed as COMPLETED.
    Hours: the attended hours of the parts that count towards the programme's total, each capped at the part's
    hours (`programme_progress_for_user(...).attended_hours`), never the programme's total.
    """
    progress = programme_progress_for_user(user=user, programme=programme)
    course_ids = {p.part.course_id for p in progress.course_parts}
    closed = set(Enrollment.objects.filter(user=user, status=EnrollmentStatus.COMPLETED,
                                           cohort__course_id__in=course_ids)
                 .values_list("cohort__course_id", flat=True))
    return progress.completed and course_ids <= closed, progress.attended_hours


def programme_certificate_issue_automatic(*, user, programme: ProgrammePage) -> Certificate | None:
    """Issue `programme`'s certificate to `user` once every course part is completed (see programme_completion),
    with the hours actually attended. Exactly one per person and programme: the person's row is locked while
    their certificates of the programme are checked; when one exists nothing is issued, except that one the
    system revoked (completion withdrawn) is restored with the current hours. Returns the certificate issued or
    restored, or None (not completed, or already holds one)."""
    completed, hours = programme_completion(user=user, programme=programme)
    if not completed:
        return None
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        existing = list(Certificate.objects.select_for_update().select_related("user")
                        .filter(user=user, programme=programme).order_by("pk"))
        if existing:
            if all(c.revoked_at is not None for c in existing):
                automatic = [c for c in existing if c.issued_by_id is None and c.revoked_by_id is None]
                if automatic:
                    return _reinstate(automatic[0], academic_hours=hours,
                                      reason=_("Programme completion restored after attendance was corrected"))
            return None
        now = timezone.now()
        certificate = Certificate.objects.create(
            number=certificate_number_allocate(year=timezone.localtime(now).year),
            user=user, holder_name=user.get_full_name(), programme=programme, title=programme.title,
            # The model asks a certificate without an enrollment for a reason; this one says why it exists.
            exception_reason=_("Issued automatically: every course of the programme completed"),
            issued_by=None, issued_at=now, completed_on=timezone.localdate(), academic_hours=hours,
            expires_at=None, provider_name=programme.provider.name if programme.provider_id else "",
            trainer_names=[])
        certificate_pdf_schedule(certificate_id=certificate.pk)
    return certificate


def programme_certificate_withdraw(*, user, programme: ProgrammePage, reason: str = "") -> Certificate | None:
    """Revoke, as the system, the automatic programme certificate of `user` when the programme is no longer
    completed (a part's completion was withdrawn). Certificates issued by hand are a coordinator's decision
    and are left alone. Returns the certificate revoked, or None."""
    completed, _hours = programme_completion(user=user, programme=programme)
    if completed:
        return None
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=user.pk)
        certificate = (Certificate.objects.select_for_update()
                       .filter(user=user, programme=programme, issued_by__isnull=True, revoked_at__isnull=True)
                       .first())
        if certificate is None:
            return None
        return _system_revoke(certificate, reason=reason)


def programmes_of_course(course_id: int) -> list[ProgrammePage]:
    # The source (Estonian) programmes: a translated programme's parts point at the same course.
    return list(ProgrammePage.objects.filter(parts__course_id=course_id, locale__language_code=settings.LANGUAGE_CODE)
                .distinct().order_by("pk"))


def certificate_revoke(*, certificate: Certificate, reason: str, actor) -> Certificate:
    """Revoke a certificate with a reason; the verify page and the Open Badges status say so from now on."""
    _check_coordinator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is not None:
            raise AlreadyRevoked()
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason
        certificate.revoked_by = actor
        certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        qualification_withdraw(certificate=certificate, reason=reason, actor=actor)
    return certificate


def certificate_reissue(*, certificate: Certificate, actor, reason: str = "") -> Certificate:
    """Re-issue a certificate after the holder's name changed.

    The number and verification code stay; the previous wording is kept as a CertificateRevision, the version
    goes up, and the PDF is rendered again. Refuses when the name has not changed (NothingToReissue) and for a
    revoked certificate.
    """
    if actor is not None and actor != certificate.user:
        _check_coordinator(actor)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().select_related("user").get(pk=certificate.pk)
        if certificate.revoked_at is not None:
            raise AlreadyRevoked()
        new_name = certificate.user.get_full_name()
        if new_name == certificate.holder_name:
            raise NothingToReissue()
        CertificateRevision.objects.create(
            certificate=certificate, version=certificate.version, holder_name=certificate.holder_name,
            issued_at=certificate.issued_at, reason=(reason or "").strip() or _("Name changed"),
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        certificate.holder_name = new_name
        certificate.version += 1
        certificate.issued_at = timezone.now()
        certificate.save(update_fields=["holder_name", "version", "issued_at"])
        certificate_pdf_schedule(certificate_id=certificate.pk)
    return certificate


# --- trainer qualifications ---------------------------------------------------------------------

def _record(qualification, kind, *, cohort=None, before=None, actor=None, reason="") -> None:
    QualificationEvent.objects.create(
        qualification=qualification, kind=kind, cohort=cohort, valid_until_before=before,
        valid_until_after=qualification.valid_until, reason=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None)


def qualification_grant(*, user, course, granted_on: dt.date, source_cohort: Cohort | None = None,
                        source_trainers: Iterable | None = None, certificate: Certificate | None = None,
                        actor=None, note: str = "", granted_by=None) -> TrainerQualification:
    """Make `user` a qualified trainer of `course` from `granted_on` for the validity set on the course that
    grants it (`granted_by`, e.g. the trainer course just completed; see qualification_validity_months).

    The lineage is recorded: the cohort where it was earned and that cohort's trainers (or `source_trainers`).
    If the person already holds a qualification for the course, this counts as a refresher: the validity is
    extended (never shortened) and the original lineage stays.
    """
    months = qualification_validity_months(course=course, granted_by=granted_by)
    valid_until = add_months(granted_on, months)
    with transaction.atomic():
        existing = TrainerQualification.objects.select_for_update().filter(user=user, course=course).first()
        if existing is not None:
            before = existing.valid_until
            if valid_until > existing.valid_until:
                existing.valid_until = valid_until
                existing.reminder_90_sent_at = existing.reminder_30_sent_at = None
                existing.save(update_fields=["valid_until", "reminder_90_sent_at", "reminder_30_sent_at"])
            _record(existing, QualificationEvent.Kind.RENEWED_BY_REFRESHER, cohort=source_cohort, before=before,
                    actor=actor)
            return existing
        qualification = TrainerQualification.objects.create(
            user=user, course=course, source_cohort=source_cohort, certificate=certificate, granted_at=granted_on,
            valid_until=valid_until, note=note)
        trainers = list(source_trainers) if source_trainers is not None else (
            list(source_cohort.trainers.all()) if source_cohort is not None else [])
        qualification.source_trainers.set([t for t in trainers if t.pk != user.pk])
        _record(qualification, QualificationEvent.Kind.GRANTED, cohort=source_cohort, actor=actor, reason=note)
    return qualification


def qualification_renew_by_teaching(*, cohort: Cohort,
                                    finished_on: dt.date | None = None) -> list[TrainerQualification]:
    """Extend the qualifications of the trainers who delivered `cohort` (once per cohort).

    Each trainer's qualification for the course they needed to teach it (course.trainer_course) is extended to
    `finished_on` + the validity set on the course that granted it (the course of the cohort where it was earned,
    see qualification_validity_months), if it was still valid (or expiring) on that day; an expired or
    suspended qualification is not revived by teaching.
    """
    course = cohort.course
    target = course.trainer_course
    if finished_on is None:
        _start, end = _cohort_dates(cohort)
        finished_on = end or timezone.localdate()
    renewed = []
    with transaction.atomic():
        trainer_ids = list(cohort.trainers.values_list("pk", flat=True))
        for qualification in TrainerQualification.objects.select_for_update(of=("self",)).select_related(
                "source_cohort__course").filter(course=target, user_id__in=trainer_ids).order_by("pk"):
            if not qualification.allows_teaching_on(finished_on):
                continue
            if qualification.events.filter(kind=QualificationEvent.Kind.RENEWED_BY_TEACHING, cohort=cohort).exists():
                continue
            before = qualification.valid_until
            granted_by = qualification.source_cohort.course if qualification.source_cohort_id else None
            months = qualification_validity_months(course=target, granted_by=granted_by)
            qualification.valid_until = max(before, add_months(finished_on, months))
            if qualification.valid_until != before:
                qualification.reminder_90_sent_at = qualification.reminder_30_sent_at = None
            qualification.save(update_fields=["valid_until", "reminder_90_sent_at", "reminder_30_sent_at"])
            _record(qualification, QualificationEvent.Kind.RENEWED_BY_TEACHING, cohort=cohort, before=before)
            renewed.append(qualification)
    return renewed


def qualification_suspend(*, qualification: TrainerQualification, reason: str, actor) -> TrainerQualification:
    """Suspend a qualification (the trainer cannot be assigned until reinstated)."""
    _check_coordinator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    with transaction.atomic():
        qualification = TrainerQualification.objects.select_for_update().get(pk=qualification.pk)
        qualification.suspended_at = timezone.now()
        qualification.suspended_reason = reason
        qualification.save(update_fields=["suspended_at", "suspended_reason"])
        _record(qualification, QualificationEvent.Kind.SUSPENDED, before=qualification.valid_until, actor=actor,
                reason=reason)
    return qualification


def qualification_reinstate(*, qualification: TrainerQualification, actor) -> TrainerQualification:
    """Lift a suspension."""
    _check_coordinator(actor)
    with transaction.atomic():
        qualification = TrainerQualification.objects.select_for_update().get(pk=qualification.pk)
        qualification.suspended_at = None
        qualification.suspended_reason = ""
        qualification.save(update_fields=["suspended_at", "suspended_reason"])
        _record(qualification, QualificationEvent.Kind.REINSTATED, before=qualification.valid_until, actor=actor)
    return qualification


# --- a qualification follows the completion that granted it --------------------------------------------
# A trainer course's completion withdrawn (attendance corrected after closing) or its certificate revoked takes
# back what that completion gave: the qualification it granted is suspended by the system (WITHDRAWN event), or
# the extension it gave an existing qualification (a refresher) is undone. When the completion comes back, the
# same is given back (RESTORED event); a suspension a coordinator decided is never lifted by the system.

def _completion_of(certificate: Certificate):
    """The qualification `certificate`'s completion granted or extended, and the refresher event if it only
    extended one: (qualification, event) or (None, None)."""
    course = certificate.course
    if course is None or not course.qualifies_for_id or certificate.enrollment_id is None:
        return None, None
    qualification = (TrainerQualification.objects.select_for_update()
                     .filter(user_id=certificate.user_id, course_id=course.qualifies_for_id).first())
    if qualification is None:
        return None, None
    if qualification.certificate_id == certificate.pk:
        return qualification, None
    cohort_id = Enrollment.objects.filter(pk=certificate.enrollment_id).values_list("cohort_id", flat=True).first()
    refresher = (qualification.events.filter(kind=QualificationEvent.Kind.RENEWED_BY_REFRESHER, cohort_id=cohort_id)
                 .order_by("-at", "-id").first())
    return (qualification, refresher) if refresher is not None else (None, None)


def _last_suspension_event(qualification: TrainerQualification) -> QualificationEvent | None:
    kinds = [QualificationEvent.Kind.SUSPENDED, QualificationEvent.Kind.REINSTATED,
             QualificationEvent.Kind.WITHDRAWN, QualificationEvent.Kind.RESTORED]
    return qualification.events.filter(kind__in=kinds).order_by("-at", "-id").first()


def qualification_withdraw(*, certificate: Certificate, reason: str = "", actor=None) -> TrainerQualification | None:
    """Take back the trainer qualification `certificate`'s completion gave (see above), with a WITHDRAWN event.
    Returns the qualification changed, or None (nothing granted, or already suspended: idempotent)."""
    reason = (reason or _("Completion of the trainer course withdrawn"))[:500]
    with transaction.atomic():
        qualification, refresher = _completion_of(certificate)
        if qualification is None:
            return None
        before = qualification.valid_until
        if refresher is None:
            if qualification.suspended_at is not None:
                return None
            qualification.suspended_at = timezone.now()
            qualification.suspended_reason = reason
            qualification.save(update_fields=["suspended_at", "suspended_reason"])
        else:
            # Undo the extension unless something later extended it further.
            if refresher.valid_until_before is None or qualification.valid_until != refresher.valid_until_after:
                return None
            qualification.valid_until = max(refresher.valid_until_before, qualification.granted_at)
            qualification.save(update_fields=["valid_until"])
        _record(qualification, QualificationEvent.Kind.WITHDRAWN, before=before, actor=actor, reason=reason)
    return qualification


def qualification_restore(*, certificate: Certificate) -> TrainerQualification | None:
    """Give back what qualification_withdraw took when `certificate`'s completion is restored (RESTORED event).
    A qualification a coordinator suspended meanwhile stays suspended. Returns it, or None."""
    with transaction.atomic():
        qualification, refresher = _completion_of(certificate)
        if qualification is None:
            return None
        last = _last_suspension_event(qualification)
        if last is None or last.kind != QualificationEvent.Kind.WITHDRAWN:
            return None
        before = qualification.valid_until
        if refresher is None:
            qualification.suspended_at = None
            qualification.suspended_reason = ""
            qualification.save(update_fields=["suspended_at", "suspended_reason"])
        else:
            qualification.valid_until = max(qualification.valid_until, refresher.valid_until_after)
            qualification.save(update_fields=["valid_until"])
        _record(qualification, QualificationEvent.Kind.RESTORED, before=before,
                reason=_("Completion of the trainer course restored"))
    return qualification


def qualification_check_trainers(*, course, trainers: Iterable, on: dt.date | None = None) -> None:
    """Refuse (TrainerNotQualified, naming the people) trainers without a valid qualification.

    Only for courses that require qualified trainers; the qualification needed is for `course.trainer_course`
    and must be valid (or expiring, not expired or suspended) on `on` (default today).
    """
    if course is None or not course.requires_qualified_trainers:
        return
    trainers = list(trainers)
    if not trainers:
        return
    on = on or timezone.localdate()
    target = course.trainer_course
    qualified = {
        q.user_id for q in TrainerQualification.objects.filter(course=target, user__in=trainers)
        if q.allows_teaching_on(on)
    }
    missing = [t for t in trainers if t.pk not in qualified]
    if missing:
        names = ", ".join(sorted(t.get_full_name() for t in missing))
        raise TrainerNotQualified(
            _("%(names)s cannot teach this course: a valid qualification for “%(course)s” is needed.")
            % {"names": names, "course": target.title})


def qualification_reminders_send(*, today: dt.date | None = None) -> int:
    """Send the 90- and 30-day expiry reminders that are due, each at most once per validity period.

    The sent time and the e-mail (message log + task: the outbox) are recorded in one transaction, so a
    second run (or a parallel one: rows are locked) sends nothing again, and a mail outage only delays the
    e-mail (the outbox retries it). Returns how many were scheduled.
    """
    today = today or timezone.localdate()
    sent = 0
    for days in REMINDER_DAYS:
        field = f"reminder_{days}_sent_at"
        candidates = TrainerQualification.objects.filter(
            suspended_at__isnull=True, valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=days),
            **{f"{field}__isnull": True},
        ).values_list("pk", flat=True)
        for pk in list(candidates):
            with transaction.atomic():
                qualification = (TrainerQualification.objects.select_for_update().select_related("user", "course")
                                 .filter(pk=pk, **{f"{field}__isnull": True}).first())
                if qualification is None:
                    continue
                if days == 90 and qualification.valid_until <= today + dt.timedelta(days=30):
                    # Inside 30 days already: only the 30-day reminder is worth sending.
                    setattr(qualification, field, timezone.now())
                    qualification.save(update_fields=[field])
                    continue
                setattr(qualification, field, timezone.now())
                qualification.save(update_fields=[field])
                message_enqueue(kind="qualification_reminder", recipient_id=qualification.user_id,
                                builder="certificates.services.qualification_reminder_build",
                                params={"qualification_id": qualification.pk, "days": days})
                sent += 1
    return sent


def qualification_reminder_build(*, qualification_id: int, days: int) -> EmailMessage | None:
    """The reminder e-mail, built by the outbox worker at each attempt (None: the qualification is gone)."""
    qualification = TrainerQualification.objects.select_related("user", "course").filter(pk=qualification_id).first()
    if qualification is None or not qualification.user.email:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        context = {"qualification": qualification, "days": days, "site_url": settings.SITE_URL}
        subject = _("Your trainer qualification for “%(course)s” expires on %(date)s") % {
            "course": qualification.course.title, "date": qualification.valid_until.strftime("%d.%m.%Y")}
        body = render_to_string("certificates/email/qualification_reminder.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [qualification.user.email])
