"""A certificate as an Open Badges 3.0 credential (`OpenBadgeCredential`, VC Data Model 2.0), for wallets and CVs.

The credential is secured with VC-JOSE (credentials/jose.py): a JWS signed with the issuer's Ed25519 key,
whose public key the issuer's DID document publishes (`did:web`, /.well-known/did.json). Revocation is a
`BitstringStatusListEntry` pointing at the signed BitstringStatusListCredential of the certificate's status
list (credentials/documents.py). Only terms the two contexts define are used (VC 2.0: validFrom, validUntil,
credentialStatus…; OB 3.0.3: achievement, activityStartDate…), and every date is an RFC 3339 date-time with its
offset: JSON-LD processors drop undefined terms, and verifiers check the formats.

`status_document` is the human-friendly JSON status of /verify/<code>/status.json (valid, revoked with the
reason, or expired); the credential itself no longer points to it.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from .credentials import jose, keys
from .credentials.services import status_entry_ensure

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
STATUS_TYPE = "OskusCertificateStatus"
STATUS_ENTRY_TYPE = "BitstringStatusListEntry"
STATUS_PURPOSE = "revocation"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _status_path(certificate) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("certificate_status", kwargs={"code": certificate.code})


def status_list_url(number: int) -> str:
    return absolute(reverse("credential_status_list", kwargs={"number": number}))


def rfc3339(value: dt.datetime) -> str:
    """A date-time in the site's time zone with its offset, to the second: 2026-05-04T09:00:00+03:00."""
    return timezone.localtime(value).isoformat(timespec="seconds")


def _day_at(day: dt.date, at: dt.time) -> str:
    return rfc3339(timezone.make_aware(dt.datetime.combine(day, at)))


def issuer_profile() -> dict:
    return {
        "id": keys.issuer_did(),
        "type": ["Profile"],
        "name": getattr(settings, "WAGTAIL_SITE_NAME", "Oskus"),
        "url": absolute("/"),
        "email": settings.DEFAULT_FROM_EMAIL.split("<")[-1].rstrip(">").strip(),
        "description": "Trainings for social-sector specialists in Estonia",
    }


def credential_for(certificate) -> dict:
    """The OpenBadgeCredential of one certificate, unsecured (a dict ready for json.dumps).

    The first time, the certificate's current version is given its entry in a status list
    (credentials.services)."""
    entry = status_entry_ensure(certificate=certificate)
    training = certificate.training
    criteria_url = absolute(training.url) if training is not None and training.url else absolute("/")
    description = getattr(training, "summary", "") or certificate.title
    achievement = {
        "id": criteria_url,
        "type": ["Achievement"],
        "achievementType": "Certificate" if certificate.programme_id else "CertificateOfCompletion",
        "name": certificate.title,
        "description": description,
        "criteria": {
            "id": criteria_url,
            "narrative": (f"Attended at least {training.completion_min_percent}% of the course's academic hours "
                          "and every mandatory session."
                          if certificate.course_id else "Completed every course part of the programme."),
        },
        "humanCode": certificate.number,
        "creditsAvailable": float(getattr(training, "academic_hours", None) or getattr(training, "total_hours", 0)),
        "inLanguage": "et",
    }
    subject = {
        # A stable identifier for the holder of this certificate that reveals nothing (no e-mail address).
        "id": uuid.uuid5(uuid.NAMESPACE_URL, f"{certificate.verification_url}#holder").urn,
        "type": ["AchievementSubject"],
        "name": certificate.holder_name,
        "achievement": achievement,
        "creditsEarned": float(certificate.academic_hours),
        "activityEndDate": _day_at(certificate.completed_on, dt.time(23, 59, 59)),
        "licenseNumber": certificate.number,
    }
    if certificate.started_on:
        subject["activityStartDate"] = _day_at(certificate.started_on, dt.time(0, 0))
    list_url = status_list_url(entry.status_list_id)
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": absolute(certificate.verification_path),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{certificate.title} \u2013 {certificate.holder_name}",
        "description": description,
        "issuer": issuer_profile(),
        "validFrom": rfc3339(certificate.issued_at),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": f"{list_url}#{entry.index}",
            "type": STATUS_ENTRY_TYPE,
            "statusPurpose": STATUS_PURPOSE,
            "statusListIndex": str(entry.index),
            "statusListCredential": list_url,
        },
    }
    if certificate.expires_at:
        credential["validUntil"] = rfc3339(certificate.expires_at)
    return credential


def signed_credential_for(certificate) -> str:
    """The credential secured as VC-JOSE: a compact JWS (media type application/vc+jwt)."""
    return jose.sign(credential_for(certificate))


def enveloped_credential_for(certificate) -> dict:
    """The signed credential inside a VC 2.0 EnvelopedVerifiableCredential, for a JSON download."""
    return {"@context": [VC_CONTEXT], "id": f"data:{jose.MEDIA_TYPE},{signed_credential_for(certificate)}",
            "type": "EnvelopedVerifiableCredential"}


def status_document(certificate) -> dict:
    """What /verify/<code>/status.json answers: the status now, and the revocation date and reason if revoked."""
    document = {"id": absolute(_status_path(certificate)),
                "type": STATUS_TYPE, "credential": absolute(certificate.verification_path),
                "status": certificate.status, "revoked": certificate.revoked_at is not None}
    if certificate.revoked_at is not None:
        document["revokedAt"] = rfc3339(certificate.revoked_at)
        document["reason"] = certificate.revoked_reason
    return document
