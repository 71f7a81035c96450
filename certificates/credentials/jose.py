"""A credential secured with VC-JOSE (W3C "Securing Verifiable Credentials using JOSE and COSE").

The JWS payload is the credential itself (VC Data Model 2.0, no `vc` claim); the protected header names the
algorithm, the key (`kid`, a DID URL into the issuer's DID document) and the media type (`typ` "vc+jwt",
`cty` "vc"). Compact serialisation, signed by joserfc with the issuer's Ed25519 key.

The algorithm is "EdDSA" (RFC 8037), the name every JOSE verifier knows; RFC 9864 adds the fully specified
"Ed25519" for the same signature and deprecates "EdDSA" for new protocols, which joserfc warns about.
"""

from __future__ import annotations

import json
import warnings

from joserfc import jws
from joserfc.jwk import OKPKey

from . import keys

ALGORITHM = "EdDSA"
MEDIA_TYPE = "application/vc+jwt"
TYP = "vc+jwt"


def _payload(credential: dict) -> bytes:
    return json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(credential: dict) -> str:
    """The compact JWS (`header.payload.signature`) of `credential`, signed with the current key."""
    key = keys.signing_key()
    header = {"alg": ALGORITHM, "kid": key.public.kid, "typ": TYP, "cty": "vc"}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="EdDSA is deprecated")
        return jws.serialize_compact(header, _payload(credential), OKPKey.import_key(key.private),
                                     algorithms=[ALGORITHM])

