"""Who trained whom: a three-generation cascade, counts per generation and county, the admin pages."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates import selectors
from tests import factories
from tests.certificates.conftest import finished_cohort, graduate

pytestmark = pytest.mark.django_db


@pytest.fixture
def cascade(site_tree):
    base = factories.CoursePageFactory(title="Maakondliku turvavõrgustiku koolitus", requires_qualified_trainers=True)
    trainer_course = factories.CoursePageFactory(title="Turvavõrgustiku koolitajate koolitus", qualifies_for=base,
                                                 requires_qualified_trainers=True, trainer_qualification_course=base)
    people = {
        "A": factories.UserFactory(full_name="Anne Algaja", profile__municipality="Tartu linn"),
        "B": factories.UserFactory(full_name="Boris Bürger", profile__municipality="Tallinn"),
        "C": factories.UserFactory(full_name="Cärolin Õun", profile__municipality="Võru vald"),
        "D": factories.UserFactory(full_name="Dmitri Šor", profile__municipality="Tartu linn"),
        "E": factories.UserFactory(full_name="Eha Ērg", profile__municipality="Tallinn"),
        "F": factories.UserFactory(full_name="Frida Füür", profile__municipality="Võru vald"),
        "G": factories.UserFactory(full_name="Gert Žukov", profile__municipality="Põlva vald"),
        "H": factories.UserFactory(full_name="Helle Härm", profile__municipality="Pärnu linn"),
    }
    today = timezone.localdate()
    for founder, days_left in (("A", 200), ("B", 60)):  # generation 1: granted by hand; B's expires soon
        factories.TrainerQualificationFactory(
            user=people[founder], course=base, granted_at=today - dt.timedelta(days=900),
            valid_until=today + dt.timedelta(days=days_left), note="Asutaja")
    # generation 2
    graduate(user=people["C"], cohort=finished_cohort(course=trainer_course, trainers=[people["A"]], days_ago=400))
    graduate(user=people["D"], cohort=finished_cohort(course=trainer_course, trainers=[people["A"]], days_ago=390))
    graduate(user=people["E"], cohort=finished_cohort(course=trainer_course, trainers=[people["B"]], days_ago=380))
    # generation 3
    cohort_c = finished_cohort(course=trainer_course, trainers=[people["C"]], days_ago=100)
    graduate(user=people["F"], cohort=cohort_c)
    graduate(user=people["G"], cohort=cohort_c)
    graduate(user=people["H"], cohort=finished_cohort(course=trainer_course, trainers=[people["D"], people["E"]],
                                                      days_ago=90))
    # C also teaches the base course: two participants complete it (they become no trainers)
    base_cohort = finished_cohort(course=base, trainers=[people["C"]], days_ago=30)
    for _ in range(2):
        graduate(user=factories.UserFactory(), cohort=base_cohort)
    return base, people


def test_lineage_counts_are_right_on_a_three_generation_cascade(cascade):
    base, people = cascade

    lineage = selectors.lineage_for_course(course=base)

    assert lineage.total == 8
    assert [(g["generation"], g["count"]) for g in lineage.generations] == [(1, 2), (2, 3), (3, 3)]
    counties = [dict(g["counties"]) for g in lineage.generations]
    assert counties[0] == {"Harju maakond": 1, "Tartu maakond": 1}
    assert counties[1] == {"Harju maakond": 1, "Tartu maakond": 1, "Võru maakond": 1}
    assert counties[2] == {"Põlva maakond": 1, "Pärnu maakond": 1, "Võru maakond": 1}
    tree = {node.user.full_name: [c.user.full_name for c in node.children] for node in lineage.nodes.values()}
    assert tree["Anne Algaja"] == ["Cärolin Õun", "Dmitri Šor"]
    assert tree["Cärolin Õun"] == ["Frida Füür", "Gert Žukov"]
    assert tree["Dmitri Šor"] == ["Helle Härm"] and tree["Eha Ērg"] == ["Helle Härm"]
    assert [root.user.full_name for root in lineage.roots] == ["Anne Algaja", "Boris Bürger"]


def test_a_trainers_own_page_counts_trainers_trained_and_their_participants(cascade, client):
    _base, people = cascade

    impact = selectors.trainer_impact(user=people["A"])
    assert (impact.trainees_count, impact.participants_count) == (2, 5)  # C, D; F, G, H + C's two participants

    client.force_login(people["A"])
    body = client.get(reverse("trainer_lineage")).content.decode()
    assert "Cärolin Õun" in body and "Dmitri Šor" in body


def test_the_trainer_page_is_not_for_people_without_qualifications(client, site_tree, specialist):
    client.force_login(specialist)

    assert client.get(reverse("trainer_lineage")).status_code == 404


def test_coordinator_sees_the_lineage_tree_with_constant_queries(cascade, client, coordinator,
                                                                 django_assert_max_num_queries):
    base, _people = cascade
    client.force_login(coordinator)

    with django_assert_max_num_queries(30):
        response = client.get(reverse("certificates_lineage:course", args=[base.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-generation="3"' in body and "Helle Härm" in body


def test_trainer_register_filters_by_county_and_status_and_exports_csv(cascade, client, coordinator):
    base, people = cascade
    client.force_login(coordinator)
    tartu = factories.county("Tartu maakond")

    page = client.get(reverse("certificates_trainers:index"), {"county": tartu.pk}).content.decode()
    assert "Anne Algaja" in page and "Dmitri Šor" in page and "Boris Bürger" not in page

    expiring = client.get(reverse("certificates_trainers:index"), {"status": "expiring", "export": "csv"})
    body = b"".join(expiring.streaming_content)
    assert body.startswith("\ufeff".encode())  # so that spreadsheet programs read UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert expiring["Content-Type"].startswith("text/csv")
    assert [r[0] for r in rows[1:]] == ["Boris Bürger"]
    assert rows[1][2] == "Harju maakond" and rows[1][3] == base.title


def test_non_coordinators_cannot_open_the_admin_pages(cascade, client):
    base, people = cascade
    client.force_login(people["A"])

    for url in (reverse("certificates_trainers:index"), reverse("certificates_lineage:course", args=[base.pk]),
                reverse("certificates_admin:index")):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert "Helle Härm" not in response.content.decode()
