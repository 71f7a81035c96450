"""The coordinator's tools in a real browser: bulk approval from the listing (tick, approve, confirm), and
the cohort page and the import report without accessibility violations.

One test function on purpose: each transactional browser test flushes the database afterwards.
"""

import pytest

from enrollment.models import EnrollmentPolicy, EnrollmentStatus
from tests import factories
from tests.conftest import login

S = EnrollmentStatus
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_approves_ticked_enrollments_and_the_cohort_pages_are_accessible(browser_page,
                                                                                     assert_accessible):
    from wagtail.users.models import UserProfile

    coordinator = factories.UserFactory(email="koordinaator@example.ee", groups=["Coordinators"])
    UserProfile.objects.update_or_create(user=coordinator, defaults={"preferred_language": "en"})
    cohort = factories.CohortFactory(code="gbg-2027-voru", policy=EnrollmentPolicy.APPROVAL, capacity=5)
    factories.SessionFactory(cohort=cohort, title="Esimene päev")
    pending = factories.EnrollmentFactory(cohort=cohort, status=S.PENDING,
                                          user=factories.UserFactory(full_name="Piret Ootel"))
    other = factories.EnrollmentFactory(cohort=cohort, status=S.PENDING,
                                        user=factories.UserFactory(full_name="Peeter Puutumata"))
    page = browser_page
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, "koordinaator@example.ee")

    page.goto(f"/admin/enrollment/enrollments/?cohort={cohort.pk}&status=pending")
    page.locator(f"input[data-bulk-action-checkbox][data-object-id='{pending.pk}']").check()
    footer = page.locator("[data-bulk-action-footer]")
    footer.get_by_role("link", name="Approve the selected enrollments").click()
    page.wait_for_url("**/bulk/enrollment/enrollment/approve/**")
    assert "Piret Ootel" in page.content() and "Peeter Puutumata" not in page.content()
    page.fill("textarea[name=reason]", "Sobib")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url("**/admin/enrollment/enrollments/**")
    assert "1 enrollment approved." in page.content()
    pending.refresh_from_db()
    other.refresh_from_db()
    assert pending.status == S.CONFIRMED
    assert other.status == S.PENDING
    assert pending.events.get(to_status=S.CONFIRMED).reason == "Sobib"

    page.goto(f"/admin/enrollment/cohorts/overview/{cohort.pk}/")
    assert "Esimene päev" in page.content()
    assert_accessible(page)
    page.goto(f"/admin/enrollment/cohorts/import/{cohort.pk}/")
    page.set_input_files("input[type=file]", files=[{
        "name": "osalejad.csv", "mimeType": "text/csv",
        "buffer": b"email,full_name,municipality,profession\nvale,Vale Rida,Atlantis,teacher\n"}])
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state("networkidle")
    assert "Atlantis" in page.content()
    assert_accessible(page)
    assert errors == []
