"""Trainer pages, roster, sign-in sheet, exports, closing a cohort and the hours ledger, over HTTP."""

import io
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from enrollment.attendance.models import Attendance
from enrollment.attendance.services import Mark, attendance_mark
from tests import factories
from tests.enrollment.attendance.conftest import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def roster_url(session):
    return reverse("attendance_roster", args=[session.pk])


def test_anonymous_visitor_is_sent_to_log_in(client, session):
    response = client.get(roster_url(session))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_specialist_opening_a_roster_is_refused(client, session, participants):
    client.force_login(participants[0].user)
    assert client.get(roster_url(session)).status_code == 403
    assert client.post(roster_url(session), {"action": "all_present"}).status_code == 403
    assert not Attendance.objects.exists()


def test_specialist_has_no_trainer_dashboard(client, specialist):
    client.force_login(specialist)
    assert client.get(reverse("trainer_dashboard")).status_code == 403


def test_trainer_of_another_cohort_cannot_open_or_post_the_roster(client, session, participants, course):
    other = factories.UserFactory(groups=["Trainers"])
    factories.CohortFactory(course=course, trainers=[other])
    client.force_login(other)
    assert client.get(roster_url(session)).status_code == 403
    pk = participants[0].pk
    response = client.post(roster_url(session), {f"status_{pk}": "present", f"version_{pk}": "0"})
    assert response.status_code == 403
    assert not Attendance.objects.exists()
    for name in ("attendance_signin_sheet", "attendance_checkin_display", "attendance_checkin_feed"):
        assert client.get(reverse(name, args=[session.pk])).status_code == 403
    assert client.get(reverse("attendance_export", args=[session.cohort_id, "csv"])).status_code == 403


def test_dashboard_lists_todays_sessions_of_my_cohorts_only(client, trainer, session, course):
    foreign = factories.CohortFactory(course=course, code="someone-elses")
    make_session(foreign)
    client.force_login(trainer)
    response = client.get(reverse("trainer_dashboard"))
    assert response.status_code == 200
    assert response.context["today_sessions"] == [session]
    assert roster_url(session).encode() in response.content


def test_roster_mark_all_present_then_an_exception(client, trainer, session, participants):
    client.force_login(trainer)
    response = client.post(roster_url(session), {"action": "all_present"})
    assert response.status_code == 302
    assert set(Attendance.objects.values_list("status", flat=True)) == {"present"}
    rows = {row.enrollment.pk: row for row in client.get(roster_url(session)).context["rows"]}
    anne = participants[0].pk
    data = {}
    for pk, row in rows.items():
        data.update({f"status_{pk}": "present", f"version_{pk}": row.version, f"orig_{pk}": "present:0"})
    data[f"status_{anne}"] = "absent"
    response = client.post(roster_url(session), data, follow=True)
    assert b"1 marks changed" in response.content
    assert dict(Attendance.objects.values_list("enrollment_id", "status"))[anne] == "absent"


def test_roster_stale_form_save_is_refused_with_a_message(client, trainer, session, participants, coordinator):
    anne = participants[0].pk
    client.force_login(trainer)
    client.get(roster_url(session))  # the trainer's form shows Anne unmarked, version 0
    attendance_mark(session=session, actor=coordinator, marks=[Mark(enrollment_id=anne, status="excused")])
    response = client.post(roster_url(session), {f"status_{anne}": "absent", f"version_{anne}": "0",
                                                 f"orig_{anne}": ""}, follow=True)
    assert "Someone else changed the marks of Anne Aas" in response.content.decode()
    assert Attendance.objects.get(enrollment_id=anne).status == "excused"


def test_roster_bad_input_shows_an_error_and_saves_nothing(client, trainer, session, participants):
    pk = participants[0].pk
    client.force_login(trainer)
    response = client.post(roster_url(session), {f"status_{pk}": "late", f"minutes_{pk}": "abc",
                                                 f"version_{pk}": "0"})
    assert response.status_code == 400 and b"whole number" in response.content
    response = client.post(roster_url(session), {f"status_{pk}": "late", f"minutes_{pk}": "",
                                                 f"version_{pk}": "0"})
    assert response.status_code == 400 and b"minutes missed" in response.content
    assert not Attendance.objects.exists()


