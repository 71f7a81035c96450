"""The Open Badges 3.0 credential a third-party verifier accepts (issue 14, finding 5).

VC Data Model 2.0 secured with VC-JOSE: signed by joserfc, verified here by two other libraries (PyJWT for the
JWS, PyNaCl for the raw Ed25519 signature) with the key the DID document publishes; JSON-LD expanded by pyld
with the contexts shipped in the repo (anything fetched fails the test) and checked to drop no term; validated
against the 1EdTech JSON schema; revocation through a signed BitstringStatusListCredential.
"""

import base64
import copy
import datetime as dt
import gzip
import json
import re
from pathlib import Path

import jsonschema
import jwt
import nacl.exceptions
import nacl.signing
import pytest
from django.urls import reverse
from django.utils import timezone
from pyld import jsonld

from certificates import services
from certificates.badges import credential_for, enveloped_credential_for, signed_credential_for
from certificates.credentials import keys
from certificates.credentials.services import FILL_LIMIT, status_entry_ensure
from certificates.credentials.status_list import LIST_SIZE
from certificates.models import Certificate, StatusList
from enrollment.models import EnrollmentStatus
from tests import factories
from tests.certificates.conftest import finished_cohort

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).parent / "schemas" / "ob_v3p0_achievementcredential_schema.json"
CONTEXTS = Path(__file__).resolve().parents[2] / "certificates" / "credentials" / "contexts"
LOCAL_CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": CONTEXTS / "credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": CONTEXTS / "ob-v3p0-context-3.0.3.json",
    "https://www.w3.org/ns/did/v1": CONTEXTS / "did-v1.jsonld",
    "https://w3id.org/security/suites/jws-2020/v1": CONTEXTS / "security-jws-2020-v1.jsonld",
}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
NAME = "Õie Šumann-Žukova"


# --- helpers: a loader that never fetches, independent decoding and verification -------------------------------

def local_loader(url, options=None):
    """Serves the shipped contexts; any other URL fails the test (nothing is ever fetched)."""
    if url not in LOCAL_CONTEXTS:
        pytest.fail(f"JSON-LD processing tried to fetch {url}")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": json.loads(LOCAL_CONTEXTS[url].read_text())}


@pytest.fixture(autouse=True)
def _no_fetching():
    """Even pyld's default loader fails, so a call that forgot the local loader cannot reach the network."""
    previous = jsonld.get_document_loader()
    jsonld.set_document_loader(lambda url, options=None: pytest.fail(f"pyld's default loader asked for {url}"))
    yield
    jsonld.set_document_loader(previous)


def expand(document):
    return jsonld.expand(document, {"documentLoader": local_loader})


def _leaves(value, *, expanded):
    """Count the scalar values of a document (compact: under every key but @context; expanded: @value, @id and
    @type strings), so that a term dropped by expansion shows as a difference."""
    if isinstance(value, list):
        return sum(_leaves(v, expanded=expanded) for v in value)
    if isinstance(value, dict):
        if expanded and "@value" in value:  # a JSON literal (@json) keeps its members, counted as they are
            return _leaves(value["@value"], expanded=False) if value.get("@type") == "@json" else 1
        total = 0
        for key, item in value.items():
            if key == "@context":
                continue
            total += (len(item) if isinstance(item, list) else 1) if expanded and key in ("@id", "@type") and (
                isinstance(item, str) or all(isinstance(i, str) for i in item)) else _leaves(item, expanded=expanded)
        return total
    return 1


def _property_iris(value, found=None):
    found = set() if found is None else found
    if isinstance(value, list):
        for item in value:
            _property_iris(item, found)
    elif isinstance(value, dict) and value.get("@type") != "@json":
        for key, item in value.items():
            if not key.startswith("@"):
                found.add(key)
            if key == "@type":
                found.update(item if isinstance(item, list) else [item])
            _property_iris(item, found)
    return found


