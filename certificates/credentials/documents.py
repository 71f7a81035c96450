"""The issuer's public documents: the DID document, the JWKS and the signed BitstringStatusListCredential."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q
from django.utils import timezone

from ..badges import VC_CONTEXT, rfc3339, status_list_url
from ..models import CredentialStatusEntry, StatusList
from . import jose, keys
from . import status_list as bitstring

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"]
# How long a verifier may keep a status list before fetching it again (the list's validUntil, and its ttl).
STATUS_LIST_VALID_FOR = dt.timedelta(days=1)
STATUS_LIST_TTL = dt.timedelta(minutes=5)


def did_document() -> dict:
    """did:web's document: each published key as a JsonWebKey2020 verification method, for assertions."""
    did = keys.issuer_did()
    methods = [{"id": key.kid, "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": key.jwk}
               for key in keys.published_keys()]
    return {"@context": DID_CONTEXTS, "id": did, "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods]}


def jwks() -> dict:
    """The same keys as a JSON Web Key Set (RFC 7517), `kid` the DID URL the credentials' headers name."""
    return {"keys": [{**key.jwk, "kid": key.kid, "use": "sig", "alg": jose.ALGORITHM}
                     for key in keys.published_keys()]}


def revoked_indexes(number: int) -> list[int]:
    """The entries of list `number` whose bit is set: the certificate is revoked, or a later version of it
    replaced the entry's (re-issued, or revoked by the system and restored). A set bit is never cleared."""
    return list(CredentialStatusEntry.objects.filter(status_list_id=number)
                .filter(Q(certificate__revoked_at__isnull=False) | Q(version__lt=F("certificate__version")))
                .values_list("index", flat=True))


def status_list_credential(status_list: StatusList, *, now: dt.datetime | None = None) -> dict:
    """The BitstringStatusListCredential of one list, unsecured: a bit set for every revoked certificate."""
    now = (now or timezone.now()).replace(microsecond=0)
    url = status_list_url(status_list.number)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": keys.issuer_did(),
        "validFrom": rfc3339(now),
        "validUntil": rfc3339(now + STATUS_LIST_VALID_FOR),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bitstring.encode(revoked_indexes(status_list.number)),
            "ttl": int(STATUS_LIST_TTL.total_seconds() * 1000),
        },
    }


def signed_status_list_credential(status_list: StatusList) -> str:
    return jose.sign(status_list_credential(status_list))
