"""The personal feed's secret token: what a live one looks like, and how a switched-off feed is marked.

The token is `accounts.Profile.calendar_token` (`accounts.models.new_calendar_token`: 32 random bytes,
URL-safe base64, so only `[A-Za-z0-9_-]`). Revoking stores `REVOKED_PREFIX + <new random value>`: the "."
keeps it from ever matching `LIVE_TOKEN_PATTERN` in the feed URL, and `token_is_live` refuses it, so no
address opens a revoked feed. Regenerating and revoking are in `services`, finding the owner in `selectors`.
"""

REVOKED_PREFIX = "revoked."
LIVE_TOKEN_PATTERN = r"[A-Za-z0-9_-]{20,64}"  # noqa: S105 (a regular expression, not a secret): the feed URL


def token_is_live(token: str) -> bool:
    """True for a token that may open a feed: not empty and not a revoked one."""
    return bool(token) and not token.startswith(REVOKED_PREFIX)
