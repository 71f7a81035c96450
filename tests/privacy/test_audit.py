"""Staff viewing or exporting someone's personal data leaves an audit entry (a Wagtail log entry) with ids
only, which administrators read and coordinators do not."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.audit import ACTION
from privacy.models import DataExport
from tests import factories

from .conftest import finished_cohort

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def setting():
    trainer = factories.UserFactory(full_name="Tiit Treener", groups=["Trainers"])
    cohort, session = finished_cohort(funded=True, trainers=[trainer], days_ago=1)
    people = [factories.UserFactory(full_name=f"Osaleja {i}") for i in range(2)]
    enrollments = [factories.EnrollmentFactory(user=p, cohort=cohort, status="confirmed") for p in people]
    coordinator = factories.UserFactory(full_name="Kadri Koordinaator", groups=["Coordinators"])
    administrator = factories.UserFactory(full_name="Anne Administraator", groups=["Administrators"])
    return {"trainer": trainer, "cohort": cohort, "session": session, "people": people,
            "enrollments": enrollments, "coordinator": coordinator, "administrator": administrator}


def _entry(actor, what):
    entries = ModelLogEntry.objects.filter(action=ACTION, user=actor, data__what=what)
    assert entries.count() == 1, what
    entry = entries.get()
    assert entry.label == f"#{actor.pk}"  # ids, never a name
    assert actor.full_name not in str(entry.data)
    return entry


def test_the_roster_and_the_attendance_export(client, setting):
    client.force_login(setting["trainer"])
    assert client.get(reverse("attendance_roster", args=[setting["session"].pk])).status_code == 200
    entry = _entry(setting["trainer"], "attendance_roster")
    assert entry.data["subjects"] == sorted(p.pk for p in setting["people"])
    assert entry.data["object"] == f"enrollment.session:{setting['session'].pk}"
    assert client.get(reverse("attendance_export", args=[setting["cohort"].pk, "csv"])).status_code == 200
    _entry(setting["trainer"], "attendance_export")


def test_the_participant_export_and_the_enrollment_detail(client, setting):
    client.force_login(setting["coordinator"])
    response = client.get(reverse("enrollment_enrollments:index"), {"export": "csv"})
    assert response.status_code == 200
    assert set(_entry(setting["coordinator"], "participant_export").data["subjects"]) >= {
        p.pk for p in setting["people"]}
    enrollment = setting["enrollments"][0]
    assert client.get(reverse("enrollment_enrollments:inspect", args=[enrollment.pk])).status_code == 200
    assert _entry(setting["coordinator"], "enrollment_detail").data["subjects"] == [enrollment.user_id]


def test_a_persons_page_and_my_data_on_their_behalf(client, setting):
    administrator, person = setting["administrator"], setting["people"][0]
    client.force_login(administrator)
    assert client.get(reverse("wagtailusers_users:edit", args=[person.pk])).status_code == 200
    assert _entry(administrator, "person_detail").data["subjects"] == [person.pk]
    response = client.post(reverse("privacy_erasure_requests:on_behalf"), {"email": person.email})
    assert response.status_code == 302
    assert _entry(administrator, "my_data_on_behalf").data["subjects"] == [person.pk]


def test_administrators_read_the_trail_and_coordinators_do_not(client, setting):
    client.force_login(setting["trainer"])
    client.get(reverse("attendance_roster", args=[setting["session"].pk]))
    entries = ModelLogEntry.objects
    assert entries.viewable_by_user(setting["administrator"]).filter(action=ACTION).count() == 1
    assert entries.viewable_by_user(setting["coordinator"]).filter(action=ACTION).count() == 0
    client.force_login(setting["administrator"])
    response = client.get(reverse("wagtailadmin_reports:site_history"))
    assert response.status_code == 200
    assert "attendance_roster" in response.content.decode()


def test_specialists_cannot_prepare_data_on_someone_elses_behalf(client, setting):
    client.force_login(setting["coordinator"])
    response = client.post(reverse("privacy_erasure_requests:on_behalf"), {"email": setting["people"][0].email})
    assert response.status_code in (302, 403)  # the admin turns a refusal into a redirect home
    assert not DataExport.objects.exists() and not ModelLogEntry.objects.filter(action=ACTION).exists()
