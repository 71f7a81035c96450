"""CSV and XLSX export of the enrollments listing: the filtered rows, only the needed personal data, no
formulas, a constant number of queries."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from enrollment.models import EnrollmentStatus
from tests import factories

S = EnrollmentStatus
pytestmark = pytest.mark.django_db

HEADINGS = ["Name", "E-mail", "Organisation", "Profession", "Municipality", "County", "Course", "Cohort", "Status",
            "Enrolled", "Joined the waitlist", "Offer expires"]


@pytest.fixture
def admin_client(client, coordinator):
    """A coordinator in the Wagtail admin, which they use in English (the messages asserted are English)."""
    from wagtail.users.models import UserProfile

    UserProfile.objects.update_or_create(user=coordinator, defaults={"preferred_language": "en"})
    client.force_login(coordinator)
    return client


def _export(client, fmt, **params):
    response = client.get(reverse("enrollment_enrollments:index"), {**params, "export": fmt})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


@pytest.fixture
def cohort_with_people():
    cohort = factories.CohortFactory(code="gbg-2027-voru")
    mari = factories.EnrollmentFactory(
        cohort=cohort, status=S.CONFIRMED, answers={"dietary": "gluteenivaba", "supervisor": "Ülemus"},
        user=factories.UserFactory(full_name="Mari Mägi", email="mari@voru.ee", profile__municipality="Võru vald",
                                   profile__profession="child_protection", profile__organisation="Võru Vallavalitsus"))
    jaan = factories.EnrollmentFactory(cohort=cohort, status=S.PENDING,
                                       user=factories.UserFactory(full_name="=HYPERLINK(\"http://x\")",
                                                                  email="jaan@example.ee"))
    factories.EnrollmentFactory(status=S.CONFIRMED, user=factories.UserFactory(email="muu@example.ee"))
    return cohort, mari, jaan


def test_csv_export_has_the_filtered_rows_and_only_the_needed_columns(admin_client, cohort_with_people):
    cohort, mari, jaan = cohort_with_people
    response, body = _export(admin_client, "csv", cohort=cohort.pk)
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="enrollments-gbg-2027-voru.csv"' in response["Content-Disposition"]
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == HEADINGS
    by_email = {row[1]: row for row in rows[1:]}
    assert set(by_email) == {"mari@voru.ee", "jaan@example.ee"}  # the other cohort's person is filtered out
    mari_row = by_email["mari@voru.ee"]
    assert mari_row[:9] == ["Mari Mägi", "mari@voru.ee", "Võru Vallavalitsus", "Child-protection worker",
                            "Võru vald", "Võru maakond", cohort.course.title, "gbg-2027-voru", "Confirmed"]
    # Answers to the sign-up questions (dietary needs etc.) never leave the system in an export.
    assert "gluteenivaba" not in text and "Ülemus" not in text
    # A value that a spreadsheet would run as a formula is written as text.
    assert by_email["jaan@example.ee"][0] == "'=HYPERLINK(\"http://x\")"


def test_xlsx_export_parses_back_with_the_same_rows(admin_client, cohort_with_people):
    cohort, mari, jaan = cohort_with_people
    response, body = _export(admin_client, "xlsx", cohort=cohort.pk, status=S.CONFIRMED)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(body)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADINGS
    assert len(rows) == 2
    assert rows[1][:9] == ["Mari Mägi", "mari@voru.ee", "Võru Vallavalitsus", "Child-protection worker",
                           "Võru vald", "Võru maakond", cohort.course.title, "gbg-2027-voru", "Confirmed"]
    assert rows[1][9].year >= 2026  # a real date cell, in local time


def test_xlsx_never_contains_a_formula(admin_client, cohort_with_people):
    cohort, mari, jaan = cohort_with_people
    _response, body = _export(admin_client, "xlsx", cohort=cohort.pk, status=S.PENDING)
    cell = load_workbook(io.BytesIO(body)).active["A2"]
    assert cell.value == "=HYPERLINK(\"http://x\")"
    assert cell.data_type == "s"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_runs_a_constant_number_of_queries(admin_client, django_assert_max_num_queries, fmt):
    cohort = factories.CohortFactory(capacity=100)
    for count in (5, 50):
        while cohort.enrollments.count() < count:
            factories.EnrollmentFactory(cohort=cohort)
        with django_assert_max_num_queries(17):  # 15 + the audit trail's ids and its entry (accounts/audit.py)
            _response, body = _export(admin_client, fmt, cohort=cohort.pk)
        if fmt == "csv":
            assert body.decode("utf-8").count("\n") == count + 1


def test_export_is_refused_to_trainers(client, trainer, cohort_with_people):
    client.force_login(trainer)
    response = client.get(reverse("enrollment_enrollments:index"), {"export": "csv"})
    assert response.status_code == 302
    assert b"mari@voru.ee" not in response.content


@pytest.mark.parametrize("bad", ["999999", "abc"])
def test_an_export_with_a_filter_that_matches_nothing_valid_exports_nobody(admin_client, cohort_with_people, bad):
    """A broken or unknown filter value must narrow to nothing, never widen to everybody."""
    _response, body = _export(admin_client, "csv", cohort=bad)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))
    assert rows == [HEADINGS]
