"""The reports' reads: aggregates computed in the database, a fixed number of queries whatever the data size
(each function says how many; tests/reports/test_reports.py asserts it on a fixture with known answers).

Every function takes a `Scope` (reports/scope.py: what the filters select) and returns `Table`s, which the pages,
the charts and the downloads all read.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import County, Municipality, Profession, User
from certificates.models import TrainerQualification
from courses.pages import CoursePage, ProgrammePage, ProgrammePart
from enrollment.models import (
    SEAT_STATUSES,
    Attendance,
    Cohort,
    CohortStatus,
    CompletionResult,
    Enrollment,
    EnrollmentStatus,
    Session,
    SessionStatus,
)

from .hours import HOURS, mark_hours, session_hours, to_hours
from .scope import CLOSED_STATUSES, Scope
from .tables import Table, rate

UNKNOWN = "\u2013"


# --- participants ---------------------------------------------------------------------------------

def participants(scope: Scope) -> dict[str, Table]:
    """People and participant enrollments by county, municipality (every one of the 15 and the 79, zeros
    included), profession and organisation. 5 queries.

    A person has one municipality, so people per county is the sum over its municipalities.
    """
    base = scope.participants().order_by()
    per_municipality = {row["user__profile__municipality_id"]: row for row in
                        base.values("user__profile__municipality_id")
                        .annotate(people=Count("user_id", distinct=True), enrollments=Count("pk"))}
    counties = list(County.objects.order_by("name").values("pk", "name", "code"))
    municipalities = list(Municipality.objects.order_by("county__name", "name").values("pk", "name", "county_id"))

    county_totals = defaultdict(lambda: [0, 0])
    municipality_rows = []
    county_names = {c["pk"]: c["name"] for c in counties}
    for m in municipalities:
        row = per_municipality.get(m["pk"], {"people": 0, "enrollments": 0})
        county_totals[m["county_id"]][0] += row["people"]
        county_totals[m["county_id"]][1] += row["enrollments"]
        municipality_rows.append([county_names[m["county_id"]], m["name"], row["people"], row["enrollments"]])
    unknown = per_municipality.get(None, {"people": 0, "enrollments": 0})
    county_rows = [[c["name"], *county_totals[c["pk"]]] for c in counties]
    total_people = sum(r["people"] for r in per_municipality.values())
    total_enrollments = sum(r["enrollments"] for r in per_municipality.values())
    if unknown["enrollments"]:
        county_rows.append([_("Not given"), unknown["people"], unknown["enrollments"]])
        municipality_rows.append([_("Not given"), _("Not given"), unknown["people"], unknown["enrollments"]])

    professions = {row["user__profile__profession"]: row for row in
                   base.values("user__profile__profession")
                   .annotate(people=Count("user_id", distinct=True), enrollments=Count("pk"))}
    profession_rows = [[str(label), professions.get(value, {}).get("people", 0),
                        professions.get(value, {}).get("enrollments", 0)] for value, label in Profession.choices]
    if professions.get("") or professions.get(None):
        blank = [professions.get(key) for key in ("", None) if professions.get(key)]
        profession_rows.append([_("Not given"), sum(r["people"] for r in blank), sum(r["enrollments"] for r in blank)])

    organisations = (base.values("user__profile__organisation")
                     .annotate(people=Count("user_id", distinct=True), enrollments=Count("pk"))
                     .order_by("-people", "user__profile__organisation"))
    organisation_rows = [[row["user__profile__organisation"] or _("Not given"), row["people"], row["enrollments"]]
                         for row in organisations]

    total = [_("Total"), total_people, total_enrollments]
    heading = [_("People"), _("Enrollments")]
    note = _("People are counted once; enrollments once per cohort (confirmed, completed or not completed).")
    return {
        "county": Table("county", _("Participants by county"), [_("County"), *heading], county_rows, total, note,
                        codes={c["name"]: c["code"] for c in counties}),
        "municipality": Table("municipality", _("Participants by municipality"),
                              [_("County"), _("Municipality"), *heading], municipality_rows,
                              [_("Total"), "", total_people, total_enrollments], note),
        "profession": Table("profession", _("Participants by profession"), [_("Profession"), *heading],
                            profession_rows, total, note),
        "organisation": Table("organisation", _("Participants by organisation"), [_("Organisation"), *heading],
                              organisation_rows, total, note),
    }


# --- delivery -------------------------------------------------------------------------------------

def _held_sessions(scope: Scope):
    return (Session.objects.filter(cohort_id__in=scope.cohort_ids(), ends_at__lte=scope.at)
            .exclude(status=SessionStatus.CANCELLED).order_by())


def _participants_per_cohort(scope: Scope) -> dict[int, int]:
    """Participants (in the county, when one is chosen) of each cohort in scope. 1 query.

    Person-hours expected = each held session's hours x its cohort's participants, summed: the sessions are
    grouped per cohort in the database and multiplied here, instead of counting a cohort's participants again for
    every one of its sessions (a correlated subquery per session, seconds at 50,000 enrollments).
    """
    return dict(scope.participants().order_by().values("cohort_id").annotate(n=Count("pk"))
                .values_list("cohort_id", "n"))


def delivery(scope: Scope) -> dict[str, Table]:
    """Per course and in total: cohorts and sessions held, academic hours delivered, person-hours attended and
    expected, the attendance rate, participants and people, the completion rate, and the waitlist demand (people
    who waited for a place in a course and never got one in any of its cohorts). 8 queries.

    - attendance rate = person-hours attended / person-hours expected (each held session's hours times the
      cohort's participants);
    - completion rate = completed / (completed + not completed), over closed enrollments.
    """
    participants_of_cohort = _participants_per_cohort(scope)
    sessions = defaultdict(lambda: {"cohorts": 0, "sessions": 0, "hours": Decimal("0"), "expected": Decimal("0")})
    for row in (_held_sessions(scope).values("cohort_id", "cohort__course_id")
                .annotate(sessions=Count("pk"), hours=Sum(session_hours(), output_field=HOURS))):
        course, hours = sessions[row["cohort__course_id"]], to_hours(row["hours"])
        course["cohorts"] += 1
        course["sessions"] += row["sessions"]
        course["hours"] += hours
        course["expected"] += hours * participants_of_cohort.get(row["cohort_id"], 0)
    attended = {row["enrollment__cohort__course_id"]: row["hours"] for row in
                Attendance.objects.filter(scope.participant_q("enrollment__"), session__ends_at__lte=scope.at)
                .exclude(session__status=SessionStatus.CANCELLED).order_by()
                .values("enrollment__cohort__course_id").annotate(hours=Sum(mark_hours(), output_field=HOURS))}
    people = {row["cohort__course_id"]: row for row in
              scope.participants().order_by().values("cohort__course_id")
              .annotate(participants=Count("pk"), people=Count("user_id", distinct=True),
                        completed=Count("pk", filter=Q(status=EnrollmentStatus.COMPLETED)),
                        closed=Count("pk", filter=Q(status__in=CLOSED_STATUSES)))}
    got_place = Enrollment.objects.filter(user_id=OuterRef("user_id"), cohort__course_id=OuterRef("cohort__course_id"),
                                          status__in=SEAT_STATUSES)
    never_placed = (scope.enrollments().filter(waitlist_joined_at__isnull=False).order_by()
                    .annotate(placed=Exists(got_place)).filter(placed=False))
    waiting = {row["cohort__course_id"]: row["people"] for row in
               never_placed.values("cohort__course_id").annotate(people=Count("user_id", distinct=True))}
    all_people = scope.participants().order_by().aggregate(
        people=Count("user_id", distinct=True))["people"]
    all_waiting = never_placed.aggregate(people=Count("user_id", distinct=True))["people"]

    course_ids = set(sessions) | set(attended) | set(people) | set(waiting)
    titles = dict(CoursePage.objects.filter(pk__in=course_ids).values_list("pk", "title")) if course_ids else {}
    rows, sums = [], defaultdict(Decimal)
    for course_id in sorted(course_ids, key=lambda pk: titles.get(pk, "")):
        s, p = sessions.get(course_id, {}), people.get(course_id, {})
        values = {
            "cohorts": s.get("cohorts", 0), "sessions": s.get("sessions", 0), "hours": to_hours(s.get("hours")),
            "attended": to_hours(attended.get(course_id)), "expected": to_hours(s.get("expected")),
            "participants": p.get("participants", 0), "completed": p.get("completed", 0),
            "closed": p.get("closed", 0), "waiting": waiting.get(course_id, 0),
        }
        for key, value in values.items():
            sums[key] += value
        rows.append(_delivery_row(titles.get(course_id, ""), values, people=p.get("people", 0)))
    sums["waiting"] = all_waiting
    total = _delivery_row(_("Total"), sums, people=all_people)
    columns = [_("Course"), _("Cohorts held"), _("Sessions held"), _("Academic hours delivered"),
               _("Person-hours attended"), _("Person-hours expected"), _("Attendance rate (%)"), _("Participants"),
               _("People"), _("Completed"), _("Completion rate (%)"), _("Waited, never got a place")]
    note = _("Academic hours of 45 minutes. Attendance rate: person-hours attended of those expected in the "
             "sessions held. Completion rate: completed of the enrollments whose cohort was closed.")
    return {"delivery": Table("delivery", _("Delivery"), columns, rows, total, note)}


def _delivery_row(title, v, *, people) -> list:
    return [title, int(v["cohorts"]), int(v["sessions"]), to_hours(v["hours"]), to_hours(v["attended"]),
            to_hours(v["expected"]), rate(v["attended"], v["expected"]), int(v["participants"]), people,
            int(v["completed"]), rate(v["completed"], v["closed"]), int(v["waiting"])]


# --- programme progress ---------------------------------------------------------------------------

def default_programme() -> ProgrammePage | None:
    return ProgrammePage.objects.order_by("title").first()


def _programme_enrollments(scope: Scope, course_ids: list[int]):
    return scope.participants().filter(cohort__course_id__in=course_ids).order_by()


def _standing(scope: Scope, course_ids: list[int]) -> dict[tuple[int, int], dict]:
    """Per (person, course): `hours` attended (every mark of the person's enrollments of the course, cancelled
    sessions left out), `held` (the hours held so far in their cohorts), `completed` (one of them is) and
    `behind` (see `part_behind`). 2 queries."""
    enrollments = _programme_enrollments(scope, course_ids)
    attended = {(row["enrollment__user_id"], row["enrollment__cohort__course_id"]): row["hours"] for row in
                Attendance.objects.filter(scope.participant_q("enrollment__"),
                                          enrollment__cohort__course_id__in=course_ids)
                .exclude(session__status=SessionStatus.CANCELLED).order_by()
                .values("enrollment__user_id", "enrollment__cohort__course_id")
                .annotate(hours=Sum(mark_hours(), output_field=HOURS))}
    held_of_cohort = (Session.objects.filter(cohort_id=OuterRef("cohort_id"), ends_at__lte=scope.at)
                      .exclude(status=SessionStatus.CANCELLED).order_by().values("cohort_id")
                      .annotate(h=Sum(session_hours(), output_field=HOURS)).values("h"))
    standing = {}
    for row in (enrollments.values("user_id", "cohort__course_id", "cohort__course__completion_min_percent")
                .annotate(held=Sum(Subquery(held_of_cohort, output_field=HOURS), output_field=HOURS),
                          completed=Count("pk", filter=Q(status=EnrollmentStatus.COMPLETED)))):
        key = (row["user_id"], row["cohort__course_id"])
        figures = {"hours": to_hours(attended.get(key)), "held": to_hours(row["held"]),
                   "completed": bool(row["completed"]),
                   "required": row["cohort__course__completion_min_percent"] or 80}
        figures["behind"] = part_behind(**figures)
        standing[key] = figures
    return standing


def part_behind(*, hours: Decimal, held: Decimal, completed: bool, required: int) -> bool:
    """The one definition of "behind" in a programme part: not completed, sessions held, and the hours attended
    less than the course's completion share (e.g. 80 %) of the hours held so far. On track: behind in no part."""
    return not completed and held > 0 and hours * 100 < held * required


def programme_progress(scope: Scope, programme: ProgrammePage | None = None, *,
                       page: int | None = None) -> dict[str, Table]:
    """For one programme (the filter's, else the first): each participant's attended hours per part (capped at the
    part's hours), the programme total, parts completed and whether they are on track (`part_behind`).

    `page` (from 1) shows one page of REPORTS_PROGRAMME_PAGE_SIZE people in name order, None everyone (the
    downloads); the total row counts everyone. 4 queries whatever the page and the data size (5 without a
    programme given): the parts, everyone's figures per part (2: hours attended, hours held and completions,
    grouped in the database), and the page's people.
    """
    programme = programme or scope.programme or default_programme()
    if programme is None:
        return {}
    parts = list(ProgrammePart.objects.filter(page_id=programme.pk).select_related("course")
                 .order_by("sort_order", "pk"))
    course_ids = [p.course_id for p in parts if p.course_id]
    enrollments = _programme_enrollments(scope, course_ids)
    standing = _standing(scope, course_ids)
    everyone = {uid for uid, _course in standing}
    behind = {uid for (uid, _course), figures in standing.items() if figures["behind"]}
    per_page = programme_page_size()
    pages = max(1, -(-len(everyone) // per_page))
    people = (User.objects.filter(pk__in=enrollments.values("user_id")).order_by("full_name", "email", "pk")
              .values("pk", "full_name", "email", "profile__municipality__county__name"))
    if page is not None:
        page = min(max(page, 1), pages)
        people = people[(page - 1) * per_page:page * per_page]
    users = list(people)
    columns = [_("Participant"), _("County")] + [f"{p.display_title} ({_hours_text(p.hours)})" for p in parts] + [
        _("Programme hours ({total})").format(total=_hours_text(sum((p.hours for p in parts), Decimal("0")))),
        _("Parts completed"), _("On track")]
    rows = []
    course_parts = [p for p in parts if p.course_id]
    for user in users:
        cells, total, completed = [], Decimal("0"), 0
        for part in parts:
            if not part.course_id:
                cells.append(None)
                continue
            figures = standing.get((user["pk"], part.course_id))
            hours = figures["hours"] if figures else Decimal("0")
            counted = min(hours, part.hours) if part.hours else hours
            completed += bool(figures and figures["completed"])
            total += counted if part.counts_towards_total else Decimal("0")
            cells.append(counted)
        rows.append([user["full_name"] or user["email"], user["profile__municipality__county__name"] or UNKNOWN,
                     *cells, total, f"{completed}/{len(course_parts)}",
                     _("no") if user["pk"] in behind else _("yes")])
    note = _("Attended academic hours per part, capped at the part's hours. On track: at least the course's "
             "completion share of the hours held so far, in every part begun.")
    table = Table("programme", _("Programme progress: {title}").format(title=programme.title), columns, rows,
                  [_("Total"), "", *([""] * len(parts)), "", "", f"{len(everyone - behind)}/{len(everyone)}"], note,
                  count=len(everyone), page=page or 1, pages=pages if page is not None else 1)
    return {"programme": table}


def programme_people(scope: Scope, programme: ProgrammePage | None = None) -> int:
    """How many rows the programme table has (its people): 1 query, 2 without a programme given."""
    programme = programme or scope.programme or default_programme()
    if programme is None:
        return 0
    course_ids = ProgrammePart.objects.filter(page_id=programme.pk, course__isnull=False).values("course_id")
    return scope.participants().filter(cohort__course_id__in=course_ids).values("user_id").distinct().count()


def programme_page_size() -> int:
    return int(getattr(settings, "REPORTS_PROGRAMME_PAGE_SIZE", 50))


def _hours_text(value) -> str:
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- cascade reach --------------------------------------------------------------------------------

def cascade(scope: Scope) -> dict[str, Table]:
    """How far the trainers' cascade reached: per trainer (own and down the lineage), per generation and per
    year of certification. 4 queries.

    A trainer's generation per course is as in certificates.selectors.lineage_for_course (1 = founding trainers;
    else one more than the nearest qualified trainer who trained them). Their cohorts are the cohorts in scope
    they taught of the course (or of courses whose trainers must be qualified for it); "delivered" = finished.
    People trained = distinct people who completed those cohorts; down the lineage = the trainer's and every
    descendant's, each person counted once. The database returns distinct (trainer, course, cohort, person,
    county) rows; the lineage's unions are taken here.
    """
    qualifications = list(TrainerQualification.objects.order_by("granted_at", "pk")
                          .values("pk", "user_id", "course_id", "granted_at", "user__full_name", "user__email",
                                  "course__title"))
    through = TrainerQualification.source_trainers.through
    sources = defaultdict(set)
    for row in through.objects.values("trainerqualification_id", "user_id"):
        sources[row["trainerqualification_id"]].add(row["user_id"])
    cohort_ids = scope.cohort_ids()
    taught = defaultdict(set)  # (trainer, course) -> finished cohort ids
    for row in (Cohort.objects.filter(pk__in=cohort_ids, status=CohortStatus.FINISHED, trainers__isnull=False)
                .values("trainers", "course_id", "course__trainer_qualification_course_id", "pk").distinct()):
        course = row["course__trainer_qualification_course_id"] or row["course_id"]
        taught[(row["trainers"], course)].add(row["pk"])
    trained = defaultdict(set)  # (trainer, course) -> {(person, county)}
    for row in (scope.enrollments().filter(status=EnrollmentStatus.COMPLETED, cohort__trainers__isnull=False)
                .order_by().values("cohort__trainers", "cohort__course_id",
                                   "cohort__course__trainer_qualification_course_id", "user_id",
                                   "user__profile__municipality__county_id").distinct()):
        course = row["cohort__course__trainer_qualification_course_id"] or row["cohort__course_id"]
        trained[(row["cohort__trainers"], course)].add((row["user_id"], row["user__profile__municipality__county_id"]))

    by_course = defaultdict(list)
    for q in qualifications:
        by_course[q["course_id"]].append(q)
    trainer_rows, generation_rows, year_rows = [], [], []
    for course_id, quals in sorted(by_course.items(), key=lambda item: item[1][0]["course__title"]):
        users = {q["user_id"] for q in quals}
        parents = {q["user_id"]: {u for u in sources[q["pk"]] if u in users and u != q["user_id"]} for q in quals}
        generation, children = _generations(parents)
        descendants = {uid: _descendants(uid, children) for uid in users}
        reach = {}
        for q in quals:
            uid = q["user_id"]
            lineage = {uid} | descendants[uid]
            people = set().union(*(trained[(u, course_id)] for u in lineage))
            reach[uid] = (lineage, people)
            own = trained[(uid, course_id)]
            trainer_rows.append([
                q["course__title"], q["user__full_name"] or q["user__email"], generation[uid],
                q["granted_at"].year, len(taught[(uid, course_id)]), len({p for p, _c in own}),
                len(descendants[uid]), len(set().union(*(taught[(u, course_id)] for u in lineage))),
                len({p for p, _c in people}), len({c for _p, c in people if c}),
            ])
        for level in sorted(set(generation.values())):
            members = [u for u in users if generation[u] == level]
            people = set().union(*(trained[(u, course_id)] for u in members))
            cohorts = set().union(*(taught[(u, course_id)] for u in members))
            generation_rows.append([quals[0]["course__title"], level, len(members), len(cohorts),
                                    len({p for p, _c in people}), len({c for _p, c in people if c})])
        for year in sorted({q["granted_at"].year for q in quals}):
            members = [q["user_id"] for q in quals if q["granted_at"].year == year]
            lineage = set().union(*(reach[u][0] for u in members))
            people = set().union(*(reach[u][1] for u in members))
            year_rows.append([quals[0]["course__title"], year, len(members), len(lineage - set(members)),
                              len({p for p, _c in people}), len({c for _p, c in people if c})])
    note = _("People trained: distinct people who completed a cohort the trainers taught (finished cohorts in "
             "scope). Down the lineage: the trainer and everyone they trained as trainers, and so on.")
    return {
        "generation": Table("generation", _("Cascade reach by generation"),
                            [_("Course"), _("Generation"), _("Trainers"), _("Cohorts delivered"),
                             _("People trained"), _("Counties reached")], generation_rows, None, note),
        "year": Table("year", _("Cascade reach by year of certification"),
                      [_("Course"), _("Certified in"), _("Trainers"), _("Trainers they trained, down the lineage"),
                       _("People trained down the lineage"), _("Counties reached")], year_rows, None, note),
        "trainer": Table("trainer", _("Cascade reach by trainer"),
                         [_("Course"), _("Trainer"), _("Generation"), _("Certified in"), _("Own cohorts delivered"),
                          _("Own people trained"), _("Trainers down the lineage"),
                          _("Cohorts down the lineage"), _("People trained down the lineage"),
                          _("Counties reached")], trainer_rows, None, note),
    }


def _generations(parents: dict[int, set[int]]) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Breadth-first from the trainers with no qualified parent (as certificates.selectors.lineage_for_course)."""
    children = defaultdict(list)
    for uid, ps in parents.items():
        for parent in ps:
            children[parent].append(uid)
    generation = {uid: 1 for uid, ps in parents.items() if not ps}
    frontier = list(generation)
    while frontier:
        next_frontier = []
        for uid in frontier:
            for child in children[uid]:
                if child not in generation:
                    generation[child] = generation[uid] + 1
                    next_frontier.append(child)
        frontier = next_frontier
    for uid in parents:
        generation.setdefault(uid, 1)
    return generation, children


def _descendants(uid: int, children: dict[int, list[int]]) -> set[int]:
    seen, stack = set(), list(children[uid])
    while stack:
        child = stack.pop()
        if child not in seen and child != uid:
            seen.add(child)
            stack.extend(children[child])
    return seen


# --- trends ---------------------------------------------------------------------------------------

def trends(scope: Scope) -> dict[str, Table]:
    """Per month: enrollments made (any status), participants' person-hours attended (by the session's month)
    and the attendance rate of that month's held sessions, and completions (by the day the cohort was closed).
    5 queries."""
    tz = timezone.get_current_timezone()
    enrolled = {row["month"]: row["n"] for row in
                scope.enrollments().order_by().annotate(month=TruncMonth("created_at", tzinfo=tz))
                .values("month").annotate(n=Count("pk"))}
    attended = {row["month"]: row["hours"] for row in
                Attendance.objects.filter(scope.participant_q("enrollment__"), session__ends_at__lte=scope.at)
                .exclude(session__status=SessionStatus.CANCELLED).order_by()
                .annotate(month=TruncMonth("session__starts_at", tzinfo=tz)).values("month")
                .annotate(hours=Sum(mark_hours(), output_field=HOURS))}
    participants_of_cohort = _participants_per_cohort(scope)
    expected = defaultdict(Decimal)
    for row in (_held_sessions(scope).annotate(month=TruncMonth("starts_at", tzinfo=tz)).values("month", "cohort_id")
                .annotate(hours=Sum(session_hours(), output_field=HOURS))):
        expected[row["month"]] += to_hours(row["hours"]) * participants_of_cohort.get(row["cohort_id"], 0)
    completed = {row["month"]: row["n"] for row in
                 CompletionResult.objects.filter(scope.participant_q("enrollment__"), completed=True).order_by()
                 .annotate(month=TruncMonth("computed_at", tzinfo=tz)).values("month").annotate(n=Count("pk"))}
    months = sorted({_month(m) for m in (*enrolled, *attended, *expected, *completed) if m is not None})

    def at(mapping, month):
        return sum((v or 0 for k, v in mapping.items() if k is not None and _month(k) == month), 0)

    rows = []
    for month in months:
        hours, due = to_hours(at(attended, month)), to_hours(at(expected, month))
        rows.append([month, at(enrolled, month), hours, rate(hours, due), at(completed, month)])
    total_hours = sum((r[2] for r in rows), Decimal("0"))
    total_expected = to_hours(sum((v or 0 for v in expected.values()), 0))
    total = [_("Total"), sum(r[1] for r in rows), total_hours, rate(total_hours, total_expected),
             sum(r[4] for r in rows)]
    columns = [_("Month"), _("Enrollments"), _("Person-hours attended"), _("Attendance rate (%)"), _("Completions")]
    note = _("Enrollments by the month they were made; hours by the month of the session; completions by the "
             "month the cohort was closed.")
    return {"trends": Table("trends", _("Trends per month"), columns, rows, total, note)}


def _month(value) -> str:
    """'2026-03' for a month from TruncMonth (a datetime, or a date on some databases)."""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return f"{value.year:04d}-{value.month:02d}"