def test_trainer_after_the_lock_cannot_save_the_roster(client, trainer, cohort, participants):
    old = make_session(cohort, days_ago=10)
    pk = participants[0].pk
    client.force_login(trainer)
    response = client.post(roster_url(old), {f"status_{pk}": "present", f"version_{pk}": "0"})
    assert response.status_code == 400 and b"locked" in response.content
    assert not Attendance.objects.exists()


def _roster_get_queries(client, trainer, cohort, count, django_assert_max_num_queries):
    session = make_session(cohort)
    enrollments = [factories.EnrollmentFactory(cohort=cohort) for _ in range(count)]
    attendance_mark(session=session, actor=trainer, marks=[Mark(enrollment_id=e.pk, status="present")
                                                           for e in enrollments[: count // 2]])
    client.force_login(trainer)
    client.get(reverse("trainer_dashboard"))  # warm the per-process caches (the header's site lookup)
    with django_assert_max_num_queries(12) as captured:
        response = client.get(roster_url(session))
    assert response.status_code == 200 and len(response.context["rows"]) == count
    return len(captured.captured_queries)


def test_roster_runs_the_same_number_of_queries_for_10_and_300_participants(client, trainer, course,
                                                                            django_assert_max_num_queries):
    small = factories.CohortFactory(course=course, trainers=[trainer], capacity=300)
    large = factories.CohortFactory(course=course, trainers=[trainer], capacity=300)
    ten = _roster_get_queries(client, trainer, small, 10, django_assert_max_num_queries)
    three_hundred = _roster_get_queries(client, trainer, large, 300, django_assert_max_num_queries)
    assert ten == three_hundred


def test_signin_sheet_is_an_a4_pdf_with_names_and_organisations(client, trainer, session, participants):
    client.force_login(trainer)
    response = client.get(reverse("attendance_signin_sheet", args=[session.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    text = text.decode()
    assert "Anne Aas" in text and "Carl Kuusk" in text and "Tartu Linnavalitsus" in text and "Signature" in text
    info = subprocess.run(["pdfinfo", "-"], input=response.content, capture_output=True, check=True).stdout.decode()
    assert "(A4)" in info


def test_cohort_export_csv_and_xlsx(client, trainer, session, participants):
    attendance_mark(session=session, actor=trainer, marks=[
        Mark(enrollment_id=participants[0].pk, status="late", minutes_missed=20)])
    client.force_login(trainer)
    csv_response = client.get(reverse("attendance_export", args=[session.cohort_id, "csv"]))
    assert csv_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig")
    assert "Anne Aas" in text and "Late (20 min)" in text
    xlsx = client.get(reverse("attendance_export", args=[session.cohort_id, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Name" and len(rows) == 4
    assert client.get(reverse("attendance_export", args=[session.cohort_id, "pdf"])).status_code == 404


def test_only_coordinators_may_close_a_cohort(client, trainer, coordinator, cohort, participants):
    make_session(cohort, days_ago=2)
    url = reverse("attendance_cohort_close", args=[cohort.pk])
    client.force_login(trainer)
    assert client.post(url, {"confirm": "on"}).status_code == 403
    cohort.refresh_from_db()
    assert cohort.status == "running"
    client.force_login(coordinator)
    assert client.get(url).status_code == 200
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert b"The cohort is closed: 0 completed, 3 did not complete." in response.content
    cohort.refresh_from_db()
    assert cohort.status == "finished"


def test_hours_ledger_page_shows_hours_of_total(client, coordinator, session, participants):
    attendance_mark(session=session, actor=coordinator, marks=[Mark(enrollment_id=participants[0].pk,
                                                                   status="present")])
    client.force_login(participants[0].user)
    response = client.get(reverse("attendance_progress"))
    assert "8 of 16 h attended" in response.content.decode()


def test_trainer_adds_a_make_up_guest_from_another_cohort_of_the_course(client, trainer, session, course):
    guest_cohort = factories.CohortFactory(course=course, status="running")
    missed = make_session(guest_cohort, days_ago=3, mandatory=True)
    guest = factories.EnrollmentFactory(cohort=guest_cohort, user=factories.UserFactory(email="guest@example.ee"))
    stranger = factories.UserFactory(email="stranger@example.ee")
    client.force_login(trainer)
    refused = client.post(roster_url(session), {"action": "add_makeup", "email": stranger.email})
    assert refused.status_code == 400 and not Attendance.objects.exists()
    client.post(roster_url(session), {"action": "add_makeup", "email": "GUEST@example.ee"})
    row = Attendance.objects.get()
    assert (row.enrollment, row.session, row.makeup_for, row.status) == (guest, session, missed, "present")
    rows = client.get(roster_url(session)).context["rows"]
    assert [r.is_makeup for r in rows if r.enrollment == guest] == [True]


def test_my_trainings_shows_the_hours_attended_so_far_with_constant_queries(client, django_assert_max_num_queries):
    """While a cohort runs, a participant sees their progress on My trainings; more courses add no queries."""
    import datetime as _dt
    from decimal import Decimal as _D

    from django.urls import reverse as _reverse
    from django.utils import timezone as _tz

    from tests import factories as _f

    user = _f.UserFactory()
    client.force_login(user)

    def running_course():
        course = _f.CoursePageFactory(academic_hours=_D("16"))
        cohort = _f.CohortFactory(course=course, status="running")
        start = _tz.now() - _dt.timedelta(days=2)
        past = _f.SessionFactory(cohort=cohort, starts_at=start, ends_at=start + _dt.timedelta(minutes=8 * 45))
        _f.SessionFactory(cohort=cohort, starts_at=_tz.now() + _dt.timedelta(days=5),
                          ends_at=_tz.now() + _dt.timedelta(days=5, minutes=8 * 45))
        enrollment = _f.EnrollmentFactory(user=user, cohort=cohort, status="confirmed")
        _f.AttendanceFactory(enrollment=enrollment, session=past, status="present")

    running_course()
    client.get(_reverse("my_trainings"))  # warm the site lookup of the navigation
    with django_assert_max_num_queries(14) as one:
        response = client.get(_reverse("my_trainings"))
    assert "8 of 16 h attended" in response.content.decode() or "8 / 16" in response.content.decode() \
        or "8 h 16" in response.content.decode() or "8 of 16" in response.content.decode()
    for _ in range(3):
        running_course()
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(_reverse("my_trainings"))
    assert response.content.decode().count("att-progress-text") == 4


def test_a_mandatory_session_still_to_come_is_not_reported_as_missed(client):
    """Progress while a cohort runs: only mandatory sessions already held can be "not attended"."""
    import datetime as _dt

    from django.urls import reverse as _reverse
    from django.utils import timezone as _tz

    from tests import factories as _f

    user = _f.UserFactory()
    cohort = _f.CohortFactory(status="running")
    held = _tz.now() - _dt.timedelta(days=1)
    coming = _tz.now() + _dt.timedelta(days=7)
    _f.SessionFactory(cohort=cohort, starts_at=held, ends_at=held + _dt.timedelta(hours=3), mandatory=True)
    _f.SessionFactory(cohort=cohort, starts_at=coming, ends_at=coming + _dt.timedelta(hours=3), mandatory=True)
    _f.EnrollmentFactory(user=user, cohort=cohort, status="confirmed")
    client.force_login(user)
    from django.utils import translation as _translation

    with _translation.override("en"):
        html = client.get(_reverse("my_trainings")).content.decode()
    assert "1 mandatory session not attended" in html
    assert "2 mandatory sessions not attended" not in html


def test_my_hours_shows_the_total_over_every_training(client, coordinator, session, participants):
    person = participants[0]
    other_cohort = factories.CohortFactory(course=factories.CoursePageFactory(academic_hours=Decimal("8")),
                                           status="running")
    other_session = make_session(other_cohort, hours=4.5)  # 6 academic hours
    other = factories.EnrollmentFactory(cohort=other_cohort, user=person.user)
    attendance_mark(session=session, actor=coordinator, marks=[Mark(enrollment_id=person.pk, status="present")])
    attendance_mark(session=other_session, actor=coordinator, marks=[Mark(enrollment_id=other.pk, status="present")])
    client.force_login(person.user)
    response = client.get(reverse("attendance_progress"))
    assert response.context["total_attended"] == Decimal("14")
    assert 'data-total="14"' in response.content.decode()
