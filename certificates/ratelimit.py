"""A small cache-based counter per client IP, against guessing verification codes.

CERTIFICATES_VERIFY_RATE_LIMIT = (requests, seconds), default (20, 60); None switches it off. The window is
fixed (it starts with the first request), which is enough to make guessing 80-bit codes hopeless.
"""

from django.conf import settings
from django.core.cache import cache

from accounts.client_ip import client_ip as _client_ip

DEFAULT_LIMIT = (20, 60)


def client_ip(request) -> str:
    # Behind a reverse proxy, list it in OSKUS_TRUSTED_PROXIES (accounts/client_ip.py).
    return _client_ip(request) or "unknown"


def limit_exceeded(request, *, scope: str = "verify") -> bool:
    """Count this request; True when the client has used up its requests for the current window."""
    limit = getattr(settings, "CERTIFICATES_VERIFY_RATE_LIMIT", DEFAULT_LIMIT)
    if not limit:
        return False
    allowed, seconds = limit
    key = f"certificates:rl:{scope}:{client_ip(request)}"
    if cache.add(key, 1, timeout=seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return False
    return count > allowed
