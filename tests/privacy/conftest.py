"""A person with a row in every table that holds personal data (privacy/registry.py), and helpers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from tests import factories

NAME = "Mirjam Privaatsus-Näide"
EMAIL = "mirjam.privaatsus@example.ee"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "private")}}}
    settings.SITE_URL = "https://oskus.example.ee"


def finished_cohort(*, funded: bool, days_ago: int = 60, trainers=()):
    course = factories.CoursePageFactory(funding="Euroopa Sotsiaalfond+" if funded else "")
    cohort = factories.CohortFactory(course=course, trainers=list(trainers), status="finished")
    start = timezone.now() - dt.timedelta(days=days_ago)
    session = factories.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=6))
    return cohort, session


def build_person(*, funded: bool = False, name: str = NAME, email: str = EMAIL, client=None):
    """A specialist who is also a trainer and an editor: a row in every table the registry covers."""
    from allauth.mfa.models import Authenticator
    from wagtail.models import PageSubscription
    from wagtail.users.models import UserProfile

    from certificates.models import Certificate, CertificateRevision
    from enrollment.models import AttendanceEvent, CompletionResult, EnrollmentEvent
    from outbox.models import Message
    from privacy.models import DataExport, InactivityWarning

    coordinator = factories.UserFactory(full_name="Kadri Koordinaator", groups=["Coordinators"])
    person = factories.UserFactory(full_name=name, email=email,
                                   profile__organisation="Võru Vallavalitsus", profile__municipality="Võru vald")
    cohort, session = finished_cohort(funded=funded)
    enrollment = factories.EnrollmentFactory(user=person, cohort=cohort, status="completed",
                                             answers={"dietary_needs": "gluteenivaba", "supervisor_name": name})
    EnrollmentEvent.objects.create(enrollment=enrollment, actor=coordinator, from_status="confirmed",
                                   to_status="completed", reason=f"{name} lõpetas")
    attendance = factories.AttendanceFactory(enrollment=enrollment, session=session, marked_by=coordinator)
    AttendanceEvent.objects.create(attendance=attendance, actor=coordinator, to_status="present",
                                   reason=f"parandas {email}")
    CompletionResult.objects.create(enrollment=enrollment, attended_hours=Decimal("8"), total_hours=Decimal("8"),
                                    required_percent=80, completed=True, computed_at=timezone.now(),
                                    computed_by=coordinator)
    other_cohort, _s = finished_cohort(funded=False, days_ago=120)
    earlier = factories.EnrollmentFactory(user=person, cohort=other_cohort, status="moved")
    enrollment.moved_from = earlier
    enrollment.save(update_fields=["moved_from"])
    certificate = Certificate.objects.create(
        number=f"T-{person.pk}", user=person, holder_name=name, course=cohort.course, title=cohort.course.title,
        enrollment=enrollment, cohort_code=cohort.code, completed_on=timezone.localdate() - dt.timedelta(days=59),
        academic_hours=Decimal("8"), trainer_names=["Tiit Tamm"], issued_by=coordinator)
    certificate.pdf.save("x.pdf", ContentFile(f"%PDF-1.4 {name}".encode()), save=True)
    CertificateRevision.objects.create(certificate=certificate, version=1, holder_name=name,
                                       issued_at=certificate.issued_at, reason="nimi muutus", actor=coordinator)
    # As a trainer: taught a cohort, holds a qualification, is printed on someone else's certificate.
    student = factories.UserFactory(full_name="Õpilane Üks")
    taught, _s2 = finished_cohort(funded=False, trainers=[person], days_ago=30)
    student_enrollment = factories.EnrollmentFactory(user=student, cohort=taught, status="completed")
    Certificate.objects.create(
        number=f"S-{student.pk}", user=student, holder_name=student.full_name, course=taught.course,
        title=taught.course.title, enrollment=student_enrollment, completed_on=timezone.localdate(),
        academic_hours=Decimal("8"), trainer_names=[name, "Tiit Tamm"], issued_by=person)
    qualification = factories.TrainerQualificationFactory(user=person, note=f"asutaja {name}")
    qualification.source_trainers.set([coordinator])
    EnrollmentEvent.objects.create(enrollment=student_enrollment, actor=person, to_status="completed")
    # E-mails, account extras, the admin.
    Message.objects.create(message_id=f"<m{person.pk}@oskus>", kind="account", recipient=person,
                           payload={"to": [email], "body": f"Tere, {name}!"}, state="sent")
    Message.objects.create(message_id=f"<q{person.pk}@oskus>", kind="enrollment", recipient=person,
                           builder="x.y", params={"enrollment_id": enrollment.pk}, state="queued")
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "S3CRET"})
    UserProfile.objects.create(user=person, preferred_language="et")
    home = factories.home_page()
    PageSubscription.objects.create(user=person, page=home, comment_notifications=True)
    # A national identity link (TARA) and a named feedback answer with free text.
    from allauth.socialaccount.models import SocialAccount

    from feedback import services as feedback_services
    from feedback.models import Invitation, NamedResponse, Survey
    SocialAccount.objects.create(user=person, provider="tara", uid="EE38001085718",
                                 extra_data={"given_name": name.split()[0]})
    questionnaire = feedback_services.questionnaire_create(title="Tagasiside", questions=[
        {"kind": "text", "text": "Mida muudaksite?"}, {"kind": "rating", "text": "Hinnang"}])
    free_text, rating = questionnaire.questions.order_by("sort_order")
    survey = Survey.objects.create(cohort=cohort, questionnaire=questionnaire, kind="after", anonymous=False,
                                   opened_on=timezone.localdate(), closes_on=timezone.localdate())
    Invitation.objects.create(survey=survey, user=person, invited_at=timezone.now(), answered_on=timezone.localdate())
    NamedResponse.objects.create(survey=survey, user=person, submitted_at=timezone.now(),
                                 answers={str(free_text.pk): f"Mina, {name}, sooviksin rohkem praktikat",
                                          str(rating.pk): 5})
    DataExport.objects.create(user=person, state="failed")
    # As a coordinator: a background download of a report table.
    from reports.models import ReportExport
    ReportExport.objects.create(requested_by=person, report="delivery", table="delivery", format="csv",
                                as_of=timezone.now(), language="et", token=f"t{person.pk}",
                                expires_at=timezone.now() + dt.timedelta(days=7))
    InactivityWarning.objects.create(user=person, warned_at=timezone.now())
    if client is not None:
        client.force_login(person)
    return person


@pytest.fixture
def person(db, client):
    return build_person(client=client)


def text_columns_containing(*needles: str) -> list[str]:
    """Every text, varchar and JSON column of every table that contains one of `needles` (case-insensitive)."""
    from django.db import connection

    found = []
    with connection.cursor() as cursor:
        cursor.execute("""SELECT table_name, column_name FROM information_schema.columns
                          WHERE table_schema = current_schema() AND data_type IN
                          ('text', 'character varying', 'character', 'json', 'jsonb')
                          AND table_name IN (SELECT table_name FROM information_schema.tables
                                             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE')""")
        columns = cursor.fetchall()
        for table, column in columns:
            for needle in needles:
                # Table and column names come from information_schema, the needle is a parameter.
                sql = f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s'  # noqa: S608
                cursor.execute(sql, [f"%{needle}%"])
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column} ~ {needle}")
    return found
