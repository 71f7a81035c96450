"""Specialist pages: enroll, My trainings, cancel, answer offers; refusals change nothing."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enrollment import selectors, services
from enrollment.models import Enrollment, EnrollmentEvent, EnrollmentStatus
from enrollment.tokens import offer_token
from outbox.models import Message
from tests import factories

S = EnrollmentStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(site_tree):
    course = factories.CoursePageFactory(ask_dietary_needs=True, ask_supervisor=True, title="Lapse heaolu hindamine")
    cohort = factories.CohortFactory(course=course, capacity=1, code="lhh-2026-tartu", title="Tartu")
    factories.SessionFactory(cohort=cohort, venue=factories.VenueFactory())
    return cohort


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def valid_answers(**extra):
    return {"dietary_needs": "taimetoit", "supervisor_name": "Kalle Kask", "supervisor_email": "kalle@example.ee",
            "agree": "on", **extra}


def test_course_page_lists_cohort_with_free_places_and_enroll_button(cohort, specialist):
    response = logged_in(specialist).get(cohort.course.url)
    html = response.content.decode()
    if "cohort" not in html:
        pytest.fail("course_page.html does not include courses/includes/cohorts_slot.html yet")
    assert reverse("enroll", args=[cohort.pk]) in html
    assert 'data-cohort="lhh-2026-tartu"' in html


def test_enroll_form_asks_the_course_questions_and_stores_answers(cohort, specialist,
                                                                    django_capture_on_commit_callbacks):
    client = logged_in(specialist)
    page = client.get(reverse("enroll", args=[cohort.pk])).content.decode()
    assert 'name="dietary_needs"' in page and 'name="supervisor_email"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enroll", args=[cohort.pk]), valid_answers())
    assert response.status_code == 302 and response.url == reverse("my_trainings")
    enrollment = Enrollment.objects.get(user=specialist, cohort=cohort)
    assert enrollment.status == S.CONFIRMED
    assert enrollment.answers == {"dietary_needs": "taimetoit", "supervisor_name": "Kalle Kask",
                                  "supervisor_email": "kalle@example.ee"}
    assert len(mail.outbox) == 1 and "Lapse heaolu hindamine" in mail.outbox[0].subject


def test_enroll_with_bad_supervisor_email_shows_error_and_saves_nothing(cohort, specialist):
    response = logged_in(specialist).post(reverse("enroll", args=[cohort.pk]),
                                          valid_answers(supervisor_email="not-an-address"))
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_a_double_click_on_enroll_shows_the_enrollment_not_an_error(cohort, specialist):
    client = logged_in(specialist)
    client.post(reverse("enroll", args=[cohort.pk]), valid_answers())
    response = client.post(reverse("enroll", args=[cohort.pk]), valid_answers(), follow=True)
    assert response.redirect_chain == [(reverse("my_trainings"), 302)]
    html = response.content.decode()
    assert "Olete sellesse koolitusrühma juba registreerunud." in html
    assert Enrollment.objects.filter(user=specialist).count() == 1


def test_the_enroll_page_of_an_enrolled_person_shows_the_enrollment_instead_of_the_form(cohort, specialist):
    services.enrollment_create(user=specialist, cohort=cohort)
    html = logged_in(specialist).get(reverse("enroll", args=[cohort.pk])).content.decode()
    assert '<form method="post" class="card"' not in html
    assert reverse("my_trainings") in html
    assert "Kinnitatud" in html  # the enrollment's status


def test_the_enroll_page_says_until_when_one_can_cancel(cohort, specialist):
    first = cohort.sessions.get().starts_at
    deadline = timezone.localtime(first - dt.timedelta(hours=cohort.cancellation_cutoff_hours))
    html = logged_in(specialist).get(reverse("enroll", args=[cohort.pk])).content.decode()
    assert "Registreerumise saate tühistada kuni" in html
    assert deadline.strftime("%H:%M") in html and f"{deadline.day}." in html


def test_one_active_enrollment_per_course_unless_the_course_allows_parallel_cohorts(site_tree, specialist):
    course = factories.CoursePageFactory()
    first, second = factories.CohortFactory(course=course), factories.CohortFactory(course=course)
    for c in (first, second):
        factories.SessionFactory(cohort=c)
    services.enrollment_create(user=specialist, cohort=first)
    response = logged_in(specialist).post(reverse("enroll", args=[second.pk]), valid_answers())
    assert response.status_code == 400
    assert "juba registreerunud selle koolituse teisele rühmale" in response.content.decode()
    assert not Enrollment.objects.filter(user=specialist, cohort=second).exists()

    course.one_cohort_at_a_time = False
    course.save()
    services.enrollment_create(user=specialist, cohort=second)
    assert Enrollment.objects.filter(user=specialist, cohort=second, status=S.CONFIRMED).exists()


def test_a_finished_or_cancelled_enrollment_does_not_block_another_cohort_of_the_course(site_tree, specialist):
    course = factories.CoursePageFactory()
    old, new = factories.CohortFactory(course=course), factories.CohortFactory(course=course)
    factories.SessionFactory(cohort=new)
    factories.EnrollmentFactory(user=specialist, cohort=old, status=S.NOT_COMPLETED)
    factories.EnrollmentFactory(user=specialist, cohort=old, status=S.CANCELLED)
    assert services.enrollment_create(user=specialist, cohort=new).status == S.CONFIRMED


def test_enroll_requires_login_and_keeps_the_address(cohort):
    response = Client().get(reverse("enroll", args=[cohort.pk]))
    assert response.status_code == 302 and "next=" in response.url


def test_enroll_post_without_csrf_token_is_refused(cohort, specialist):
    client = Client(enforce_csrf_checks=True)
    client.force_login(specialist)
    response = client.post(reverse("enroll", args=[cohort.pk]), valid_answers())
    assert response.status_code == 403
    assert not Enrollment.objects.exists()


def test_participant_cancels_from_my_trainings(cohort, specialist):
    client = logged_in(specialist)
    client.post(reverse("enroll", args=[cohort.pk]), valid_answers())
    enrollment = Enrollment.objects.get(user=specialist)
    assert client.get(reverse("enrollment_cancel", args=[enrollment.pk])).status_code == 200
    response = client.post(reverse("enrollment_cancel", args=[enrollment.pk]))
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == S.CANCELLED


def test_cancel_after_cut_off_shows_message_and_changes_nothing(site_tree, specialist):
    cohort = factories.CohortFactory(cancellation_cutoff_hours=72)
    factories.SessionFactory(cohort=cohort, starts_at=timezone.now() + dt.timedelta(hours=30))
    enrollment = services.enrollment_create(user=specialist, cohort=cohort, answers={})
    client = logged_in(specialist)
    response = client.post(reverse("enrollment_cancel", args=[enrollment.pk]), follow=True)
    enrollment.refresh_from_db()
    assert enrollment.status == S.CONFIRMED
    assert "message-error" in response.content.decode()


def test_acting_on_another_persons_enrollment_is_404_and_changes_nothing(cohort, specialist):
    owner = factories.UserFactory()
    enrollment = services.enrollment_create(user=owner, cohort=cohort, answers={})
    waiting = services.enrollment_create(user=factories.UserFactory(), cohort=cohort, answers={})
    services.enrollment_cancel(enrollment=enrollment, actor=owner)
    client = logged_in(specialist)
    assert client.post(reverse("enrollment_cancel", args=[waiting.pk])).status_code == 404
    assert client.post(reverse("enrollment_offer_respond", args=[waiting.pk, "accept"])).status_code == 404
    link = reverse("enrollment_offer_link", args=[offer_token(enrollment_id=waiting.pk, action="accept")])
    assert client.post(link).status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED


def offered(cohort):
    holder = services.enrollment_create(user=factories.UserFactory(), cohort=cohort, answers={})
    waiting = services.enrollment_create(user=factories.UserFactory(), cohort=cohort, answers={})
    services.enrollment_cancel(enrollment=holder, actor=holder.user)
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED
    return waiting


def test_offer_link_asks_to_log_in_then_accepts_on_post(cohort):
    waiting = offered(cohort)
    link = reverse("enrollment_offer_link", args=[offer_token(enrollment_id=waiting.pk, action="accept")])
    anonymous = Client().get(link)
    assert anonymous.status_code == 302 and "next=" in anonymous.url and "offer" in anonymous.url
    client = logged_in(waiting.user)
    assert client.get(link).status_code == 200
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED  # a GET (e.g. a mail scanner) changes nothing
    client.post(link)
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED


def test_offer_link_decline(cohort):
    waiting = offered(cohort)
    link = reverse("enrollment_offer_link", args=[offer_token(enrollment_id=waiting.pk, action="decline")])
    logged_in(waiting.user).post(link)
    waiting.refresh_from_db()
    assert waiting.status == S.DECLINED


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
    lambda token: token.replace(token.split(":")[0], "eyJlIjo5OTksImEiOiJhY2NlcHQifQ"),
    lambda token: "forged-token",
])
def test_tampered_offer_link_is_refused_with_a_clear_message(cohort, tamper):
    waiting = offered(cohort)
    token = tamper(offer_token(enrollment_id=waiting.pk, action="accept"))
    client = logged_in(waiting.user)
    for method in (client.get, client.post):
        response = method(reverse("enrollment_offer_link", args=[token]))
        assert response.status_code == 400
        assert "message-error" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED


def test_offer_accept_from_page_after_deadline_is_refused(cohort):
    waiting = offered(cohort)
    Enrollment.objects.filter(pk=waiting.pk).update(offer_expires_at=timezone.now() - dt.timedelta(minutes=5))
    response = logged_in(waiting.user).post(reverse("enrollment_offer_respond", args=[waiting.pk, "accept"]),
                                            follow=True)
    waiting.refresh_from_db()
    assert waiting.status == S.EXPIRED
    assert "message-error" in response.content.decode()
    assert EnrollmentEvent.objects.filter(enrollment=waiting, to_status=S.EXPIRED).exists()


def test_offer_respond_refuses_get(cohort):
    waiting = offered(cohort)
    response = logged_in(waiting.user).get(reverse("enrollment_offer_respond", args=[waiting.pk, "accept"]))
    assert response.status_code == 405


def test_enroll_page_shows_eligibility_reason_before_the_form(site_tree):
    cohort = factories.CohortFactory(eligible_professions=["police"])
    user = factories.UserFactory(profile__profession="teacher")
    html = logged_in(user).get(reverse("enroll", args=[cohort.pk])).content.decode()
    assert re.search(r"message-error", html)
    assert 'name="agree"' not in html


@pytest.mark.parametrize("rule", ["cohort counties", "course counties", "prerequisite"])
def test_every_eligibility_rule_is_applied_to_the_enroll_post(site_tree, rule):
    """The enroll view reads which rules a cohort has together with the cohort (selectors.cohort_get);
    each kind of rule must still refuse, with its reason, and save nothing."""
    course = factories.CoursePageFactory()
    cohort = factories.CohortFactory(course=course, capacity=5)
    factories.SessionFactory(cohort=cohort)
    if rule == "cohort counties":
        cohort.eligible_counties.set([factories.county("Põlva maakond")])
    elif rule == "course counties":
        course.eligible_counties.set([factories.county("Valga maakond")])
        course.save()
    else:
        cohort.prerequisite_courses.set([factories.CoursePageFactory(title="Lastekaitse alused")])
    loaded = selectors.cohort_get(pk=cohort.pk)
    assert (loaded.has_county_rule, loaded.course_has_county_rule, loaded.has_prerequisites) == (
        rule == "cohort counties", rule == "course counties", rule == "prerequisite")
    user = factories.UserFactory(profile__municipality="Tartu linn")

    response = logged_in(user).post(reverse("enroll", args=[cohort.pk]), {"agree": "on"})

    assert response.status_code == 400
    reason = {"cohort counties": "Põlva maakonna", "course counties": "Valga maakonna",
              "prerequisite": "Lastekaitse alused"}[rule]
    assert reason in response.content.decode()
    assert not Enrollment.objects.filter(cohort=cohort).exists()


def test_the_enroll_post_runs_a_fixed_small_number_of_queries(site_tree, django_assert_max_num_queries, is_postgres):
    """Session, user, the cohort with its rule flags (on PostgreSQL only the first time: then remembered), then in
    the transaction two round trips on PostgreSQL: the person's and the cohort's locks with the counts, the new
    keys and the sign-up row's digest, then the enrollment, its history and its e-mail's row in the message log in
    one statement (the outbox), sent with the end of the transaction: the same for the first and the hundredth
    person, confirmed or wait-listed."""
    cohort = factories.CohortFactory(capacity=1)
    factories.SessionFactory(cohort=cohort)
    counts = []
    for _ in range(3):
        client = logged_in(factories.UserFactory())
        with django_assert_max_num_queries(13) as captured:
            response = client.post(reverse("enroll", args=[cohort.pk]), {"agree": "on"})
        assert response.status_code == 302
        counts.append(len(captured.captured_queries))
        logged = [query["sql"] for query in captured.captured_queries]
        # The service's transaction (a savepoint inside the test's own transaction).
        begin = next(n for n, sql in enumerate(logged) if sql.startswith(("BEGIN", "SAVEPOINT")))
        # The INSERT deferred to the end of the transaction travels with it (oskus/postgresql/transactions.py).
        end = next(n for n, sql in enumerate(logged) if sql.endswith("COMMIT") or "RELEASE SAVEPOINT" in sql)
        in_transaction = logged[begin + 1:end]
        if is_postgres:
            assert len(in_transaction) == 2, in_transaction
            assert in_transaction[0].startswith("EXECUTE oskus_user_lock(") and "; EXECUTE oskus_cohort_key_lock(" \
                in in_transaction[0] and "; EXECUTE oskus_cohort_counted_person(" in in_transaction[0]
            assert in_transaction[1].startswith("EXECUTE oskus_insert_all_") and "-- deferred" in in_transaction[1]
            assert logged[end].startswith("EXECUTE oskus_insert_all_")
            # From the second POST on, the sign-up row is the one this process remembers: checked in the lock.
            assert any("oskus_enrollment_signup" in sql for sql in logged) == (len(counts) == 1)
    assert counts[1] == counts[2], counts  # wait-listed like the second person: no growth
    assert list(Enrollment.objects.filter(cohort=cohort).values_list("status", flat=True).order_by("id")) == [
        S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    assert list(EnrollmentEvent.objects.filter(enrollment__cohort=cohort).values_list("to_status", flat=True)
                .order_by("id")) == [S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    assert sorted(Message.objects.filter(cohort_id=cohort.pk).values_list("kind", flat=True)) == [
        "confirmation", "waitlisted", "waitlisted"]


def test_session_dates_follow_the_language_and_show_venue_online_and_cancelled(site_tree, specialist):
    cohort = factories.CohortFactory(capacity=5)
    venue = factories.VenueFactory(name="Võru Kultuurimaja", address="Liiva 13, Võru")
    factories.SessionFactory(cohort=cohort, venue=venue, title="Sissejuhatus",
                             starts_at=timezone.make_aware(dt.datetime(2027, 2, 1, 10)),
                             ends_at=timezone.make_aware(dt.datetime(2027, 2, 1, 13, 30)))
    factories.SessionFactory(cohort=cohort, online_url="https://meet.example.ee/x",
                             starts_at=timezone.make_aware(dt.datetime(2027, 2, 8, 10)),
                             ends_at=timezone.make_aware(dt.datetime(2027, 2, 8, 12)))
    factories.SessionFactory(cohort=cohort, status="cancelled",
                             starts_at=timezone.make_aware(dt.datetime(2027, 2, 15, 10)),
                             ends_at=timezone.make_aware(dt.datetime(2027, 2, 15, 12)))
    client = logged_in(specialist)
    enroll_page = client.get(reverse("enroll", args=[cohort.pk])).content.decode()
    services.enrollment_create(user=specialist, cohort=cohort, answers={})

    estonian = client.get(reverse("my_trainings")).content.decode()
    english = client.get("/en" + reverse("my_trainings")).content.decode()

    assert "1. veebruar 2027, 10:00</time>–<time" in estonian and "13:30</time>" in estonian
    assert "1. February 2027, 10:00</time>" in english
    assert 'datetime="2027-02-01T10:00:00+02:00"' in estonian  # Europe/Tallinn
    assert " · Sissejuhatus" in estonian
    assert "Võru Kultuurimaja, Liiva 13, Võru" in estonian
    assert '<br><span class="muted">Veebis</span>' in estonian
    assert '<br><span class="muted">Online</span>' in english
    assert "15. veebruar 2027" in enroll_page and '<span class="badge badge-bad">Tühistatud</span>' in enroll_page
    assert "15. veebruar 2027" not in estonian  # My trainings leaves cancelled sessions out
