"""`manage.py sweep` runs every periodic job: here, an unanswered offer past its deadline is expired."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from enrollment.models import EnrollmentStatus
from tests import factories

pytestmark = pytest.mark.django_db


def test_sweep_expires_overdue_offers_and_reports_every_job():
    cohort = factories.CohortFactory(capacity=1)
    factories.SessionFactory(cohort=cohort)
    offer = factories.EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.OFFERED,
                                        offer_expires_at=timezone.now() - dt.timedelta(minutes=5))
    out = io.StringIO()
    call_command("sweep", stdout=out)
    offer.refresh_from_db()
    assert offer.status == EnrollmentStatus.EXPIRED
    line = out.getvalue().strip()
    for job in ("scheduled_pages", "expired_offers=1", "session_reminders", "closed_cohorts",
                "qualification_reminders", "feedback_invitations"):
        assert job in line
