"""State changes for calendars: the personal feed's secret address, and SEQUENCE bumps.

The feed address is `/calendar/<Profile.calendar_token>.ics`. The token is 32 random bytes
(`secrets.token_urlsafe`), so it cannot be guessed; it is the only key to the feed.

- Regenerating gives a new random token: the old address stops working at once (404), the new one works.
- Revoking switches the feed off: the token becomes `"revoked." + <new random value>`. The old address
  stops working, and no address opens the feed (the URL pattern accepts only `[A-Za-z0-9_-]` and
  `feed_owner` refuses the prefix), until the person regenerates. No schema change in `accounts` needed.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Profile, new_calendar_token

from ..models import Session
from .tokens import REVOKED_PREFIX, token_is_live


def calendar_feed_is_active(*, profile: Profile) -> bool:
    """False once the person switched the feed off (until they regenerate the address)."""
    return token_is_live(profile.calendar_token)


def calendar_token_regenerate(*, user) -> str:
    """Give `user` a new random feed token and return it; the previous feed address answers 404 from now on."""
    with transaction.atomic():
        profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
        profile.calendar_token = new_calendar_token()
        profile.save(update_fields=["calendar_token"])
    return profile.calendar_token


def calendar_feed_revoke(*, user) -> None:
    """Switch off `user`'s feed: the previous address answers 404 and no address works until regenerated."""
    with transaction.atomic():
        profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
        profile.calendar_token = REVOKED_PREFIX + new_calendar_token()
        profile.save(update_fields=["calendar_token"])


def sessions_sequence_bump(*, session_ids=None, cohort_id: int | None = None) -> int:
    """Raise SEQUENCE (and `updated_at`) of the given sessions or of all sessions of a cohort, in one UPDATE.

    For code that changes sessions with `QuerySet.update()` (which sends no signals) and for a cohort
    whose status changes; returns the number of sessions changed.
    """
    sessions = Session.objects.all()
    if cohort_id is not None:
        sessions = sessions.filter(cohort_id=cohort_id)
    if session_ids is not None:
        sessions = sessions.filter(pk__in=list(session_ids))
    if cohort_id is None and session_ids is None:
        raise ValueError("name the sessions or the cohort")
    return sessions.update(sequence=F("sequence") + 1, updated_at=timezone.now())
