"""Erasure: no trace of the name or the e-mail address in any text column, statistics unchanged, certificates
still verifiable without the name, participation in funded trainings kept (restricted) until its date."""

import datetime as dt

import pytest
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from enrollment.models import Enrollment
from privacy.models import ErasureRequest, RetainedIdentity
from privacy.services.erasure import account_erase, retained_anonymise_due
from tests import factories

from .conftest import EMAIL, NAME, build_person, text_columns_containing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def statistics():
    rows = (Enrollment.objects.values("cohort__course_id", "user__profile__municipality__county_id",
                                      "user__profile__profession", "status")
            .annotate(n=Count("id"), hours=Sum("completion__attended_hours")).order_by(
                "cohort__course_id", "user__profile__municipality__county_id", "user__profile__profession", "status"))
    return list(rows)


def test_erasure_leaves_no_trace_of_the_name_or_e_mail(person):
    assert text_columns_containing(NAME, EMAIL)  # the search finds them before
    account_erase(user=person)
    assert text_columns_containing(NAME, EMAIL) == []


def test_erasure_keeps_statistics_by_county_profession_and_course_identical(person):
    for municipality, profession in (("Tartu linn", "teacher"), ("Võru vald", "police")):
        cohort = Enrollment.objects.filter(user=person).first().cohort
        other = factories.UserFactory(profile__municipality=municipality, profile__profession=profession)
        factories.EnrollmentFactory(user=other, cohort=cohort, status="completed")
    before = statistics()
    account_erase(user=person)
    assert statistics() == before


def test_erasure_of_the_account_and_what_goes_at_once(person, client):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.sessions.models import Session

    request = account_erase(user=person)
    person.refresh_from_db()
    assert not person.is_active and not person.has_usable_password() and person.full_name == ""
    assert person.profile.organisation == "" and person.profile.calendar_token.startswith("revoked.")
    assert person.profile.profession and person.profile.municipality_id  # non-identifying, kept
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not Authenticator.objects.filter(user=person).exists()
    assert not Session.objects.exists()
    assert all(a == {} for a in Enrollment.objects.filter(user=person).values_list("answers", flat=True))
    certificate = Certificate.objects.get(user=person)
    assert certificate.holder_name == "" and not certificate.pdf
    assert request.erased_at and request.retain_until is None
    assert client.get(reverse("my_trainings")).status_code == 302  # logged out


def test_the_verify_page_still_answers_without_the_name(person, client):
    certificate = Certificate.objects.get(user=person)
    account_erase(user=person)
    response = client.get(reverse("certificate_verify_detail", kwargs={"code": certificate.code}))
    assert response.status_code == 200
    assert "Kehtiv" in response.content.decode() or "Valid" in response.content.decode()
    assert NAME not in response.content.decode()
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now(), revoked_reason="viga")
    response = client.get(reverse("certificate_verify_detail", kwargs={"code": certificate.code}))
    assert response.status_code == 200 and NAME not in response.content.decode()
    assert "Kehtetuks tunnistatud" in response.content.decode() or "Revoked" in response.content.decode()


def test_funded_participation_is_kept_restricted_until_the_funders_date(db, client):
    person = build_person(funded=True)
    request = account_erase(user=person)
    year = timezone.localdate().year if (timezone.localdate() - dt.timedelta(days=60)).year == \
        timezone.localdate().year else timezone.localdate().year - 1
    assert request.retain_until == dt.date(year + 10, 12, 31)
    # The name survives only in the restricted record administrators read; never in rosters or exports.
    assert text_columns_containing(NAME) == ["privacy_retainedidentity.full_name ~ " + NAME]
    assert Enrollment.objects.filter(user=person, status="completed").exists()
    assert retained_anonymise_due(today=request.retain_until) == 0  # not yet
    assert retained_anonymise_due(today=request.retain_until + dt.timedelta(days=1)) == 1
    assert retained_anonymise_due(today=request.retain_until + dt.timedelta(days=1)) == 0  # idempotent
    assert not RetainedIdentity.objects.exists()
    assert text_columns_containing(NAME, EMAIL) == []
    assert ErasureRequest.objects.get().retained_anonymised_at is not None


def test_places_in_cohorts_not_started_are_given_up_and_offered_on(db):
    person = factories.UserFactory()
    cohort = factories.CohortFactory(capacity=1)
    factories.SessionFactory(cohort=cohort)
    mine = factories.EnrollmentFactory(user=person, cohort=cohort, status="confirmed")
    waiting = factories.EnrollmentFactory(cohort=cohort, status="waitlisted", waitlist_joined_at=timezone.now())
    account_erase(user=person)
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == "cancelled" and waiting.status == "offered"


def test_erasure_keeps_a_named_feedback_answers_ratings_but_not_its_free_text(person):
    from feedback.models import Invitation, NamedResponse

    response = NamedResponse.objects.get(user=person)
    questions = {q.kind: str(q.pk) for q in response.survey.questionnaire.questions.all()}
    account_erase(user=person)
    response.refresh_from_db()
    assert response.answers == {questions["rating"]: 5}  # counts in the results, without a name or words
    assert Invitation.objects.filter(user=person, answered_on__isnull=False).exists()  # response rate unchanged
