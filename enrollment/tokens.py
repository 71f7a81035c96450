"""Signed links for answering an offer from the e-mail (accept or decline) without typing anything.

The token signs the enrollment id and the action with a dedicated salt and a timestamp; `django.core.signing`
refuses any change to it. The link only opens a confirmation page for the logged-in owner; the state changes
on POST, so mail scanners that prefetch links change nothing.
"""

from django.core import signing
from django.urls import reverse

from .exceptions import InvalidLink

SALT = "oskus.enrollment.offer"
MAX_AGE_SECONDS = 14 * 24 * 3600
ACTIONS = ("accept", "decline")


def offer_token(*, enrollment_id: int, action: str) -> str:
    if action not in ACTIONS:
        raise ValueError(action)
    return signing.dumps({"e": enrollment_id, "a": action}, salt=SALT, compress=False)


def offer_token_read(token: str) -> tuple[int, str]:
    """(enrollment id, action) from a token; InvalidLink if forged, tampered with or older than two weeks."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:  # includes SignatureExpired
        raise InvalidLink()
    if not isinstance(data, dict) or data.get("a") not in ACTIONS or not isinstance(data.get("e"), int):
        raise InvalidLink()
    return data["e"], data["a"]


def offer_path(*, enrollment_id: int, action: str) -> str:
    return reverse("enrollment_offer_link", kwargs={"token": offer_token(enrollment_id=enrollment_id, action=action)})
