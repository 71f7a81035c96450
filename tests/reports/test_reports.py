"""The reports on a world whose figures are known by hand (tests/reports/fixture.py).

Worked out by hand:
- A1 (course A, 16 h, finished): sessions of 8.0 + 8.0 academic hours held (a third cancelled); participants
  Anna (present twice: 16), Bert (absent, then 30 min late: 8 - 0.67 = 7.33), Cili (present, then left 90 min
  early: 8 + 6 = 14) -> attended 37.33 of 48 expected (3 x 16) = 77.8 %; Anna and Cili completed, Bert not: 66.7 %.
- B1 (course B, finished): 5.0 h (3 h 45 min) and 2.5 h (an override); Anna (present, excused: 5) and Eha
  (7.5) -> 12.5 of 15 = 83.3 %; Eha completed, Anna not: 50 %.
- A2 (course A, open, capacity 0): Dora wait-listed (never got a place: waitlist demand 1), Fred cancelled.
- A cancelled cohort counts nowhere.
- Total: 2 cohorts, 4 sessions, 23.5 hours, 49.83 of 63 person-hours = 79.1 %, 5 participants, 4 people,
  3 of 5 completed = 60 %.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import selectors
from reports.scope import Scope
from tests import factories

from .fixture import build

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def world(site_tree):
    return build()


def _row(table, first):
    return next(row for row in table.rows if row[0] == first)


def test_participants_by_county_municipality_profession_and_organisation(world):
    tables = selectors.participants(Scope())
    county = tables["county"]
    assert len(county.rows) == 15
    assert _row(county, "Tartu maakond")[1:] == [2, 3]
    assert _row(county, "Võru maakond")[1:] == [2, 2]
    assert _row(county, "Harju maakond")[1:] == [0, 0]
    assert county.total[1:] == [4, 5]
    municipality = tables["municipality"]
    assert len(municipality.rows) == 79
    assert [r for r in municipality.rows if r[2]] == [["Tartu maakond", "Tartu linn", 2, 3],
                                                       ["Võru maakond", "Võru vald", 2, 2]]
    profession = {row[0]: row[1:] for row in tables["profession"].rows}
    assert profession["Sotsiaaltöötaja"] == [1, 2]
    assert sum(r[1] for r in tables["profession"].rows) == 4
    assert [r[1:] for r in tables["organisation"].rows] == [[2, 3], [1, 1], [1, 1]]
    assert tables["organisation"].rows[0][0] == "Org X"


def test_participants_filtered_by_county_course_funding_and_period(world):
    assert selectors.participants(Scope(county=factories.county("Võru maakond")))["county"].total[1:] == [2, 2]
    assert selectors.participants(Scope(course=world["course_b"]))["county"].total[1:] == [2, 2]
    assert selectors.participants(Scope(funding="ESF+"))["county"].total[1:] == [3, 3]
    april = Scope(date_from=dt.date(2026, 4, 1), date_to=dt.date(2026, 4, 30))
    assert selectors.participants(april)["county"].total[1:] == [2, 2]
    assert selectors.participants(Scope(programme=world["programme"]))["county"].total[1:] == [4, 5]


def test_delivery_figures(world):
    table = selectors.delivery(Scope())["delivery"]
    assert _row(table, "Kursus A")[1:] == [1, 2, D("16.00"), D("37.33"), D("48.00"), D("77.8"), 3, 3, 2, D("66.7"), 1]
    assert _row(table, "Kursus B")[1:] == [1, 2, D("7.50"), D("12.50"), D("15.00"), D("83.3"), 2, 2, 1, D("50.0"), 0]
    assert table.total[1:] == [2, 4, D("23.50"), D("49.83"), D("63.00"), D("79.1"), 5, 4, 3, D("60.0"), 1]


def test_delivery_for_one_county_counts_its_people_only(world):
    table = selectors.delivery(Scope(county=factories.county("Võru maakond")))["delivery"]
    # Bert (A1: 7.33 of 16) and Eha (B1: 7.5 of 7.5).
    assert table.total[1:] == [2, 4, D("23.50"), D("14.83"), D("23.50"), D("63.1"), 2, 2, 1, D("50.0"), 0]


def test_programme_progress(world):
    table = selectors.programme_progress(Scope(), world["programme"])["programme"]
    assert table.rows == [
        ["Anna Aas", "Tartu maakond", D("16.00"), D("5.00"), None, D("21.00"), "1/2", "ei"],
        ["Bert Bu", "Võru maakond", D("7.33"), D("0"), None, D("7.33"), "0/2", "ei"],
        ["Cili Cee", "Tartu maakond", D("14.00"), D("0"), None, D("14.00"), "1/2", "jah"],
        ["Eha Ee", "Võru maakond", D("0"), D("7.50"), None, D("7.50"), "1/2", "jah"],
    ]
    assert table.total[-1] == "2/4"


def test_cascade_reach(world):
    tables = selectors.cascade(Scope())
    assert tables["trainer"].rows == [
        ["Kursus A", "Koolitaja Üks", 1, 2024, 0, 0, 2, 1, 2, 1],
        ["Kursus A", "Koolitaja Kaks", 2, 2025, 1, 2, 1, 1, 2, 1],
        ["Kursus A", "Koolitaja Kolm", 3, 2025, 0, 0, 0, 0, 0, 0],
    ]
    assert tables["generation"].rows == [["Kursus A", 1, 1, 0, 0, 0], ["Kursus A", 2, 1, 1, 2, 1],
                                         ["Kursus A", 3, 1, 0, 0, 0]]
    assert tables["year"].rows == [["Kursus A", 2024, 1, 2, 2, 1], ["Kursus A", 2025, 2, 0, 2, 1]]


def test_trends_per_month(world):
    table = selectors.trends(Scope())["trends"]
    assert table.rows == [
        ["2026-02", 5, D("0.00"), None, 0],
        ["2026-03", 0, D("37.33"), D("77.8"), 2],
        ["2026-04", 0, D("12.50"), D("83.3"), 1],
        ["2026-10", 2, D("0.00"), None, 0],
    ]
    assert table.total[1:] == [7, D("49.83"), D("79.1"), 3]


@pytest.mark.parametrize("report, queries", [
    (selectors.participants, 5), (selectors.delivery, 8), (selectors.cascade, 4), (selectors.trends, 5),
])
def test_a_fixed_number_of_queries_whatever_the_data_size(world, report, queries):
    with CaptureQueriesContext(connection) as small:
        report(Scope())
    assert len(small) == queries
    more = factories.CohortFactory(course=world["course_a"], code="more")
    for _i in range(5):
        enrollment = factories.EnrollmentFactory(cohort=more, status="completed")
        factories.AttendanceFactory(enrollment=enrollment)
    scope = Scope(county=factories.county("Tartu maakond"), funding="ESF+")
    with CaptureQueriesContext(connection) as large:
        report(scope)
    assert len(large) == queries


def test_programme_progress_queries_are_fixed(world):
    with CaptureQueriesContext(connection) as small:
        selectors.programme_progress(Scope(), world["programme"])
    extra = factories.CohortFactory(course=world["course_b"], code="extra")
    for _i in range(4):
        factories.AttendanceFactory(enrollment=factories.EnrollmentFactory(cohort=extra))
    with CaptureQueriesContext(connection) as large:
        selectors.programme_progress(Scope(), world["programme"])
    assert len(small) == len(large) == 4


def test_programme_progress_is_paged_in_name_order_with_the_totals_of_everyone(world, settings):
    settings.REPORTS_PROGRAMME_PAGE_SIZE = 3
    first = selectors.programme_progress(Scope(), world["programme"], page=1)["programme"]
    second = selectors.programme_progress(Scope(), world["programme"], page=2)["programme"]
    everyone = selectors.programme_progress(Scope(), world["programme"])["programme"]
    assert [r[0] for r in first.rows] == ["Anna Aas", "Bert Bu", "Cili Cee"]
    assert [r[0] for r in second.rows] == ["Eha Ee"]
    assert first.rows + second.rows == everyone.rows
    assert (first.page, first.pages, first.row_count) == (1, 2, 4)
    assert (second.page, second.pages, everyone.pages, everyone.row_count) == (2, 2, 1, 4)
    assert first.total == second.total == everyone.total  # "2/4" on track: everyone, not the page
    assert selectors.programme_progress(Scope(), world["programme"], page=99)["programme"].page == 2
    assert selectors.programme_people(Scope(), world["programme"]) == 4


def test_a_page_of_the_programme_reads_in_the_same_number_of_queries_whatever_the_people(world, settings):
    settings.REPORTS_PROGRAMME_PAGE_SIZE = 2
    with CaptureQueriesContext(connection) as small:
        selectors.programme_progress(Scope(), world["programme"], page=2)
    cohort = factories.CohortFactory(course=world["course_a"], code="many")
    for _i in range(30):
        factories.AttendanceFactory(enrollment=factories.EnrollmentFactory(cohort=cohort, status="confirmed"))
    with CaptureQueriesContext(connection) as large:
        table = selectors.programme_progress(Scope(), world["programme"], page=2)["programme"]
    assert len(small) == len(large) == 4
    assert len(table.rows) == 2 and table.row_count == 34


def test_the_report_definitions_name_the_tables_the_selectors_return(world):
    from reports import definitions

    for key, report in definitions.REPORTS.items():
        assert tuple(definitions.tables(key, Scope())) == report.tables, key
