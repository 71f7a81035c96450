"""Signed links: the e-mail's link to the answering page (no log-in needed), and the anonymous draft token.

Both are signed with the project's SECRET_KEY (django.core.signing, time-stamped) under their own salt; the
link expires after FEEDBACK_LINK_MAX_AGE_DAYS, a draft when the questionnaire closes.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

LINK_SALT = "feedback.invitation-link"
DRAFT_SALT = "feedback.anonymous-draft"


def link_max_age_seconds() -> int:
    return int(getattr(settings, "FEEDBACK_LINK_MAX_AGE_DAYS", 60)) * 24 * 3600


def invitation_token(invitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=LINK_SALT)


def invitation_path(invitation) -> str:
    return reverse("feedback_answer", args=[invitation_token(invitation)])


def invitation_id_from_token(token: str) -> int:
    """The invitation id; signing.SignatureExpired or signing.BadSignature otherwise."""
    data = signing.loads(token, salt=LINK_SALT, max_age=link_max_age_seconds())
    return int(data["i"])


def draft_dumps(*, invitation_id: int, answers: dict) -> str:
    return signing.dumps({"i": invitation_id, "a": answers}, salt=DRAFT_SALT, compress=True)


def draft_loads(token: str, *, invitation_id: int) -> dict:
    try:
        data = signing.loads(token, salt=DRAFT_SALT, max_age=link_max_age_seconds())
    except signing.BadSignature:
        return {}
    return data.get("a", {}) if data.get("i") == invitation_id else {}
