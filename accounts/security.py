"""Who counts as staff, and the rules for their sessions and second factor (issue 13).

Staff are the people who can open the Wagtail admin or the coordinator tools: coordinators, administrators,
superusers and anyone given `is_staff` (the admin-access permission comes only with the coordinator and
administrator groups, see roles.py). Their sessions are short and need a
second factor; specialists (everybody else) keep long "remember me" sessions and may add a factor themselves.
The middleware in oskus/security/ applies these rules to every request.
"""

import time

from allauth.mfa.models import Authenticator
from django.conf import settings

from .roles import is_coordinator

SESSION_LOGIN_AT = "oskus.login_at"  # when the person logged in (epoch seconds)
SESSION_SEEN_AT = "oskus.seen_at"  # the last request (epoch seconds), refreshed at most once a minute
SESSION_MFA_USER = "oskus.mfa_user"  # pk of the user who gave a second factor in this session
SEEN_AT_RESOLUTION = 60

# Authenticator kinds that are a second factor (recovery codes only replace one).
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def is_staff_account(user) -> bool:
    """True for anyone who can open the admin or the coordinator tools (one cached group query per request)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff) or is_coordinator(user)


def staff_max_age() -> int:
    return int(getattr(settings, "OSKUS_STAFF_SESSION_MAX_SECONDS", 12 * 3600))


def staff_idle_limit() -> int:
    return int(getattr(settings, "OSKUS_STAFF_SESSION_IDLE_SECONDS", 30 * 60))


def staff_mfa_required() -> bool:
    return bool(getattr(settings, "OSKUS_STAFF_MFA_REQUIRED", True))


def session_started(*, session, user, now: float | None = None) -> None:
    """Call at log-in: stamps the session with the log-in time (the staff limits count from it)."""
    now = time.time() if now is None else now
    session[SESSION_LOGIN_AT] = now
    session[SESSION_SEEN_AT] = now


def cap_staff_session_expiry(*, session, user, now: float | None = None) -> None:
    """Guarantees that a staff session cookie never outlives log-in time + `staff_max_age()`, whatever
    "remember me" said (allauth sets the expiry after the log-in, so this runs on the response).
    A specialist's expiry is left as allauth set it."""
    if not is_staff_account(user) or session.get_expire_at_browser_close():
        return
    login_at = session.get(SESSION_LOGIN_AT)
    if login_at is None:
        return
    now = time.time() if now is None else now
    remaining = max(1, int(login_at + staff_max_age() - now))
    if session.get_expiry_age() > remaining + SEEN_AT_RESOLUTION:
        session.set_expiry(remaining)


def staff_session_expired(*, session, user, now: float | None = None, activity: bool = True) -> bool:
    """True when a staff session is older than the maximum age or was idle longer than the idle limit.

    A session without stamps (made before these rules) counts from now. Never true for specialists. When
    the session goes on and the request is the person's own activity (not a page's background ping), its
    last-seen stamp is refreshed (at most once a minute, to spare writes).
    """
    if not is_staff_account(user):
        return False
    now = time.time() if now is None else now
    login_at = session.setdefault(SESSION_LOGIN_AT, now)
    seen_at = session.get(SESSION_SEEN_AT, now)
    if now - login_at > staff_max_age() or now - seen_at > staff_idle_limit():
        return True
    if SESSION_SEEN_AT not in session or (activity and now - seen_at >= SEEN_AT_RESOLUTION):
        session[SESSION_SEEN_AT] = now
    return False


def has_second_factor(user) -> bool:
    """True when the user has an active TOTP or WebAuthn authenticator."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()


def record_second_factor(*, session, user) -> None:
    """The user proved a second factor in this session (logged in with it, re-authenticated, or set it up)."""
    session[SESSION_MFA_USER] = str(user.pk)


def session_has_second_factor(*, session, user) -> bool:
    return session.get(SESSION_MFA_USER) == str(user.pk)


def second_factor_reset(*, user) -> int:
    """Remove all of the user's authenticators (for a lost device); returns how many were removed.

    Staff are then sent to set up a new factor at their next request; sessions that gave the old code keep
    their mark only until they end (at most the staff maximum age).
    """
    removed, _per_model = Authenticator.objects.filter(user_id=user.pk).delete()
    return removed
