"""A certificate as an Open Badges 3.0 credential (JSON-LD `OpenBadgeCredential`), for wallets and CVs.

The credential is not signed (no `proof`): it is an unsigned, verifiable-by-URL credential. Its `id` is the
public verification page, and `credentialStatus` points to our own status endpoint (type
"OskusCertificateStatus", documented in docs/certificates.md) that answers {"status": "valid|revoked|expired"}.

Dates: `validFrom`/`validUntil` (VC Data Model 2.0, OB 3.0.3) and, for consumers and the published OB 3.0
JSON schema that still require them, `issuanceDate`/`expirationDate` and `awardedDate` with the same values.
"""

import uuid

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
STATUS_TYPE = "OskusCertificateStatus"


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _status_path(certificate) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("certificate_status", kwargs={"code": certificate.code})


def _iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def issuer_profile() -> dict:
    return {
        "id": _absolute("/"),
        "type": ["Profile"],
        "name": getattr(settings, "WAGTAIL_SITE_NAME", "Oskus"),
        "url": _absolute("/"),
        "email": settings.DEFAULT_FROM_EMAIL.split("<")[-1].rstrip(">").strip(),
        "description": "Trainings for social-sector specialists in Estonia",
    }


def credential_for(certificate) -> dict:
    """The OpenBadgeCredential of one certificate (a dict ready for json.dumps)."""
    training = certificate.training
    criteria_url = _absolute(training.url) if training is not None and training.url else _absolute("/")
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
        "@language": "et",
    }
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": _absolute(certificate.verification_path),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{certificate.title} \u2013 {certificate.holder_name}",
        "description": description,
        "issuer": issuer_profile(),
        "validFrom": _iso(certificate.issued_at),
        "issuanceDate": _iso(certificate.issued_at),
        "awardedDate": _iso(certificate.issued_at),
        "credentialSubject": {
            # A stable identifier for the holder of this certificate that reveals nothing (no e-mail address).
            "id": uuid.uuid5(uuid.NAMESPACE_URL, f"{certificate.verification_url}#holder").urn,
            "type": ["AchievementSubject"],
            "name": certificate.holder_name,
            "achievement": achievement,
            "creditsEarned": float(certificate.academic_hours),
            "activityEndDate": f"{certificate.completed_on.isoformat()}T00:00:00",
            "licenseNumber": certificate.number,
        },
        "credentialStatus": {
            "id": _absolute(_status_path(certificate)),
            "type": STATUS_TYPE,
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if certificate.started_on:
        credential["credentialSubject"]["activityStartDate"] = f"{certificate.started_on.isoformat()}T00:00:00"
    if certificate.expires_at:
        credential["validUntil"] = _iso(certificate.expires_at)
        credential["expirationDate"] = _iso(certificate.expires_at)
    return credential


def status_document(certificate) -> dict:
    """What the credentialStatus URL answers: the status now, and the revocation date and reason if revoked."""
    document = {"id": _absolute(_status_path(certificate)),
                "type": STATUS_TYPE, "credential": _absolute(certificate.verification_path),
                "status": certificate.status, "revoked": certificate.revoked_at is not None}
    if certificate.revoked_at is not None:
        document["revokedAt"] = _iso(certificate.revoked_at)
        document["reason"] = certificate.revoked_reason
    return document
