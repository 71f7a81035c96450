"""Self check-in cannot be guessed (issue 13, 5): wrong codes are limited per person and per session, with a
clear translated 429; a damaged hidden field answers with a message, not a bare 400."""

import pytest
from django.urls import reverse
from django.utils.functional import Promise

from enrollment.attendance.exceptions import CheckInThrottled, WrongCode
from enrollment.attendance.models import Attendance
from enrollment.attendance.services import checkin_code_current, checkin_submit
from tests import factories
from tests.enrollment.attendance.conftest import course, make_session  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(course, trainer):  # noqa: F811
    return factories.CohortFactory(course=course, trainers=[trainer], status="running")


@pytest.fixture
def session(cohort):
    return make_session(cohort)


@pytest.fixture
def enrollments(cohort):
    return [factories.EnrollmentFactory(cohort=cohort) for _ in range(4)]


@pytest.fixture
def limits(settings):
    settings.ATTENDANCE_CHECKIN_MAX_FAILURES = 5
    settings.ATTENDANCE_CHECKIN_SESSION_MAX_FAILURES = 12
    settings.ATTENDANCE_CHECKIN_FAILURE_WINDOW_SECONDS = 600


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_guessing_is_stopped_per_person_even_the_right_code_then(session, enrollments, trainer, limits):
    code = checkin_code_current(session=session, actor=trainer).code
    person = enrollments[0].user
    for _ in range(5):
        with pytest.raises(WrongCode):
            checkin_submit(user=person, code=_wrong(code))
    with pytest.raises(CheckInThrottled):
        checkin_submit(user=person, code=code)
    assert not Attendance.objects.filter(enrollment=enrollments[0]).exists()
    # Others in the room are not affected by one person's guesses.
    assert checkin_submit(user=enrollments[1].user, code=code).status == "present"


def test_guessing_is_stopped_per_session_across_people(session, enrollments, trainer, limits):
    code = checkin_code_current(session=session, actor=trainer).code
    for enrollment in enrollments[:3]:
        for _ in range(4):
            with pytest.raises(WrongCode):
                checkin_submit(user=enrollment.user, code=_wrong(code))
    with pytest.raises(CheckInThrottled):
        checkin_submit(user=enrollments[3].user, code=code)


def test_guesses_naming_the_session_count_for_it(session, enrollments, trainer, limits, settings):
    settings.ATTENDANCE_CHECKIN_SESSION_MAX_FAILURES = 3
    code = checkin_code_current(session=session, actor=trainer).code
    for enrollment in enrollments[:3]:
        with pytest.raises(WrongCode):
            checkin_submit(user=enrollment.user, code=_wrong(code), session_id=session.pk)
    with pytest.raises(CheckInThrottled):
        checkin_submit(user=enrollments[3].user, code=code, session_id=session.pk)


def test_the_page_answers_429_with_a_clear_translated_message(client, session, enrollments, trainer, limits):
    code = checkin_code_current(session=session, actor=trainer).code
    client.force_login(enrollments[0].user)
    url = "/en" + reverse("attendance_checkin")
    for _ in range(5):
        assert client.post(url, {"code": _wrong(code)}).status_code == 400
    response = client.post(url, {"code": code})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    assert isinstance(CheckInThrottled.default_message, Promise)  # translated through the catalogues
    assert not Attendance.objects.filter(enrollment=enrollments[0]).exists()


def test_a_damaged_hidden_field_gets_a_clear_message(client, session, enrollments, trainer):
    code = checkin_code_current(session=session, actor=trainer).code
    client.force_login(enrollments[0].user)
    response = client.post("/en" + reverse("attendance_checkin"), {"code": code, "s": "abc"})
    assert response.status_code == 400
    assert "This check-in link is damaged" in response.content.decode()
