"""Export and erase functions for each kind of personal data (listed in privacy/registry.py).

`export(user)` returns JSON-ready rows: facts and ids, never secrets (no password hash, no second-factor
seeds, no social tokens, no calendar key). `erase(user, erasure)` erases or anonymises in the caller's
transaction; `erasure` (services.erasure.Erasure) carries the needles (name, e-mail) to scrub from free texts
written by others, and the retention date of what a funder's audit needs.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.db.models import Q

from accounts.models import Profile, new_calendar_token
from certificates.models import Certificate, CertificateRevision, QualificationEvent, TrainerQualification
from enrollment.calendar.services import calendar_feed_is_active
from enrollment.models import Attendance, AttendanceEvent, CompletionResult, Enrollment, EnrollmentEvent
from outbox.models import Message

ERASED = "[erased]"


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _scrub(queryset, fields: tuple[str, ...], needles: list[str]) -> int:
    """Replace free texts (written by others) that mention the person with ERASED."""
    count = 0
    for name in fields:
        query = Q()
        for needle in needles:
            query |= Q(**{f"{name}__icontains": needle})
        if needles:
            count += queryset.filter(query).update(**{name: ERASED})
    return count


# --- account -------------------------------------------------------------------------------------------------

def account_export(user) -> list[dict]:
    return [{"id": user.pk, "email": user.email, "full_name": user.full_name, "date_joined": user.date_joined,
             "last_login": user.last_login, "is_active": user.is_active,
             "groups": list(user.groups.values_list("name", flat=True))}]


def account_erase(user, erasure) -> None:
    user.email = f"erased-{user.pk}@erased.invalid"
    user.full_name = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.set(Group.objects.none())
    user.user_permissions.set(Permission.objects.none())


def profile_export(user) -> list[dict]:
    profile = Profile.objects.select_related("municipality__county").filter(user=user).first()
    if profile is None:
        return []
    return [{"profession": profile.get_profession_display(), "organisation": profile.organisation,
             "municipality": profile.municipality.name if profile.municipality_id else "",
             "county": profile.county.name if profile.county else ""}]


def profile_erase(user, erasure) -> None:
    """Profession and municipality stay: they identify nobody and keep the statistics by county and profession."""
    Profile.objects.filter(user=user).update(organisation="", calendar_token="revoked." + new_calendar_token())


def email_addresses_export(user) -> list[dict]:
    model = _model("account.EmailAddress")
    return list(model.objects.filter(user=user).values("email", "verified", "primary")) if model else []


def email_addresses_erase(user, erasure) -> None:
    model = _model("account.EmailAddress")
    if model:
        model.objects.filter(user=user).delete()


def authenticators_export(user) -> list[dict]:
    """Which second factors are set up (their kind and dates), never their secrets."""
    model = _model("mfa.Authenticator")
    return list(model.objects.filter(user=user).values("type", "created_at", "last_used_at")) if model else []


def authenticators_erase(user, erasure) -> None:
    model = _model("mfa.Authenticator")
    if model:
        model.objects.filter(user=user).delete()


def social_export(user) -> list[dict]:
    """Linked log-ins (e.g. the national identity service): the provider and dates, not the identifier."""
    model = _model("socialaccount.SocialAccount")
    return list(model.objects.filter(user=user).values("provider", "date_joined", "last_login")) if model else []


def social_erase(user, erasure) -> None:
    model = _model("socialaccount.SocialAccount")
    if model:  # its tokens go with it (cascade)
        model.objects.filter(user=user).delete()


# --- enrollment ------------------------------------------------------------------------------------------------

def enrollments_export(user) -> list[dict]:
    rows = []
    for e in Enrollment.objects.filter(user=user).select_related("cohort__course").order_by("created_at", "id"):
        rows.append({
            "id": e.pk, "course": e.cohort.course.title, "cohort": e.cohort.code, "status": e.status,
            "status_label": e.get_status_display(), "answers": e.answers, "language": e.language,
            "created_at": e.created_at, "moved_from": e.moved_from_id,
            "history": [{"at": ev.at, "from": ev.from_status, "to": ev.to_status, "reason": ev.reason}
                        for ev in EnrollmentEvent.objects.filter(enrollment=e).order_by("at", "id")],
        })
    return rows


def enrollments_erase(user, erasure) -> None:
    """Sign-up answers go at once (they may hold health data); the participation itself stays, linked to the
    anonymised account (restricted for funded trainings, see services.erasure)."""
    enrollments = Enrollment.objects.filter(user=user)
    enrollments.exclude(answers={}).update(answers={})
    _scrub(EnrollmentEvent.objects.filter(enrollment__in=enrollments), ("reason",), erasure.needles)


def attendance_export(user) -> list[dict]:
    return [{"session": a.session.starts_at, "cohort": a.session.cohort.code, "status": a.status,
             "minutes_missed": a.minutes_missed, "source": a.source, "marked_at": a.marked_at}
            for a in Attendance.objects.filter(enrollment__user=user).select_related("session__cohort")
            .order_by("session__starts_at", "id")]


def attendance_erase(user, erasure) -> None:
    _scrub(AttendanceEvent.objects.filter(attendance__enrollment__user=user), ("reason",), erasure.needles)


def hours_export(user) -> list[dict]:
    return [{"cohort": r.enrollment.cohort.code, "attended_hours": r.attended_hours, "total_hours": r.total_hours,
             "completed": r.completed, "computed_at": r.computed_at}
            for r in CompletionResult.objects.filter(enrollment__user=user).select_related("enrollment__cohort")]


def keep_anonymous(user, erasure) -> None:
    """Nothing to erase: numbers linked to the anonymised account (kept for statistics and audits)."""


# --- certificates ---------------------------------------------------------------------------------------------

def certificates_export(user) -> list[dict]:
    return [{"number": c.number, "title": c.title, "holder_name": c.holder_name, "issued_at": c.issued_at,
             "completed_on": c.completed_on, "academic_hours": c.academic_hours, "status": c.status,
             "verification_url": c.verification_url, "pdf": f"certificates/{c.number}.pdf" if c.pdf else None}
            for c in Certificate.objects.filter(user=user).order_by("issued_at", "id")]


def certificate_files(user) -> list[tuple[str, object]]:
    return [(f"certificates/{c.number}.pdf", c.pdf)
            for c in Certificate.objects.filter(user=user).exclude(pdf="").order_by("id")]


def certificates_erase(user, erasure) -> None:
    """A certificate stays verifiable (valid / revoked) without a name; its PDF, which shows the name, goes."""
    for certificate in Certificate.objects.filter(user=user).exclude(pdf=""):
        certificate.pdf.delete(save=False)
    certificates = Certificate.objects.filter(user=user)
    certificates.update(holder_name="", pdf="", pdf_version=0)
    CertificateRevision.objects.filter(certificate__in=certificates).update(holder_name="")
    _scrub(CertificateRevision.objects.filter(certificate__in=certificates), ("reason",), erasure.needles)
    _scrub(certificates, ("exception_reason", "revoked_reason"), erasure.needles)


def trainer_export(user) -> list[dict]:
    return [{"course": q.course.title, "granted_at": q.granted_at, "valid_until": q.valid_until,
             "status": q.status}
            for q in TrainerQualification.objects.filter(user=user).select_related("course")] + [
        {"cohort_taught": code} for code in user.taught_cohorts.values_list("code", flat=True)]


def trainer_erase(user, erasure) -> None:
    """Qualifications stay (the lineage of other trainers depends on them), nameless; the trainer's name goes
    from the trainer lists printed on certificates."""
    _scrub(TrainerQualification.objects.filter(user=user), ("note", "suspended_reason"), erasure.needles)
    for certificate in Certificate.objects.filter(trainer_names__contains=[erasure.full_name]) \
            if erasure.full_name else []:
        names = [ERASED if name == erasure.full_name else name for name in certificate.trainer_names]
        Certificate.objects.filter(pk=certificate.pk).update(trainer_names=names)


# --- outbox ------------------------------------------------------------------------------------------------------

def messages_export(user) -> list[dict]:
    return list(Message.objects.filter(recipient=user).order_by("created_at", "id")
                .values("kind", "state", "created_at", "sent_at"))


def messages_erase(user, erasure) -> None:
    """The log keeps that a message of a kind was sent (no body, no address); unsent ones are not sent."""
    messages = Message.objects.filter(recipient=user)
    messages.exclude(payload=None).update(payload=None)
    messages.filter(state__in=[Message.State.QUEUED, Message.State.RETRYING]).update(
        state=Message.State.FAILED, last_error="recipient erased", next_attempt_at=None)


def calendar_export(user) -> list[dict]:
    profile = Profile.objects.filter(user=user).first()
    return [{"feed_active": bool(profile and calendar_feed_is_active(profile=profile))}]


def calendar_erase(user, erasure) -> None:
    """The feed key is replaced by a revoked one in profile_erase: the old address answers 404."""


# --- sessions --------------------------------------------------------------------------------------------------

def _user_sessions(user):
    for session in Session.objects.all().iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            yield session


def sessions_export(user) -> list[dict]:
    return [{"expires": s.expire_date} for s in _user_sessions(user)]


def sessions_erase(user, erasure) -> None:
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in list(_user_sessions(user)):
        store(session_key=session.session_key).delete()


# --- the admin ---------------------------------------------------------------------------------------------------

def admin_profile_export(user) -> list[dict]:
    model = _model("wagtailusers.UserProfile")
    profile = model.objects.filter(user=user).first() if model else None
    return [{"preferred_language": profile.preferred_language, "current_time_zone": profile.current_time_zone}] \
        if profile else []


def admin_profile_erase(user, erasure) -> None:
    for label in ("wagtailusers.UserProfile", "wagtailadmin.EditingSession", "wagtailadmin.FormState",
                  "wagtailcore.APIToken", "wagtailcore.PageSubscription"):
        model = _model(label)
        if model is None:
            continue
        if label == "wagtailusers.UserProfile":
            for profile in model.objects.filter(user=user).exclude(avatar=""):
                profile.avatar.delete(save=False)
        model.objects.filter(user=user).delete()


STAFF_WORK_LINKS = (
    "enrollment.EnrollmentEvent.actor", "enrollment.Attendance.marked_by", "enrollment.AttendanceEvent.actor",
    "enrollment.CheckInCode.created_by", "enrollment.CompletionResult.computed_by",
    "certificates.Certificate.issued_by", "certificates.Certificate.revoked_by",
    "certificates.CertificateRevision.actor", "certificates.QualificationEvent.actor",
    "wagtailcore.Page.owner", "wagtailcore.Page.locked_by", "wagtailcore.Revision.user",
    "wagtailcore.PageLogEntry.user", "wagtailcore.ModelLogEntry.user", "wagtailcore.WorkflowState.requested_by",
    "wagtailcore.TaskState.finished_by", "wagtailcore.Comment.user", "wagtailcore.Comment.resolved_by",
    "wagtailcore.CommentReply.user", "wagtailcore.CommentReply.comment", "wagtailcore.UploadedFile.uploaded_by_user",
    "wagtailimages.Image.uploaded_by_user", "wagtaildocs.Document.uploaded_by_user",
    "wagtail_localize.StringTranslation.last_translated_by", "wagtail_localize.SegmentOverride.last_translated_by",
)


def staff_work_export(user) -> list[dict]:
    """How much work the person did as trainer, coordinator or editor (counts; the records are the
    organisation's)."""
    counts = {}
    for link in STAFF_WORK_LINKS:
        app_model, _dot, field = link.rpartition(".")
        model = _model(app_model)
        if model is not None and model._meta.get_field(field).related_model is type(user):
            n = model.objects.filter(**{field: user}).count()
            if n:
                counts[link] = n
    return [counts] if counts else []


def staff_work_erase(user, erasure) -> None:
    """The records stay, pointing to the anonymised account; free texts and log labels naming the person go."""
    needles = erasure.needles
    _scrub(EnrollmentEvent.objects.all(), ("reason",), needles)
    _scrub(AttendanceEvent.objects.all(), ("reason",), needles)
    _scrub(QualificationEvent.objects.all(), ("reason",), needles)
    for label, fields in (("wagtailcore.Comment", ("text",)), ("wagtailcore.CommentReply", ("text",)),
                          ("wagtailcore.ModelLogEntry", ("label",)), ("wagtailcore.PageLogEntry", ("label",))):
        model = _model(label)
        if model is not None:
            _scrub(model.objects.all(), fields, needles)
    for label in ("wagtailcore.ModelLogEntry", "wagtailcore.PageLogEntry"):
        model = _model(label)
        if model is None or not needles:
            continue
        query = Q()
        for needle in needles:
            query |= Q(data__icontains=needle)
        model.objects.filter(query).update(data={})


# --- privacy's own records ------------------------------------------------------------------------------------------

def privacy_export(user) -> list[dict]:
    from .models import DataExport, ErasureRequest

    return [{"download": e.pk, "requested_at": e.requested_at, "state": e.state}
            for e in DataExport.objects.filter(user=user)] + [
        {"erasure_request": r.pk, "requested_at": r.requested_at} for r in ErasureRequest.objects.filter(user=user)]


def privacy_erase(user, erasure) -> None:
    from .models import DataExport, InactivityWarning

    for export in DataExport.objects.filter(user=user).exclude(file=""):
        export.file.delete(save=False)
    DataExport.objects.filter(user=user).delete()
    InactivityWarning.objects.filter(user=user).delete()
