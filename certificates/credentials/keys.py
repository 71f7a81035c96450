"""The issuer's Ed25519 signing key and the identifiers published for it.

The key comes from `settings.CREDENTIALS_SIGNING_KEY` (the 32-byte private seed, base64url) or from the file
`settings.CREDENTIALS_SIGNING_KEY_FILE` (the same text). When neither is set and DEBUG or the test settings
allow it (`CREDENTIALS_SIGNING_KEY_GENERATE`), a key is generated once into `PRIVATE_MEDIA_ROOT` (mode 0600)
and reused; production refuses to start without a key (oskus/settings/production.py).

The issuer is `did:web:<SITE_URL's host>`; its DID document (/.well-known/did.json) and JWKS
(/.well-known/jwks.json) publish the public key under the id `<did>#<RFC 7638 thumbprint>`, together with the
retired keys still listed in `CREDENTIALS_RETIRED_PUBLIC_KEYS`, so credentials signed before a key change stay
verifiable.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

GENERATED_KEY_NAME = "credentials-signing-key"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_seed() -> str:
    """A new private key as settings expect it (base64url of 32 random bytes)."""
    return b64url(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()))


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_jwk(raw_public: bytes) -> dict:
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw_public)}


def jwk_thumbprint(jwk: dict) -> str:
    """RFC 7638: SHA-256 of the required members in lexicographic order, without white space."""
    required = {name: jwk[name] for name in ("crv", "kty", "x")}
    return b64url(hashlib.sha256(json.dumps(required, separators=(",", ":"), sort_keys=True).encode()).digest())


def issuer_did() -> str:
    """did:web of the site: the host (a port percent-encoded) and, for a site under a path, its segments."""
    parts = urlsplit(settings.SITE_URL)
    did = "did:web:" + quote(parts.netloc, safe="")
    segments = [s for s in parts.path.split("/") if s]
    return ":".join([did, *segments])


@dataclass(frozen=True)
class PublicKey:
    raw: bytes

    @property
    def jwk(self) -> dict:
        return public_jwk(self.raw)

    @property
    def kid(self) -> str:
        return f"{issuer_did()}#{jwk_thumbprint(self.jwk)}"


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> PublicKey:
        return PublicKey(_raw_public(self.private.public_key()))

    @property
    def seed(self) -> bytes:
        return self.private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                          serialization.NoEncryption())


def _from_seed(text: str, *, source: str) -> SigningKey:
    try:
        seed = b64url_decode(text)
        if len(seed) != 32:
            raise ValueError("not 32 bytes")
        return SigningKey(Ed25519PrivateKey.from_private_bytes(seed))
    except ValueError as error:
        raise ImproperlyConfigured(f"{source} must be an Ed25519 private key: 32 bytes, base64url.") from error


def _generated_key() -> SigningKey:
    """The development key: generated once into the private storage's directory, readable by the owner only."""
    path = Path(settings.PRIVATE_MEDIA_ROOT) / GENERATED_KEY_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process wrote it first
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(new_seed() + "\n")
    return _from_seed(path.read_text(), source=str(path))


@functools.cache
def _load(seed: str, key_file: str, generate: bool, private_root: str) -> SigningKey:
    if seed:
        return _from_seed(seed, source="CREDENTIALS_SIGNING_KEY")
    if key_file:
        return _from_seed(Path(key_file).read_text(), source="CREDENTIALS_SIGNING_KEY_FILE")
    if generate:
        return _generated_key()
    raise ImproperlyConfigured("Set CREDENTIALS_SIGNING_KEY or CREDENTIALS_SIGNING_KEY_FILE: the key that signs "
                               "certificates' credentials (see docs/operations.md).")


def signing_key() -> SigningKey:
    return _load(getattr(settings, "CREDENTIALS_SIGNING_KEY", ""),
                 getattr(settings, "CREDENTIALS_SIGNING_KEY_FILE", ""),
                 bool(getattr(settings, "CREDENTIALS_SIGNING_KEY_GENERATE", False)),
                 str(settings.PRIVATE_MEDIA_ROOT))


def published_keys() -> list[PublicKey]:
    """The current public key first, then the retired ones still published (base64url raw public keys)."""
    keys = [signing_key().public]
    for text in getattr(settings, "CREDENTIALS_RETIRED_PUBLIC_KEYS", ()):
        raw = b64url_decode(text)
        if len(raw) != 32:
            raise ImproperlyConfigured("CREDENTIALS_RETIRED_PUBLIC_KEYS: each must be 32 bytes, base64url.")
        if raw != keys[0].raw:
            keys.append(PublicKey(raw))
    return keys
