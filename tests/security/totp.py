"""RFC 6238 TOTP computed independently of allauth, as an authenticator app would."""

import base64
import hashlib
import hmac
import struct
import time


def totp(secret: str, *, at: float | None = None, period: int = 30, digits: int = 6) -> str:
    key = base64.b32decode(secret, casefold=True)
    counter = int(time.time() if at is None else at) // period
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{value:0{digits}d}"
