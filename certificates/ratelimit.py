"""A small cache-based counter per client IP, against guessing verification codes.

CERTIFICATES_VERIFY_RATE_LIMIT = (requests, seconds), default (20, 60); None switches it off. The window is
fixed (it starts with the first request), which is enough to make guessing 80-bit codes hopeless.
"""

from django.conf import settings
from django.core.cache import cache

DEFAULT_LIMIT = (20, 60)


def client_ip(request) -> str:
    # Behind a proxy, set the proxy to overwrite REMOTE_ADDR (e.g. gunicorn --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


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
