"""The revocation bitstring of a BitstringStatusListCredential (W3C Bitstring Status List v1.0).

Index 0 is the left-most (most significant) bit of the first byte; a set bit means revoked. The list is
GZIP-compressed, base64url-encoded without padding and prefixed with "u" (multibase). Every list has
LIST_SIZE entries, the specification's minimum (16 KiB), so that a list says little about any one holder.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable

LIST_SIZE = 131_072


def encode(revoked: Iterable[int], *, size: int = LIST_SIZE) -> str:
    bits = bytearray(size // 8)
    for index in revoked:
        if not 0 <= index < size:
            raise ValueError(f"status list index {index} outside 0..{size - 1}")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("the encoded list must be multibase base64url (prefix u)")
    text = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def is_set(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))
