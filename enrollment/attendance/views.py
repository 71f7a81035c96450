"""Trainer dashboard and roster, self check-in, sign-in sheet, exports, hours ledger and closing a cohort.

Thin: every view checks who may see or change what, then calls one selector or service.
"""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.audit import personal_data_viewed
from accounts.roles import is_coordinator, is_trainer

from ..models import Cohort, Session
from . import exports, pdf, selectors, services
from .exceptions import AttendanceError, CheckInClosed, CheckInThrottled
from .forms import CheckInForm, CloseCohortForm, RosterParseError, parse_roster
from .models import AttendanceStatus


def _session_or_404(session_id: int) -> Session:
    try:
        return selectors.session_for_roster(session_id=session_id)
    except Session.DoesNotExist:
        raise Http404


def _require_marker(user, session: Session) -> set[int]:
    trainer_ids = set(session.cohort.trainers.values_list("pk", flat=True))
    if not selectors.may_mark(user, session.cohort, trainer_ids=trainer_ids):
        raise PermissionDenied
    return trainer_ids


@login_required
@require_GET
def trainer_dashboard(request):
    """Recent sessions still open for marking, today, this week, and my cohorts with what is left before
    closing them (trainers; coordinators see every cohort's sessions)."""
    user = request.user
    if not (is_trainer(user) or is_coordinator(user)):
        raise PermissionDenied
    context = selectors.trainer_dashboard(user=user)
    context.update({"lock_days": selectors.lock_days(), "is_coordinator": is_coordinator(user)})
    return render(request, "enrollment/attendance/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_roster(request, session_id: int):
    """The per-session roster: mark all present, then exceptions; refuses stale rows instead of overwriting."""
    session = _session_or_404(session_id)
    _require_marker(request.user, session)
    submitted = {}
    status_code = 200
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            if request.POST.get("action") == "add_makeup":
                services.attendance_makeup_add(session=session, email=request.POST.get("email", ""),
                                               actor=request.user)
                messages.success(request, _("The make-up participant was added and marked present."))
                return redirect("attendance_roster", session_id=session.pk)
            if request.POST.get("action") == "all_present":
                result = services.attendance_mark_all_present(session=session, actor=request.user, reason=reason)
                messages.success(request, _("%(count)s participants marked present.") % {"count": len(result.saved)})
                return redirect("attendance_roster", session_id=session.pk)
            rows = selectors.roster_rows(session=session)
            marks, versions, submitted = parse_roster(request.POST, [r.enrollment.pk for r in rows])
            result = services.attendance_mark(session=session, marks=marks, actor=request.user,
                                              expected_versions=versions, reason=reason)
        except (AttendanceError, RosterParseError) as error:
            messages.error(request, str(error))
            status_code = 400
        else:
            if result.conflicts:
                messages.warning(request, _(
                    "Someone else changed the marks of %(names)s after you opened this page. Their marks were kept; "
                    "check them below and save again if needed.") % {"names": ", ".join(result.conflict_names)})
            messages.success(request, _("Attendance saved: %(count)s marks changed.") % {"count": len(result.saved)})
            return redirect("attendance_roster", session_id=session.pk)
    rows = selectors.roster_rows(session=session)
    personal_data_viewed(request, what="attendance_roster", obj=session,
                         subject_ids=[r.enrollment.user_id for r in rows])
    for row in rows:
        row.shown_status, row.shown_minutes = submitted.get(row.enrollment.pk, (row.status, row.minutes_missed))
    context = {
        "session": session,
        "cohort": session.cohort,
        "rows": rows,
        "counts": selectors.roster_counts(rows),
        "statuses": AttendanceStatus.choices,
        "locked": selectors.session_locked(session),
        "is_coordinator": is_coordinator(request.user),
    }
    return render(request, "enrollment/attendance/roster.html", context, status=status_code)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=6, border=2, dark="#000", light="#fff")


def _checkin_payload(request, session: Session) -> dict:
    code = services.checkin_code_current(session=session, actor=request.user)
    url = request.build_absolute_uri(reverse("attendance_checkin")) + f"?s={session.pk}&code={code.code}"
    checkins = selectors.checkins_for_session(session=session)
    return {
        "code": code.code,
        "expires_at": code.expires_at.isoformat(),
        "url": url,
        "qr_svg": _qr_svg(url),
        "count": len(checkins),
        "checkins": [{"name": str(a.enrollment.user), "at": timezone.localtime(a.marked_at).strftime("%H:%M")}
                     for a in checkins],
    }


