"""The PDF (text with the Estonian name, a QR code to the verify page) and the Open Badges 3.0 credential."""

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import jsonschema
import pytest
from django.utils import timezone
from PIL import Image
from pyzbar.pyzbar import decode

from certificates import services
from certificates.badges import credential_for
from certificates.pdf import render_certificate_pdf
from enrollment.models import EnrollmentStatus
from tests import factories
from tests.certificates.conftest import finished_cohort
from tests.certificates.test_credentials import schema_for_vc2

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).parent / "schemas" / "ob_v3p0_achievementcredential_schema.json"
NAME = "Õie Šumann-Žukova"


@pytest.fixture
def certificate(site_tree):
    trainer = factories.UserFactory(full_name="Jüri Õunapuu")
    course = factories.CoursePageFactory(title="Hea Käitumise Mäng (GBG) 1.–6. klassi õpetajatele")
    enrollment = factories.EnrollmentFactory(cohort=finished_cohort(course=course, trainers=[trainer]),
                                             user=factories.UserFactory(full_name=NAME),
                                             status=EnrollmentStatus.COMPLETED)
    return services.certificate_issue(enrollment=enrollment)


def test_pdf_text_contains_the_holders_estonian_name_exactly(certificate, tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_certificate_pdf(certificate, language="et"))

    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout

    assert NAME in text
    assert "Jüri Õunapuu" in text
    assert certificate.number in text
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    font_rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert font_rows and all("Oskus-Sans" in row and " yes yes " in row for row in font_rows)  # embedded DejaVu


def test_pdf_is_one_a4_page_whose_qr_code_decodes_to_the_verification_url(certificate, tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_certificate_pdf(certificate, language="et"))
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    assert re.search(r"^Page size:\s+595\.2\d* x 841\.89 pts \(A4\)", info, re.MULTILINE)

    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    codes = decode(Image.open(tmp_path / "page.png"))

    assert [c.data.decode() for c in codes] == [certificate.verification_url]
    assert certificate.verification_url == f"https://oskus.example.ee/verify/{certificate.code}/"


def test_open_badges_credential_validates_against_the_published_schema(certificate):
    _original, schema = schema_for_vc2()  # the one change OB 3.0.3 made: validFrom for VC 1.1's issuanceDate
    credential = credential_for(certificate)

    jsonschema.Draft201909Validator(schema, format_checker=jsonschema.FormatChecker()).validate(credential)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert credential["@context"][1].startswith("https://purl.imsglobal.org/spec/ob/v3p0/context")
    assert credential["credentialSubject"]["name"] == NAME
    assert credential["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert credential["validFrom"]
    assert credential["issuer"]["type"] == ["Profile"]


def test_the_schema_check_is_real_a_credential_without_an_achievement_fails(certificate):
    schema = json.loads(SCHEMA.read_text())
    credential = credential_for(certificate)
    del credential["credentialSubject"]["achievement"]

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft201909Validator(schema).validate(credential)


def test_expiry_appears_as_valid_until(certificate):
    certificate.expires_at = timezone.now() + dt.timedelta(days=365)
    credential = credential_for(certificate)

    assert dt.datetime.fromisoformat(credential["validUntil"]) == certificate.expires_at.replace(microsecond=0)
    assert "expirationDate" not in credential
    jsonschema.Draft201909Validator(schema_for_vc2()[1]).validate(credential)
