"""Enrollment and attendance history rows are written once: changing or deleting them is refused."""

import pytest
from django.core.exceptions import ValidationError

from enrollment.attendance.models import AttendanceEvent
from enrollment.models import EnrollmentEvent
from tests import factories

pytestmark = pytest.mark.django_db


def test_enrollment_history_cannot_be_edited_or_deleted():
    event = EnrollmentEvent.objects.create(enrollment=factories.EnrollmentFactory(), from_status="",
                                           to_status="confirmed", reason="Registreerus")
    event.reason = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    stored = EnrollmentEvent.objects.get(pk=event.pk)
    assert stored.reason == "Registreerus"


def test_attendance_history_cannot_be_edited_or_deleted():
    mark = factories.AttendanceFactory()
    event = AttendanceEvent.objects.create(attendance=mark, from_status="", to_status="present")
    event.to_status = "absent"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert AttendanceEvent.objects.get(pk=event.pk).to_status == "present"