@login_required
@require_GET
def attendance_checkin_display(request, session_id: int):
    """What the trainer shows the room: the rotating code, its QR code, and the check-ins as they arrive."""
    session = _session_or_404(session_id)
    _require_marker(request.user, session)
    try:
        payload = _checkin_payload(request, session)
        error = None
    except CheckInClosed as exc:
        payload, error = None, str(exc)
    return render(request, "enrollment/attendance/checkin_display.html",
                  {"session": session, "payload": payload, "error": error,
                   "checkin_address": settings.SITE_URL.rstrip("/") + reverse("attendance_checkin")})


@login_required
@require_GET
def attendance_checkin_feed(request, session_id: int):
    """Small JSON polled by the trainer's check-in page."""
    session = _session_or_404(session_id)
    _require_marker(request.user, session)
    try:
        return JsonResponse(_checkin_payload(request, session))
    except CheckInClosed as exc:
        return JsonResponse({"error": str(exc)}, status=409)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_checkin(request):
    """A participant enters (or scans) the code to mark themselves present."""
    if request.method == "POST":
        form = CheckInForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                attendance = services.checkin_submit(user=request.user, code=form.cleaned_data["code"],
                                                     session_id=form.cleaned_data.get("s"))
            except CheckInThrottled as error:
                form.add_error("code", str(error))
                status = 429
            except AttendanceError as error:
                form.add_error("code", str(error))
            else:
                messages.success(request, _("You are checked in for %(session)s. Welcome!")
                                 % {"session": attendance.session})
                return redirect("attendance_checkin")
        elif "s" in form.errors:
            # The hidden session field comes from the QR link; the page shows no error for it, so say it here.
            form.add_error("code", _("This check-in link is damaged. Please type the code the trainer is showing, "
                                     "or scan the QR code again."))
    else:
        form = CheckInForm(initial={"code": request.GET.get("code", ""), "s": request.GET.get("s") or None})
        status = 200
    return render(request, "enrollment/attendance/checkin.html", {"form": form}, status=status)


@login_required
@require_GET
def attendance_signin_sheet(request, session_id: int):
    """Printable A4 sign-in sheet (PDF) for a session held without devices."""
    session = _session_or_404(session_id)
    trainer_ids = _require_marker(request.user, session)
    rows = selectors.roster_rows(session=session)
    trainers = list(session.cohort.trainers.filter(pk__in=trainer_ids))
    content = pdf.signin_sheet(session=session, rows=rows, trainers=trainers)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sign-in-{session.cohort.code}-{session.starts_at:%Y%m%d}.pdf"'
    return response


@login_required
@require_GET
def attendance_export(request, cohort_id: int, fmt: str):
    """Attendance of a cohort as CSV or XLSX (trainers of the cohort and coordinators)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    cohort = Cohort.objects.select_related("course").filter(pk=cohort_id).first()
    if cohort is None:
        raise Http404
    if not selectors.may_mark(request.user, cohort):
        raise PermissionDenied
    matrix = selectors.cohort_matrix(cohort=cohort)
    personal_data_viewed(request, what="attendance_export", obj=cohort,
                         subject_ids=cohort.enrollments.values_list("user_id", flat=True))
    if fmt == "csv":
        response = HttpResponse(exports.as_csv(matrix), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.as_xlsx(matrix, title=cohort.code),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="attendance-{cohort.code}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def attendance_cohort_close(request, cohort_id: int):
    """Coordinators: preview everyone's completion, then close the cohort (computes completion, sends signals)."""
    if not is_coordinator(request.user):
        raise PermissionDenied
    cohort = Cohort.objects.select_related("course").filter(pk=cohort_id).first()
    if cohort is None:
        raise Http404
    form = CloseCohortForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                counts = services.cohort_close(cohort=cohort, actor=request.user, force=bool(request.POST.get("force")))
            except AttendanceError as error:
                messages.error(request, str(error))
                status = 400
            else:
                messages.success(request, _("The cohort is closed: %(completed)s completed, %(not)s did not complete.")
                                 % {"completed": counts["completed"], "not": counts["not_completed"]})
                return redirect("attendance_cohort_close", cohort_id=cohort.pk)
        else:
            status = 400
    matrix = selectors.cohort_matrix(cohort=cohort)
    return render(request, "enrollment/attendance/cohort_close.html",
                  {"cohort": cohort, "matrix": matrix, "form": form}, status=status)


@login_required
@require_GET
def attendance_progress(request):
    """The person's hours ledger: attended academic hours per course and per programme."""
    ledger = selectors.hours_ledger(user=request.user)
    return render(request, "enrollment/attendance/progress.html", ledger)
