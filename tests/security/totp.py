"""RFC 6238 TOTP computed independently of allauth, as an authenticator app would."""

import base64
import hashlib
import hmac
import struct
import time

PERIOD = 30


def totp(secret: str, *, at: float | None = None, period: int = PERIOD, digits: int = 6) -> str:
    key = base64.b32decode(secret, casefold=True)
    counter = int(time.time() if at is None else at) // period
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{value:0{digits}d}"


def post_code(client, url: str, secret: str):
    """POST the current code to an allauth form. allauth accepts only the current period's code (its
    MFA_TOTP_TOLERANCE is 0): when the period turned over between reading the code and the answer, and the form
    came back refused (200), the next code is posted once, as a person whose code ran out would type the new one."""
    period = int(time.time()) // PERIOD
    response = client.post(url, {"code": totp(secret)})
    if response.status_code == 200 and int(time.time()) // PERIOD != period:
        response = client.post(url, {"code": totp(secret)})
    return response