def assert_expands_without_loss(document):
    expanded = expand(document)
    assert _leaves(document, expanded=False) == _leaves(expanded, expanded=True), "a term was dropped"
    iris = _property_iris(expanded)
    assert not [iri for iri in iris if not re.match(r"^(https?|urn|did):", iri)], "a term or type is not an IRI"
    return expanded, iris


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def published_key(client):
    """The first assertion key of the DID document the site serves, as (kid, JWK)."""
    document = client.get("/.well-known/did.json").json()
    method = next(m for m in document["verificationMethod"] if m["id"] == document["assertionMethod"][0])
    return method["id"], method["publicKeyJwk"]


def verify_with_pynacl(token, jwk):
    header, payload, signature = token.split(".")
    key = nacl.signing.VerifyKey(b64url_decode(jwk["x"]))
    key.verify(f"{header}.{payload}".encode(), b64url_decode(signature))  # raises BadSignatureError
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload))


def verify_with_pyjwt(token, jwk):
    decoded = jwt.PyJWS().decode_complete(token, key=jwt.PyJWK(jwk), algorithms=["EdDSA"])
    return decoded["header"], json.loads(decoded["payload"])


@pytest.fixture
def certificate(site_tree):
    trainer = factories.UserFactory(full_name="Jüri Õunapuu")
    course = factories.CoursePageFactory(title="Hea Käitumise Mäng (GBG) 1.–6. klassi õpetajatele")
    enrollment = factories.EnrollmentFactory(cohort=finished_cohort(course=course, trainers=[trainer]),
                                             user=factories.UserFactory(full_name=NAME),
                                             status=EnrollmentStatus.COMPLETED)
    certificate = services.certificate_issue(enrollment=enrollment)
    certificate.expires_at = timezone.now() + dt.timedelta(days=3 * 365)
    certificate.save(update_fields=["expires_at"])
    return certificate


# --- the signature ------------------------------------------------------------------------------------------

def test_the_credential_is_signed_and_verifies_with_other_libraries_using_the_published_key(client, certificate):
    token = signed_credential_for(certificate)
    kid, jwk = published_key(client)

    header, payload = verify_with_pynacl(token, jwk)
    jwt_header, jwt_payload = verify_with_pyjwt(token, jwk)

    assert header == jwt_header
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt" and header["cty"] == "vc"
    assert header["kid"] == kid == f"did:web:oskus.example.ee#{kid.split('#')[1]}"
    assert payload == jwt_payload == credential_for(certificate)
    assert payload["issuer"]["id"] == "did:web:oskus.example.ee"
    assert payload["credentialSubject"]["name"] == NAME
    # The JWKS publishes the same key under the same id.
    assert client.get("/.well-known/jwks.json").json()["keys"][0] | {} == {**jwk, "kid": kid, "use": "sig",
                                                                          "alg": "EdDSA"}


