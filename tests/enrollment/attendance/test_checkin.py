"""Self check-in: the rotating code, its window, its refusals, and the trainer's feed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from enrollment.attendance.exceptions import (
    AlreadyCheckedIn,
    CheckInClosed,
    CodeExpired,
    NotAllowed,
    NotEnrolled,
    WrongCode,
)
from enrollment.attendance.models import Attendance, CheckInCode
from enrollment.attendance.services import Mark, attendance_mark, checkin_code_current, checkin_submit
from tests import factories

pytestmark = pytest.mark.django_db


def test_participant_checks_in_with_the_current_code(session, participants, trainer):
    code = checkin_code_current(session=session, actor=trainer)
    attendance = checkin_submit(user=participants[0].user, code=code.code)
    assert (attendance.status, attendance.source, attendance.marked_by) == ("present", "checkin", participants[0].user)
    assert attendance.events.get().to_status == "present"


def test_code_rotates_but_the_previous_one_still_works_briefly(session, participants, trainer, settings):
    settings.ATTENDANCE_CHECKIN_ROTATE_SECONDS = 60
    now = timezone.now()
    first = checkin_code_current(session=session, actor=trainer, now=now)
    assert checkin_code_current(session=session, actor=trainer, now=now + dt.timedelta(seconds=30)) == first
    second = checkin_code_current(session=session, actor=trainer, now=now + dt.timedelta(seconds=61))
    assert second.pk != first.pk
    checkin_submit(user=participants[0].user, code=first.code, now=now + dt.timedelta(seconds=90))
    assert Attendance.objects.count() == 1


def test_expired_code_is_refused(session, participants, trainer):
    now = timezone.now()
    code = checkin_code_current(session=session, actor=trainer, now=now)
    with pytest.raises(CodeExpired):
        checkin_submit(user=participants[0].user, code=code.code, now=now + dt.timedelta(minutes=5))
    assert not Attendance.objects.exists()


def test_check_in_outside_the_session_window_is_refused(session, participants, trainer):
    code = checkin_code_current(session=session, actor=trainer)
    with pytest.raises(CheckInClosed):
        checkin_submit(user=participants[0].user, code=code.code, now=session.ends_at + dt.timedelta(minutes=1))
    assert not Attendance.objects.exists()


def test_trainer_cannot_show_a_code_before_the_window_opens(cohort, participants, trainer):
    future = factories.SessionFactory(cohort=cohort)
    with pytest.raises(CheckInClosed):
        checkin_code_current(session=future, actor=trainer)
    opens = future.starts_at - dt.timedelta(minutes=30)
    assert checkin_code_current(session=future, actor=trainer, now=opens).session == future
    assert not CheckInCode.objects.filter(created_at__lt=opens).exists()


def test_wrong_code_is_refused(session, participants, trainer):
    code = checkin_code_current(session=session, actor=trainer)
    wrong = f"{(int(code.code) + 1) % 10**6:06d}"
    for attempt in (wrong, "", "abc"):
        with pytest.raises(WrongCode):
            checkin_submit(user=participants[0].user, code=attempt)
    assert not Attendance.objects.exists()


def test_used_code_is_refused_the_second_time(session, participants, trainer):
    code = checkin_code_current(session=session, actor=trainer)
    checkin_submit(user=participants[0].user, code=code.code)
    with pytest.raises(AlreadyCheckedIn):
        checkin_submit(user=participants[0].user, code=code.code)
    assert Attendance.objects.get().version == 1


def test_person_without_a_place_in_the_cohort_is_refused(session, trainer, specialist):
    code = checkin_code_current(session=session, actor=trainer)
    with pytest.raises(NotEnrolled):
        checkin_submit(user=specialist, code=code.code)
    assert not Attendance.objects.exists()


def test_check_in_replaces_an_absent_mark(session, participants, trainer):
    attendance_mark(session=session, actor=trainer, marks=[Mark(enrollment_id=participants[0].pk, status="absent")])
    code = checkin_code_current(session=session, actor=trainer)
    row = checkin_submit(user=participants[0].user, code=code.code)
    assert (row.status, row.version) == ("present", 2)


def test_only_a_trainer_of_the_cohort_can_show_the_code(session, participants):
    with pytest.raises(NotAllowed):
        checkin_code_current(session=session, actor=participants[0].user)
    assert not CheckInCode.objects.exists()


def test_trainer_feed_shows_check_ins_as_they_arrive(client, session, participants, trainer):
    client.force_login(trainer)
    feed = reverse("attendance_checkin_feed", args=[session.pk])
    first = client.get(feed).json()
    assert first["count"] == 0 and first["qr_svg"].startswith("<svg")
    assert f"s={session.pk}&code={first['code']}" in first["url"]
    checkin_submit(user=participants[1].user, code=first["code"])
    second = client.get(feed).json()
    assert second["count"] == 1 and second["checkins"][0]["name"] == "Berit Birk"
    page = client.get(reverse("attendance_checkin_display", args=[session.pk]))
    assert page.status_code == 200 and first["code"].encode() in page.content


def test_check_in_page_from_the_qr_link(client, session, participants, trainer):
    code = checkin_code_current(session=session, actor=trainer)
    url = reverse("attendance_checkin") + f"?s={session.pk}&code={code.code}"
    assert client.get(url).status_code == 302  # log in first
    client.force_login(participants[2].user)
    page = client.get(url)
    assert page.status_code == 200 and code.code.encode() in page.content
    with translation.override("en"):
        response = client.post(reverse("attendance_checkin"), {"code": code.code, "s": session.pk}, follow=True)
        assert b"You are checked in" in response.content
        again = client.post(reverse("attendance_checkin"), {"code": code.code, "s": session.pk})
        assert again.status_code == 400 and b"already checked in" in again.content
        wrong = client.post(reverse("attendance_checkin"), {"code": "000000x", "s": session.pk})
        assert wrong.status_code == 400
    assert Attendance.objects.filter(enrollment=participants[2]).count() == 1


def test_the_check_in_screen_gives_the_full_address_to_type(client, session, trainer, settings):
    settings.SITE_URL = "https://oskus.example.ee"
    client.force_login(trainer)
    html = client.get(reverse("attendance_checkin_display", args=[session.pk])).content.decode()
    assert "https://oskus.example.ee/check-in/" in html
    assert "<svg" in html  # and the QR code beside it
