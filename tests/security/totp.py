"""RFC 6238 TOTP computed independently of allauth, as an authenticator app would."""

import base64
import hashlib
import hmac
import struct
import time

# allauth accepts only the current period's code (MFA_TOTP_TOLERANCE 0): a code read in a period's last moments
# may reach the server in the next one. A person would wait for the next code; so does the test.
FRESH_SECONDS = 3


def totp(secret: str, *, at: float | None = None, period: int = 30, digits: int = 6) -> str:
    if at is None:
        left = period - time.time() % period
        if left < FRESH_SECONDS:
            time.sleep(left)  # one wait, into the next period
        at = time.time()
    key = base64.b32decode(secret, casefold=True)
    counter = int(at) // period
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{value:0{digits}d}"
