"""Calendar invitations (iTIP, RFC 5546) attached to enrollment e-mails.

Registered in `enrollment.emails.ATTACHMENT_BUILDERS` by `EnrollmentConfig.ready()`:
- "confirmation", "promotion", "changed": one `METHOD:REQUEST` attachment per session of the cohort
  (a cancelled session gets a `METHOD:CANCEL` instead); for "changed" after a move to another cohort,
  also `METHOD:CANCEL` for the sessions of the cohort the person left (the enrollment's `moved_from`);
- "cancellation", "cohort_cancelled": one `METHOD:CANCEL` per session, same UIDs, higher SEQUENCE.
Only a person who holds (or held) a place gets them; sessions that already ended are left out.
"""

import datetime as dt

from django.utils import timezone

from ..models import Enrollment, EnrollmentEvent, EnrollmentStatus
from .ics import invitation, invitation_mimetype, session_is_cancelled
from .selectors import FEED_STATUSES

REQUEST_KINDS = ("confirmation", "promotion", "changed")
CANCEL_KINDS = ("cancellation", "cohort_cancelled")


def _history_length(enrollment: Enrollment) -> int:
    return EnrollmentEvent.objects.filter(enrollment__user_id=enrollment.user_id,
                                          enrollment__cohort_id=enrollment.cohort_id).count()


def invitation_attachments(*, enrollment: Enrollment, method: str,
                           now: dt.datetime | None = None) -> list[tuple[str, bytes, str]]:
    """(filename, content, mimetype) for each coming session of the enrollment's cohort.

    `method="REQUEST"` invites to every scheduled session (a cancelled one gets CANCEL);
    `method="CANCEL"` withdraws every session. Two queries (the sessions, the person's history).
    """
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"unsupported iTIP method {method!r}")
    now = now or timezone.now()
    cohort = enrollment.cohort
    sessions = [s for s in cohort.sessions.all() if s.ends_at > now]
    if not sessions:
        return []
    history_length = _history_length(enrollment)
    attachments = []
    for number, session in enumerate(sorted(sessions, key=lambda s: (s.starts_at, s.pk)), start=1):
        session.cohort = cohort
        session_method = "CANCEL" if method == "CANCEL" or session_is_cancelled(session) else "REQUEST"
        content = invitation(session=session, user=enrollment.user, method=session_method,
                             history_length=history_length, now=now)
        filename = f"{cohort.code}-{number}-{session_method.lower()}.ics"
        attachments.append((filename, content, invitation_mimetype(session_method)))
    return attachments


def _held_place(enrollment: Enrollment) -> bool:
    if enrollment.status in FEED_STATUSES:
        return True
    return EnrollmentEvent.objects.filter(enrollment=enrollment, to_status__in=FEED_STATUSES).exists()


def _left_by_move(enrollment: Enrollment) -> Enrollment | None:
    """The cancelled enrollment a move replaced with `enrollment` (`Enrollment.moved_from`), or None."""
    if enrollment.moved_from_id is None:
        return None
    return (Enrollment.objects.select_related("cohort__course", "user").prefetch_related("cohort__sessions__venue")
            .filter(pk=enrollment.moved_from_id, status=EnrollmentStatus.CANCELLED).first())


def attach_invitations(kind: str, enrollment: Enrollment, message) -> None:
    """The `emails.ATTACHMENT_BUILDERS` hook: attach REQUEST/CANCEL files to e-mail `kind`."""
    if kind in REQUEST_KINDS and enrollment.status in FEED_STATUSES:
        files = invitation_attachments(enrollment=enrollment, method="REQUEST")
        if kind == "changed":
            old = _left_by_move(enrollment)
            if old is not None and _held_place(old):
                files += invitation_attachments(enrollment=old, method="CANCEL")
    elif kind in CANCEL_KINDS and _held_place(enrollment):
        files = invitation_attachments(enrollment=enrollment, method="CANCEL")
    else:
        return
    for filename, content, mimetype in files:
        message.attach(filename, content, mimetype)
