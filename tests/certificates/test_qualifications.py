"""Trainer qualifications: granted on completion, required for assignment, renewed by teaching, reminders."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from certificates import services
from certificates.exceptions import TrainerNotQualified
from certificates.models import QualificationEvent, TrainerQualification
from enrollment.signals import cohort_trainers_validate
from outbox.models import Message
from tests import factories
from tests.certificates.conftest import finish, finished_cohort, graduate

pytestmark = pytest.mark.django_db


@pytest.fixture
def safety_courses(site_tree):
    """The seed pattern: the trainer course qualifies for the base course; both need base-course trainers."""
    base = factories.CoursePageFactory(title="Maakondliku turvavõrgustiku koolitus", requires_qualified_trainers=True)
    trainer_course = factories.CoursePageFactory(title="Turvavõrgustiku koolitajate koolitus", qualifies_for=base,
                                                 requires_qualified_trainers=True, trainer_qualification_course=base,
                                                 qualification_validity_months=36)
    return base, trainer_course


def qualify(user, course, *, valid_until, granted_at=None, **kwargs):
    return factories.TrainerQualificationFactory(
        user=user, course=course, valid_until=valid_until,
        granted_at=granted_at or min(valid_until, timezone.localdate()) - dt.timedelta(days=400), **kwargs)


def test_completing_a_qualifying_course_grants_a_qualification_with_its_lineage(safety_courses):
    base, trainer_course = safety_courses
    founder = factories.UserFactory(full_name="Anne Algaja")
    qualify(founder, base, valid_until=timezone.localdate() + dt.timedelta(days=900))
    cohort = finished_cohort(course=trainer_course, trainers=[founder])
    graduate_user = factories.UserFactory(full_name="Peeter Pärn")

    graduate(user=graduate_user, cohort=cohort)

    qualification = TrainerQualification.objects.get(user=graduate_user)
    assert qualification.course == base
    assert qualification.source_cohort == cohort
    assert list(qualification.source_trainers.all()) == [founder]
    assert qualification.valid_until == services.add_months(qualification.granted_at, 36)
    assert qualification.status == "valid"
    assert qualification.certificate.enrollment.user == graduate_user


def test_a_graduate_of_the_trainer_course_may_teach_both_courses(safety_courses):
    base, trainer_course = safety_courses
    trainer = factories.UserFactory()
    qualify(trainer, base, valid_until=timezone.localdate() + dt.timedelta(days=500))

    services.qualification_check_trainers(course=base, trainers=[trainer])
    services.qualification_check_trainers(course=trainer_course, trainers=[trainer])


def test_an_unqualified_trainer_is_refused_with_their_name(safety_courses):
    base, _trainer_course = safety_courses
    newcomer = factories.UserFactory(full_name="Uno Uustulnuk")

    with pytest.raises(TrainerNotQualified) as error:
        services.qualification_check_trainers(course=base, trainers=[newcomer])

    assert "Uno Uustulnuk" in str(error.value)


def test_an_expired_qualification_blocks_assignment(safety_courses):
    base, _trainer_course = safety_courses
    trainer = factories.UserFactory(full_name="Eve Endine")
    qualification = qualify(trainer, base, valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert qualification.status == "expired"

    with pytest.raises(TrainerNotQualified):
        services.qualification_check_trainers(course=base, trainers=[trainer])


def test_a_suspended_qualification_blocks_assignment(safety_courses, coordinator):
    base, _trainer_course = safety_courses
    trainer = factories.UserFactory()
    qualification = qualify(trainer, base, valid_until=timezone.localdate() + dt.timedelta(days=500))
    services.qualification_suspend(qualification=qualification, reason="Kaebus menetluses", actor=coordinator)

    with pytest.raises(TrainerNotQualified):
        services.qualification_check_trainers(course=base, trainers=[trainer])

    services.qualification_reinstate(qualification=qualification, actor=coordinator)
    services.qualification_check_trainers(course=base, trainers=[trainer])


def test_courses_without_the_requirement_accept_any_trainer(site_tree):
    course = factories.CoursePageFactory(requires_qualified_trainers=False)

    services.qualification_check_trainers(course=course, trainers=[factories.UserFactory()])


def test_the_cohort_form_signal_turns_the_refusal_into_a_validation_error_on_trainers(safety_courses):
    base, _trainer_course = safety_courses
    cohort = factories.CohortFactory(course=base)
    unqualified = factories.UserFactory(full_name="Uno Uustulnuk")

    with pytest.raises(ValidationError) as error:
        cohort_trainers_validate.send(sender=type(cohort), cohort=cohort, course=base, trainers=[unqualified])

    assert "Uno Uustulnuk" in " ".join(error.value.message_dict["trainers"])
    assert cohort.trainers.count() == 0


def test_renewal_by_delivering_a_cohort_extends_the_qualification(safety_courses):
    base, _trainer_course = safety_courses
    trainer = factories.UserFactory()
    today = timezone.localdate()
    qualification = qualify(trainer, base, valid_until=today + dt.timedelta(days=20))
    assert qualification.status == "expiring"
    cohort = finished_cohort(course=base, trainers=[trainer], days_ago=1)

    finish(cohort)
    finish(cohort)  # a second close does not count twice

    qualification.refresh_from_db()
    last_day = timezone.localtime(cohort.sessions.get().ends_at).date()
    assert qualification.valid_until == services.add_months(last_day, 36)
    assert qualification.status == "valid"
    assert qualification.events.filter(kind=QualificationEvent.Kind.RENEWED_BY_TEACHING, cohort=cohort).count() == 1


def test_delivering_the_trainer_course_renews_the_base_course_qualification(safety_courses):
    base, trainer_course = safety_courses
    trainer = factories.UserFactory()
    qualification = qualify(trainer, base, valid_until=timezone.localdate() + dt.timedelta(days=60))

    finish(finished_cohort(course=trainer_course, trainers=[trainer], days_ago=2))

    qualification.refresh_from_db()
    assert qualification.valid_until > timezone.localdate() + dt.timedelta(days=1000)


def test_teaching_does_not_revive_an_expired_qualification(safety_courses):
    base, _trainer_course = safety_courses
    trainer = factories.UserFactory()
    qualification = qualify(trainer, base, valid_until=timezone.localdate() - dt.timedelta(days=30))

    finish(finished_cohort(course=base, trainers=[trainer], days_ago=1))

    qualification.refresh_from_db()
    assert qualification.status == "expired"


def test_completing_the_course_again_as_a_refresher_extends_validity(safety_courses):
    base, trainer_course = safety_courses
    trainer = factories.UserFactory()
    first = qualify(trainer, base, valid_until=timezone.localdate() + dt.timedelta(days=45))

    graduate(user=trainer, cohort=finished_cohort(course=trainer_course, days_ago=3))

    first.refresh_from_db()
    assert first.valid_until > timezone.localdate() + dt.timedelta(days=1000)
    assert first.events.filter(kind=QualificationEvent.Kind.RENEWED_BY_REFRESHER).count() == 1
    assert TrainerQualification.objects.filter(user=trainer).count() == 1


def test_reminders_go_out_90_and_30_days_before_expiry_once_each(safety_courses, django_capture_on_commit_callbacks):
    base, _trainer_course = safety_courses
    trainer = factories.UserFactory(email="koolitaja@example.ee")
    today = timezone.localdate()
    qualify(trainer, base, valid_until=today + dt.timedelta(days=85))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.qualification_reminders_send(today=today) == 1
        assert services.qualification_reminders_send(today=today) == 0
    assert [m.to for m in mail.outbox] == [["koolitaja@example.ee"]]

    with django_capture_on_commit_callbacks(execute=True):
        assert services.qualification_reminders_send(today=today + dt.timedelta(days=56)) == 1
        assert services.qualification_reminders_send(today=today + dt.timedelta(days=57)) == 0
    assert len(mail.outbox) == 2
    assert base.title in mail.outbox[1].subject


def test_no_reminder_for_a_qualification_far_from_expiry(safety_courses):
    base, _trainer_course = safety_courses
    qualify(factories.UserFactory(), base, valid_until=timezone.localdate() + dt.timedelta(days=400))

    assert services.qualification_reminders_send() == 0


class RefusingMailBackend(BaseEmailBackend):
    """The mail server is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def test_a_reminder_is_recorded_with_its_sent_mark_in_one_transaction(safety_courses):
    base, _trainer_course = safety_courses
    trainer = factories.UserFactory(email="koolitaja@example.ee")
    qualification = qualify(trainer, base, valid_until=timezone.localdate() + dt.timedelta(days=85))
    with transaction.atomic():
        assert services.qualification_reminders_send() == 1
        message = Message.objects.get(kind="qualification_reminder")  # inside the transaction: the outbox row
        qualification.refresh_from_db()
        assert qualification.reminder_90_sent_at is not None
    assert message.recipient_id == trainer.pk


def test_a_mail_outage_neither_crashes_the_sweep_nor_loses_the_reminder(safety_courses, settings,
                                                                         django_capture_on_commit_callbacks):
    base, _trainer_course = safety_courses
    qualify(factories.UserFactory(), base, valid_until=timezone.localdate() + dt.timedelta(days=20))
    settings.EMAIL_BACKEND = "tests.certificates.test_qualifications.RefusingMailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.qualification_reminders_send() == 1  # no exception: the sweep goes on
    message = Message.objects.get(kind="qualification_reminder")
    assert message.state == Message.State.RETRYING and message.attempts == 1