@pytest.mark.parametrize("tamper", ["name", "hours", "validUntil", "header"])
def test_tampering_with_any_field_breaks_verification(client, certificate, tamper):
    header, payload, signature = signed_credential_for(certificate).split(".")
    credential = json.loads(b64url_decode(payload))
    protected = json.loads(b64url_decode(header))
    if tamper == "name":
        credential["credentialSubject"]["name"] = "Mari Maasikas"
    elif tamper == "hours":
        credential["credentialSubject"]["creditsEarned"] += 8
    elif tamper == "validUntil":
        credential["validUntil"] = "2099-01-01T00:00:00+02:00"
    else:
        protected["kid"] = protected["kid"] + "x"

    def encode(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    forged = ".".join([encode(protected), encode(credential), signature])
    _kid, jwk = published_key(client)

    with pytest.raises(nacl.exceptions.BadSignatureError):
        verify_with_pynacl(forged, jwk)
    with pytest.raises(jwt.InvalidSignatureError):
        verify_with_pyjwt(forged, jwk)


def test_a_credential_signed_with_another_key_does_not_verify_with_the_published_one(client, certificate, settings):
    settings.CREDENTIALS_SIGNING_KEY = keys.new_seed()
    other = signed_credential_for(certificate)
    settings.CREDENTIALS_SIGNING_KEY = "dGVzdC1vbmx5LWNyZWRlbnRpYWwtc2lnbmluZy1rZXk"
    _kid, jwk = published_key(client)

    with pytest.raises(nacl.exceptions.BadSignatureError):
        verify_with_pynacl(other, jwk)


def test_a_retired_key_stays_published_so_old_credentials_still_verify(client, certificate, settings):
    old_seed = keys.new_seed()
    settings.CREDENTIALS_SIGNING_KEY = old_seed
    old_token = signed_credential_for(certificate)
    old_public = keys.signing_key().public
    settings.CREDENTIALS_SIGNING_KEY = keys.new_seed()
    settings.CREDENTIALS_RETIRED_PUBLIC_KEYS = [keys.b64url(old_public.raw)]

    document = client.get("/.well-known/did.json").json()
    methods = {m["id"]: m["publicKeyJwk"] for m in document["verificationMethod"]}
    kid = json.loads(b64url_decode(old_token.split(".")[0]))["kid"]

    assert len(methods) == 2 and kid in methods and kid in document["assertionMethod"]
    verify_with_pynacl(old_token, methods[kid])


# --- JSON-LD: nothing dropped, nothing fetched -------------------------------------------------------------

def test_json_ld_expansion_with_the_shipped_contexts_drops_no_term(certificate):
    credential = credential_for(certificate)

    _expanded, iris = assert_expands_without_loss(credential)

    vc, ob, status = ("https://www.w3.org/2018/credentials#", "https://purl.imsglobal.org/spec/vc/ob/vocab.html#",
                      "https://www.w3.org/ns/credentials/status#")
    assert {vc + "validFrom", vc + "validUntil", vc + "credentialStatus",
            ob + "activityStartDate", ob + "activityEndDate", ob + "OpenBadgeCredential",
            status + "BitstringStatusListEntry", status + "statusListIndex", status + "statusListCredential",
            status + "statusPurpose", "https://schema.org/inLanguage"} <= iris
    assert not any("issuanceDate" in iri or "expirationDate" in iri for iri in iris)


def test_the_expansion_check_is_real_an_undefined_term_is_detected(certificate):
    credential = credential_for(certificate)
    credential["issuanceDate"] = credential["validFrom"]  # a VC 1.1 term the VC 2.0 context does not define

    with pytest.raises(AssertionError, match="dropped"):
        assert_expands_without_loss(credential)


def test_the_status_list_credential_and_the_did_document_expand_without_loss(client, certificate):
    credential = credential_for(certificate)
    status_list = jwt.PyJWS().decode_complete(
        client.get(credential["credentialStatus"]["statusListCredential"]).content.decode(),
        options={"verify_signature": False})["payload"]

    assert_expands_without_loss(json.loads(status_list))
    assert_expands_without_loss(client.get("/.well-known/did.json").json())


# --- the 1EdTech JSON schema and the dates ------------------------------------------------------------------

def schema_for_vc2():
    """The schema in tests/ is the OB 3.0 schema written for VC 1.1 (it requires issuanceDate). OB 3.0.3 moved to
    VC 2.0, whose term is validFrom: the one change applied here; everything else is the 1EdTech schema."""
    schema = json.loads(SCHEMA.read_text())
    adapted = copy.deepcopy(schema)
    adapted["required"] = ["validFrom" if r == "issuanceDate" else r for r in schema["required"]]
    adapted["properties"]["validFrom"] = adapted["properties"]["issuanceDate"]
    adapted["properties"]["validUntil"] = adapted["properties"]["expirationDate"]
    return schema, adapted


def test_the_credential_validates_against_the_1edtech_schema_with_date_time_formats_checked(certificate):
    schema, adapted = schema_for_vc2()
    credential = credential_for(certificate)
    checker = jsonschema.FormatChecker()
    assert "date-time" in checker.checkers  # rfc3339-validator installed: formats are really checked

    jsonschema.Draft201909Validator(adapted, format_checker=checker).validate(credential)
    errors = list(jsonschema.Draft201909Validator(schema, format_checker=checker).iter_errors(credential))
    assert [e.message for e in errors] == ["'issuanceDate' is a required property"]


def test_the_schema_check_is_real_a_date_without_a_time_zone_fails(certificate):
    _schema, adapted = schema_for_vc2()
    credential = credential_for(certificate)
    credential["credentialSubject"]["activityEndDate"] = "2026-05-04T00:00:00"

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft201909Validator(adapted, format_checker=jsonschema.FormatChecker()).validate(credential)


def test_every_date_is_rfc3339_with_an_offset_and_only_vc2_terms_are_used(certificate):
    credential = credential_for(certificate)
    subject = credential["credentialSubject"]
    dates = [credential["validFrom"], credential["validUntil"],
             subject["activityStartDate"], subject["activityEndDate"]]

    assert all(RFC3339.match(d) and dt.datetime.fromisoformat(d).tzinfo is not None for d in dates), dates
    assert dt.datetime.fromisoformat(subject["activityStartDate"]).date() == certificate.started_on
    assert dt.datetime.fromisoformat(subject["activityEndDate"]).date() == certificate.completed_on
    assert "issuanceDate" not in credential and "expirationDate" not in credential and "proof" not in credential
    assert credential["credentialStatus"]["type"] == "BitstringStatusListEntry"


# --- revocation through the status list ---------------------------------------------------------------------

def _bit(client, credential, jwk):
    entry = credential["credentialStatus"]
    response = client.get(entry["statusListCredential"])
    assert response.status_code == 200 and response["Content-Type"] == "application/vc+jwt"
    _header, status_list = verify_with_pyjwt(response.content.decode(), jwk)
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status_list["id"] == entry["statusListCredential"]
    subject = status_list["credentialSubject"]
    assert subject["statusPurpose"] == entry["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    assert encoded.startswith("u")
    bits = gzip.decompress(b64url_decode(encoded[1:]))
    assert len(bits) * 8 == LIST_SIZE
    index = int(entry["statusListIndex"])
    return (bits[index // 8] >> (7 - index % 8)) & 1


def test_a_revoked_certificate_shows_as_revoked_in_the_signed_status_list(client, certificate, coordinator):
    other = factories.EnrollmentFactory(cohort=certificate.enrollment.cohort, status=EnrollmentStatus.COMPLETED)
    other_certificate = services.certificate_issue(enrollment=other)
    credential, other_credential = credential_for(certificate), credential_for(other_certificate)
    _kid, jwk = published_key(client)
    assert credential["credentialStatus"]["statusListCredential"].startswith("https://oskus.example.ee/credentials/"
                                                                             "status/")
    assert _bit(client, credential, jwk) == 0

    services.certificate_revoke(certificate=certificate, reason="Osalemine ei leidnud kinnitust", actor=coordinator)

    assert _bit(client, credential, jwk) == 1
    assert _bit(client, other_credential, jwk) == 0


def test_each_certificate_gets_its_own_index_once_and_keeps_it(certificate):
    first = credential_for(certificate)["credentialStatus"]
    again = credential_for(Certificate.objects.get(pk=certificate.pk))["credentialStatus"]
    others = [status_entry_ensure(certificate=services.certificate_issue(enrollment=factories.EnrollmentFactory(
        cohort=certificate.enrollment.cohort, status=EnrollmentStatus.COMPLETED))) for _ in range(5)]

    assert again == first
    entries = [status_entry_ensure(certificate=certificate), *others]
    assert len({(e.status_list_id, e.index) for e in entries}) == 6
    assert StatusList.objects.get(number=1).allocated == 6
    assert first["statusListIndex"] == str(entries[0].index)


def test_a_reissue_replaces_the_credential_the_old_one_shows_as_revoked(client, certificate, coordinator):
    old = credential_for(certificate)
    certificate.user.full_name = "Õie Uusnimi"
    certificate.user.save(update_fields=["full_name"])
    services.certificate_reissue(certificate=certificate, actor=coordinator)
    new = credential_for(Certificate.objects.get(pk=certificate.pk))
    _kid, jwk = published_key(client)

    assert new["credentialStatus"]["statusListIndex"] != old["credentialStatus"]["statusListIndex"]
    assert new["credentialSubject"]["name"] == "Õie Uusnimi"
    assert (_bit(client, old, jwk), _bit(client, new, jwk)) == (1, 0)


def test_a_revocation_is_never_undone_in_the_list_a_restored_certificate_gets_a_new_entry(client, certificate):
    enrollment = certificate.enrollment
    before = credential_for(certificate)
    _kid, jwk = published_key(client)
    enrollment.status = EnrollmentStatus.NOT_COMPLETED
    enrollment.save(update_fields=["status"])
    services.certificate_withdraw(enrollment=enrollment, reason="Osalemine parandati")
    assert _bit(client, before, jwk) == 1

    enrollment.status = EnrollmentStatus.COMPLETED
    enrollment.save(update_fields=["status"])
    restored = services.certificate_restore(enrollment=enrollment)
    after = credential_for(restored)

    assert restored.status == "valid" and restored.number == certificate.number
    assert (_bit(client, before, jwk), _bit(client, after, jwk)) == (1, 0)
    assert after["credentialStatus"]["statusListIndex"] != before["credentialStatus"]["statusListIndex"]


def test_a_half_full_list_opens_the_next_one(certificate):
    StatusList.objects.create(number=1, allocated=FILL_LIMIT)

    entry = status_entry_ensure(certificate=certificate)

    assert entry.status_list_id == 2 and StatusList.objects.get(number=2).allocated == 1


def test_an_unknown_status_list_is_not_found(client, db):
    assert client.get("/credentials/status/7").status_code == 404


# --- downloads and keys ------------------------------------------------------------------------------------

def test_the_holder_downloads_the_signed_credential_as_json_and_as_jwt(client, certificate):
    client.force_login(certificate.user)
    _kid, jwk = published_key(client)

    enveloped = client.get(reverse("certificate_badge", args=[certificate.number])).json()
    raw = client.get(reverse("certificate_badge_jwt", args=[certificate.number]))

    assert enveloped["type"] == "EnvelopedVerifiableCredential"
    assert enveloped["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    prefix = "data:application/vc+jwt,"
    assert enveloped["id"].startswith(prefix)
    assert raw["Content-Type"] == "application/vc+jwt"
    for token in (enveloped["id"][len(prefix):], raw.content.decode()):
        assert verify_with_pyjwt(token, jwk)[1]["credentialSubject"]["name"] == NAME
    assert enveloped_credential_for(certificate)["id"].startswith(prefix)


def test_without_a_configured_key_development_generates_one_private_file_and_reuses_it(settings, tmp_path):
    settings.CREDENTIALS_SIGNING_KEY = ""
    settings.CREDENTIALS_SIGNING_KEY_GENERATE = True
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"

    first = keys.signing_key().public
    path = tmp_path / "private" / keys.GENERATED_KEY_NAME

    assert path.stat().st_mode & 0o777 == 0o600
    assert keys.signing_key().public == first


def test_without_a_key_and_without_generating_it_refuses(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    settings.CREDENTIALS_SIGNING_KEY = ""
    settings.CREDENTIALS_SIGNING_KEY_GENERATE = False
    settings.PRIVATE_MEDIA_ROOT = tmp_path

    with pytest.raises(ImproperlyConfigured, match="CREDENTIALS_SIGNING_KEY"):
        keys.signing_key()
