"""CSV import of participants: the dry run reports every bad row and imports nothing; a clean file is
imported in one go through the enrollment services."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from enrollment.admin import imports
from enrollment.models import CohortStatus, Enrollment, EnrollmentEvent, EnrollmentPolicy, EnrollmentStatus
from tests import factories

S = EnrollmentStatus
pytestmark = pytest.mark.django_db

HEADER = "email,full_name,municipality,profession,organisation\n"


@pytest.fixture
def admin_client(client, coordinator):
    """A coordinator in the Wagtail admin, which they use in English (the messages asserted are English)."""
    from wagtail.users.models import UserProfile

    UserProfile.objects.update_or_create(user=coordinator, defaults={"preferred_language": "en"})
    client.force_login(coordinator)
    return client


def _upload(client, cohort, text: str, name="osalejad.csv"):
    upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("enrollment_cohorts:import", args=[cohort.pk]), {"file": upload})


def _confirm(client, cohort, response):
    payload = re.search(r'name="payload" value="([^"]+)"', response.content.decode()).group(1)
    return client.post(reverse("enrollment_cohorts:import", args=[cohort.pk]), {"payload": payload})


def _errors_by_line(report) -> dict[int, str]:
    return {row.line: " ".join(row.errors) for row in report.bad_rows}


def test_dry_run_reports_every_bad_row_with_its_line_and_imports_nothing(admin_client):
    cohort = factories.CohortFactory(capacity=20)
    enrolled = factories.EnrollmentFactory(cohort=cohort, status=S.CONFIRMED,
                                           user=factories.UserFactory(email="juba@example.ee"))
    text = HEADER + (
        "hea@example.ee,Hea Inimene,Võru vald,social_worker,Võru Vallavalitsus\n"      # 2: fine
        "pole-e-post,Vale Aadress,Võru vald,social_worker,\n"                          # 3: e-mail
        "linn@example.ee,Vale Linn,Atlantis,social_worker,\n"                           # 4: municipality
        "amet@example.ee,Vale Amet,Tartu linn,astronaut,\n"                             # 5: profession
        "hea@example.ee,Topelt Inimene,Tartu linn,teacher,\n"                           # 6: duplicate of 2
        "juba@example.ee,Juba Osaleja,Tartu linn,teacher,\n"                            # 7: already enrolled
        "nimeta@example.ee,,Tartu linn,teacher,\n"                                      # 8: no name, new user
    )
    users_before = User.objects.count()
    response = _upload(admin_client, cohort, text)
    assert response.status_code == 200
    report = response.context["report"]
    errors = _errors_by_line(report)
    assert set(errors) == {3, 4, 5, 6, 7, 8}
    assert "not a valid e-mail address" in errors[3]
    assert "Atlantis" in errors[4] and "79 municipalities" in errors[4]
    assert "astronaut" in errors[5]
    assert "already on line 2" in errors[6]
    assert "already enrolled" in errors[7]
    assert "name is missing" in errors[8]
    content = response.content.decode()
    assert "Nothing was imported" in content
    assert 'name="payload"' not in content  # no confirm button for a file with errors
    assert User.objects.count() == users_before
    assert list(Enrollment.objects.filter(cohort=cohort)) == [enrolled]


def test_dry_run_of_a_clean_file_writes_nothing_until_confirmed(admin_client):
    cohort = factories.CohortFactory()
    response = _upload(admin_client, cohort, HEADER + "uus@example.ee,Uus Inimene,Põlva vald,police,PPA\n")
    assert response.status_code == 200
    assert response.context["report"].is_clean
    assert 'name="payload"' in response.content.decode()
    assert not User.objects.filter(email="uus@example.ee").exists()
    assert not Enrollment.objects.filter(cohort=cohort).exists()


def test_clean_import_creates_users_and_enrollments_through_the_services(admin_client, coordinator):
    cohort = factories.CohortFactory(capacity=5)
    existing = factories.UserFactory(email="olemas@example.ee", full_name="Olemas Olev")
    text = ("E-post;Nimi;Omavalitsus;Amet;Asutus\n"  # Estonian column names, semicolons (Excel)
            "uus@example.ee;Uus Inimene;Põlva vald;Child-protection worker;Põlva Vallavalitsus\n"
            "OLEMAS@example.ee;Olemas Olev;Tartu linn;teacher;\n")
    checked = _upload(admin_client, cohort, text)
    assert checked.context["report"].is_clean, _errors_by_line(checked.context["report"])
    response = _confirm(admin_client, cohort, checked)
    assert response.status_code == 302
    assert response["Location"] == reverse("enrollment_cohorts:overview", args=[cohort.pk])

    new = User.objects.get(email="uus@example.ee")
    assert new.full_name == "Uus Inimene"
    assert not new.has_usable_password()
    assert new.profile.municipality.name == "Põlva vald"
    assert new.profile.profession == "child_protection"
    assert new.profile.organisation == "Põlva Vallavalitsus"
    address = EmailAddress.objects.get(user=new)
    assert address.primary and not address.verified
    enrollments = Enrollment.objects.filter(cohort=cohort)
    assert {e.user for e in enrollments} == {new, existing}
    assert {e.status for e in enrollments} == {S.CONFIRMED}
    for enrollment in enrollments:
        assert EnrollmentEvent.objects.get(enrollment=enrollment).actor == coordinator


def test_import_into_a_cohort_needing_approval_confirms_the_imported_people(admin_client, coordinator):
    cohort = factories.CohortFactory(policy=EnrollmentPolicy.APPROVAL)
    checked = _upload(admin_client, cohort, HEADER + "uus@example.ee,Uus Inimene,Võru vald,teacher,\n")
    _confirm(admin_client, cohort, checked)
    enrollment = Enrollment.objects.get(cohort=cohort)
    assert enrollment.status == S.CONFIRMED
    assert list(enrollment.events.values_list("to_status", flat=True)) == [S.PENDING, S.CONFIRMED]


def test_rows_beyond_the_free_places_are_reported_and_nothing_imported(admin_client):
    cohort = factories.CohortFactory(capacity=2)
    factories.EnrollmentFactory(cohort=cohort, status=S.CONFIRMED)
    text = HEADER + "".join(f"inimene{n}@example.ee,Inimene {n},Tartu linn,teacher,\n" for n in range(3))
    response = _upload(admin_client, cohort, text)
    errors = _errors_by_line(response.context["report"])
    assert set(errors) == {3, 4}
    assert "cohort is full" in errors[3]
    assert not User.objects.filter(email__startswith="inimene").exists()


@pytest.mark.parametrize("changes,message", [
    ({"status": CohortStatus.CANCELLED}, "cancelled"),
    ({"status": CohortStatus.FINISHED}, "finished"),
])
def test_a_closed_or_cancelled_cohort_is_reported_and_nothing_imported(admin_client, changes, message):
    cohort = factories.CohortFactory(**changes)
    response = _upload(admin_client, cohort, HEADER + "uus@example.ee,Uus Inimene,Tartu linn,teacher,\n")
    report = response.context["report"]
    assert not report.is_clean
    assert any(message in error for error in report.file_errors)
    assert not User.objects.filter(email="uus@example.ee").exists()


def test_registration_window_closed_is_reported(admin_client):
    from django.utils import timezone

    cohort = factories.CohortFactory(registration_opens=timezone.now() - timezone.timedelta(days=9),
                                     registration_closes=timezone.now() - timezone.timedelta(days=1))
    report = _upload(admin_client, cohort, HEADER + "uus@example.ee,Uus,Tartu linn,teacher,\n").context["report"]
    assert any("closed" in error for error in report.file_errors)


def test_an_empty_file_is_refused(admin_client):
    response = _upload(admin_client, factories.CohortFactory(), "")
    assert response.status_code == 400
    assert "empty" in response.content.decode()


@pytest.mark.parametrize("text,message", [
    ("email,full_name\nx@example.ee,X\n", "columns are missing: municipality, profession"),
    (HEADER, "no participants"),
    (HEADER + 'a@example.ee,"Katki,Tartu linn,teacher,\n', "could not be read"),
])
def test_a_broken_file_is_reported_clearly(admin_client, text, message):
    cohort = factories.CohortFactory()
    response = _upload(admin_client, cohort, text)
    assert response.status_code == 200
    report = response.context["report"]
    assert any(message in error for error in report.file_errors), report.file_errors


def test_a_file_that_is_not_csv_is_refused(admin_client):
    cohort = factories.CohortFactory()
    upload = SimpleUploadedFile("pilt.png", b"\x89PNG....", content_type="image/png")
    response = admin_client.post(reverse("enrollment_cohorts:import", args=[cohort.pk]), {"file": upload})
    assert response.status_code == 400
    assert "CSV" in response.content.decode()


def test_a_tampered_confirmation_imports_nothing(admin_client):
    cohort = factories.CohortFactory()
    checked = _upload(admin_client, cohort, HEADER + "uus@example.ee,Uus Inimene,Tartu linn,teacher,\n")
    payload = re.search(r'name="payload" value="([^"]+)"', checked.content.decode()).group(1)
    url = reverse("enrollment_cohorts:import", args=[cohort.pk])
    response = admin_client.post(url, {"payload": payload[:-3] + "abc"})
    assert response.status_code == 400
    assert not User.objects.filter(email="uus@example.ee").exists()
    # A payload checked for one cohort cannot be replayed into another.
    other = factories.CohortFactory()
    response = admin_client.post(reverse("enrollment_cohorts:import", args=[other.pk]), {"payload": payload})
    assert response.status_code == 400
    assert not Enrollment.objects.exists()


def test_confirming_after_the_cohort_filled_up_imports_nothing(admin_client):
    cohort = factories.CohortFactory(capacity=1)
    checked = _upload(admin_client, cohort, HEADER + "uus@example.ee,Uus Inimene,Tartu linn,teacher,\n")
    factories.EnrollmentFactory(cohort=cohort, status=S.CONFIRMED)  # someone took the last place meanwhile
    response = _confirm(admin_client, cohort, checked)
    assert response.status_code == 409
    assert "Nothing was imported" in response.content.decode()
    assert not User.objects.filter(email="uus@example.ee").exists()


def test_a_service_refusal_during_the_import_rolls_back_every_row(coordinator, monkeypatch):
    from enrollment.exceptions import RegistrationClosed

    cohort = factories.CohortFactory()
    real = imports.enrollment_create
    calls = []

    def refuse_second(**kwargs):
        calls.append(kwargs["user"].email)
        if len(calls) == 2:
            raise RegistrationClosed()
        return real(**kwargs)

    monkeypatch.setattr(imports, "enrollment_create", refuse_second)
    data = (HEADER + "a@example.ee,A A,Tartu linn,teacher,\nb@example.ee,B B,Tartu linn,teacher,\n").encode()
    with pytest.raises(imports.ImportInvalid) as raised:
        imports.import_run(cohort=cohort, data=data, actor=coordinator)
    assert "on lõppenud" in " ".join(raised.value.report.bad_rows[0].errors)  # "registration is closed", in Estonian
    assert not User.objects.filter(email__in=["a@example.ee", "b@example.ee"]).exists()
    assert not Enrollment.objects.filter(cohort=cohort).exists()


def test_checking_runs_a_constant_number_of_queries(django_assert_max_num_queries):
    cohort = factories.CohortFactory(capacity=500)
    for rows in (5, 50):
        data = (HEADER + "".join(f"p{rows}-{n}@example.ee,Inimene {n},Tartu linn,teacher,\n"
                                 for n in range(rows))).encode()
        with django_assert_max_num_queries(6):
            report = imports.import_check(cohort=cohort, data=data)
        assert report.is_clean and len(report.rows) == rows


def test_non_coordinators_cannot_import(client, trainer):
    cohort = factories.CohortFactory()
    client.force_login(trainer)
    response = _upload(client, cohort, HEADER + "uus@example.ee,Uus Inimene,Tartu linn,teacher,\n")
    assert response.status_code == 302
    assert not User.objects.filter(email="uus@example.ee").exists()
