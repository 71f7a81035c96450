"""Verification (public, rate-limited), my certificates, downloads and who may have them."""

import base64
import json

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import Certificate
from enrollment.models import EnrollmentStatus
from tests import factories
from tests.certificates.conftest import finished_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(site_tree, specialist):
    enrollment = factories.EnrollmentFactory(cohort=finished_cohort(), user=specialist,
                                             status=EnrollmentStatus.COMPLETED)
    return services.certificate_issue(enrollment=enrollment)


def test_verify_page_shows_a_valid_certificate_and_its_facts_without_login(client, certificate):
    response = client.get(reverse("certificate_verify_detail", args=[certificate.code]))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-status="valid"' in body
    assert certificate.holder_name in body and certificate.number in body
    assert certificate.user.email not in body  # nothing more about the holder than is on the certificate


def test_the_form_accepts_a_code_typed_with_dashes_and_lower_case(client, certificate):
    response = client.get(reverse("certificate_verify"), {"code": certificate.code_display.lower()})

    assert response.status_code == 302
    assert response["Location"] == reverse("certificate_verify_detail", args=[certificate.code])


def test_a_malformed_code_gives_a_form_error(client, db):
    response = client.get(reverse("certificate_verify"), {"code": "abc"})

    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_revocation_shows_on_the_verify_page_and_in_the_open_badges_status(client, certificate, coordinator):
    services.certificate_revoke(certificate=certificate, reason="Osalemine ei leidnud kinnitust", actor=coordinator)

    page = client.get(reverse("certificate_verify_detail", args=[certificate.code])).content.decode()
    status = client.get(reverse("certificate_status", args=[certificate.code])).json()

    assert 'data-status="revoked"' in page and "Osalemine ei leidnud kinnitust" in page
    assert status["status"] == "revoked" and status["revoked"] is True
    assert status["reason"] == "Osalemine ei leidnud kinnitust"


def test_an_unknown_code_gives_a_clean_not_found_page(client, db):
    response = client.get(reverse("certificate_verify_detail", args=["ABCDEFGHJKMNPQRS"]))

    assert response.status_code == 404
    body = response.content.decode()
    assert "Certificate not found" in body or "Tunnistust ei leitud" in body
    assert "Traceback" not in body
    assert 'name="code"' in body  # a form to try again


def test_guessing_codes_is_rate_limited(client, db):
    statuses = [client.get(reverse("certificate_verify_detail", args=[f"ABCDEFGHJKMNPQ{n:02d}"])).status_code
                for n in range(21)]

    assert statuses[:20] == [404] * 20
    assert statuses[20] == 429
    # Even a real code is refused while the client is over the limit.
    assert client.get(reverse("certificate_status", args=["ABCDEFGHJKMNPQRS"])).status_code in (404, 429)


def test_the_limit_is_per_client_address(client, db):
    for n in range(21):
        client.get(reverse("certificate_verify_detail", args=[f"ABCDEFGHJKMNPQ{n:02d}"]), REMOTE_ADDR="10.0.0.1")

    other = client.get(reverse("certificate_verify_detail", args=["ABCDEFGHJKMNPQRS"]), REMOTE_ADDR="10.0.0.2")

    assert other.status_code == 404


def test_my_certificates_lists_the_holders_certificates_with_download_links(client, certificate, specialist):
    client.force_login(specialist)

    response = client.get(reverse("my_certificates"))

    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("certificate_pdf", args=[certificate.number]) in body
    assert reverse("certificate_badge", args=[certificate.number]) in body


def test_the_holder_downloads_the_pdf(client, certificate, specialist):
    client.force_login(specialist)

    response = client.get(reverse("certificate_pdf", args=[certificate.number]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_coordinator_may_download_anyones_pdf(client, certificate, coordinator):
    client.force_login(coordinator)

    assert client.get(reverse("certificate_pdf", args=[certificate.number])).status_code == 200


def test_another_person_cannot_download_the_pdf_or_the_badge(client, certificate):
    client.force_login(factories.UserFactory())

    assert client.get(reverse("certificate_pdf", args=[certificate.number])).status_code == 404
    assert client.get(reverse("certificate_badge", args=[certificate.number])).status_code == 404
    certificate.refresh_from_db()
    assert not certificate.pdf  # nothing was rendered for them


def test_a_visitor_must_log_in_to_download(client, certificate):
    response = client.get(reverse("certificate_pdf", args=[certificate.number]))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_holder_downloads_the_open_badge_json(client, certificate, specialist):
    client.force_login(specialist)

    response = client.get(reverse("certificate_badge", args=[certificate.number]))

    assert response.status_code == 200
    enveloped = json.loads(response.content)
    assert enveloped["type"] == "EnvelopedVerifiableCredential"
    payload = enveloped["id"].split(",", 1)[1].split(".")[1]
    credential = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert credential["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert credential["id"] == certificate.verification_url


def test_another_person_cannot_reissue_someone_elses_certificate(client, certificate):
    client.force_login(factories.UserFactory())

    response = client.post(reverse("certificate_reissue", args=[certificate.number]))

    assert response.status_code == 404
    assert Certificate.objects.get(pk=certificate.pk).version == 1


def test_my_certificates_query_count_does_not_grow(client, site_tree, specialist, django_assert_max_num_queries):
    for _ in range(4):
        enrollment = factories.EnrollmentFactory(cohort=finished_cohort(), user=specialist,
                                                 status=EnrollmentStatus.COMPLETED)
        services.certificate_issue(enrollment=enrollment)
    client.force_login(specialist)

    with django_assert_max_num_queries(8):
        assert client.get(reverse("my_certificates")).status_code == 200
