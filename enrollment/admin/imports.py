"""CSV import of participants into a cohort: check every row first, import nothing until the file is clean.

`import_check` reads the file and reports EVERY bad row (line number and a translated reason) without
writing anything. `import_run` checks again inside the cohort's lock and, only if the file is still clean,
creates the missing users and enrolls everyone through `enrollment.services` in ONE transaction: all rows
or none. The columns are documented in docs/coordinator-tools.md.

Queries are constant in the number of rows while checking (municipalities, users, enrollments and the
cohort's counts are each read once).
"""

import csv
import io
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.invitations import account_invitation_enqueue
from accounts.models import Municipality, Profession, User

from ..exceptions import EnrollmentError
from ..models import ACTIVE_STATUSES, Cohort, CohortStatus, Enrollment, EnrollmentStatus
from ..services import cohort_lock, enrollment_approve, enrollment_create

MAX_ROWS = 1000
REQUIRED = ("email", "full_name", "municipality", "profession")
OPTIONAL = ("organisation",)
# Accepted spellings of each column name (compared lower-case, spaces and hyphens as underscores).
ALIASES = {
    "email": "email", "e_mail": "email", "e_post": "email", "epost": "email",
    "full_name": "full_name", "name": "full_name", "nimi": "full_name",
    "municipality": "municipality", "omavalitsus": "municipality", "kov": "municipality",
    "profession": "profession", "amet": "profession", "occupation": "profession",
    "organisation": "organisation", "organization": "organisation", "asutus": "organisation",
    "tööandja": "organisation", "employer": "organisation",
}


class ImportInvalid(Exception):
    """The file has bad rows (or the cohort cannot take them); nothing was imported."""

    def __init__(self, report: "ImportReport"):
        self.report = report
        super().__init__(_("The file has errors; nothing was imported."))


@dataclass
class ImportRow:
    line: int
    email: str
    full_name: str
    municipality_name: str
    profession_text: str
    organisation: str
    municipality: Municipality | None = None
    profession: str = ""
    user: User | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def is_new_user(self) -> bool:
        return self.user is None


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    free_places: int = 0

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def is_clean(self) -> bool:
        return bool(self.rows) and not self.file_errors and not self.bad_rows

    @property
    def new_users(self) -> int:
        return sum(1 for row in self.rows if row.is_new_user)


@dataclass
class ImportResult:
    enrollments: list[Enrollment]
    created_users: int


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1257"):  # UTF-8 (with or without BOM), else the Baltic Windows code page
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("utf-8", data, 0, 1, "not UTF-8")


def _key(name: str) -> str:
    return (name or "").strip().lower().replace("-", "_").replace(" ", "_")


def _profession_lookup() -> dict[str, str]:
    """Every accepted spelling of a profession (code, English and Estonian label) -> code."""
    lookup = {}
    for code, label in Profession.choices:
        lookup[code.lower()] = code
        for language in ("en", "et"):
            with translation.override(language):
                lookup[str(label).strip().lower()] = code
    return lookup


def _cohort_problem(cohort: Cohort, now) -> str | None:
    """Why the cohort cannot take new participants now (the services refuse the same cases), or None."""
    if cohort.status == CohortStatus.CANCELLED:
        return _("This cohort has been cancelled.")
    if cohort.status == CohortStatus.FINISHED:
        return _("This cohort has already finished.")
    if cohort.status == CohortStatus.PLANNED:
        return _("Registration for this cohort is not open: set its status to “Open for registration” first.")
    if cohort.registration_opens and now < cohort.registration_opens:
        return _("Registration for this cohort has not opened yet: change the registration window first.")
    if cohort.registration_closes and now >= cohort.registration_closes:
        return _("Registration for this cohort is closed: change the registration window first.")
    return None


def parse(data: bytes) -> tuple[list[ImportRow], list[str]]:
    """The file's data rows (line numbers as a spreadsheet shows them) and any file-level errors."""
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        return [], [_("The file is not a text (CSV) file in UTF-8 encoding.")]
    if not text.strip():
        return [], [_("The file is empty.")]
    first_line = text.splitlines()[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect, strict=True)
    try:
        header = next(reader)
    except csv.Error:
        return [], [_("The file could not be read as CSV.")]
    columns = {}
    unknown = []
    for index, name in enumerate(header):
        key = ALIASES.get(_key(name))
        if key is None:
            if name.strip():
                unknown.append(name.strip())
        elif key not in columns:
            columns[key] = index
    errors = []
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        errors.append(_("Line 1: these columns are missing: %(columns)s. The first row must name the columns "
                        "email, full_name, municipality, profession and, optionally, organisation.")
                      % {"columns": ", ".join(missing)})
    if unknown:
        errors.append(_("Line 1: unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    if errors:
        return [], errors

    def cell(values, name):
        index = columns.get(name)
        return values[index].strip() if index is not None and index < len(values) else ""

    rows = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                return [], [_("The file has more than %(max)d participants; split it into smaller files.")
                            % {"max": MAX_ROWS}]
            rows.append(ImportRow(line=reader.line_num, email=cell(values, "email").lower(),
                                  full_name=cell(values, "full_name"),
                                  municipality_name=cell(values, "municipality"),
                                  profession_text=cell(values, "profession"),
                                  organisation=cell(values, "organisation")))
    except csv.Error:
        return [], [_("Line %(line)d could not be read as CSV (check the quotation marks).")
                    % {"line": reader.line_num}]
    if not rows:
        return [], [_("The file has no participants: only the row of column names.")]
    return rows, []


def import_check(*, cohort: Cohort, data: bytes, now=None) -> ImportReport:
    """Check every row against the data and the cohort; write nothing. Reports every problem found."""
    now = now or timezone.now()
    rows, file_errors = parse(data)
    report = ImportReport(rows=rows, file_errors=file_errors)
    if file_errors:
        return report
    problem = _cohort_problem(cohort, now)
    if problem:
        report.file_errors.append(problem)

    municipalities = {m.name.lower(): m for m in Municipality.objects.select_related("county")}
    professions = _profession_lookup()
    users = {u.email.lower(): u for u in User.objects.select_related("profile")
             .filter(email__in=[row.email for row in rows if row.email])}
    enrolled = set(Enrollment.objects.filter(cohort_id=cohort.pk, status__in=ACTIVE_STATUSES,
                                             user_id__in=[u.pk for u in users.values()])
                   .values_list("user_id", flat=True))
    # A newcomer gets a place only if nobody already waiting would be overtaken (enrollment.places).
    report.free_places = free = (Cohort.objects.with_place_counts().values_list("free_places", flat=True)
                                 .get(pk=cohort.pk))

    first_line_of = {}
    for row in rows:
        if not row.email:
            row.errors.append(_("The e-mail address is missing."))
        else:
            try:
                validate_email(row.email)
            except ValidationError:
                row.errors.append(_("“%(email)s” is not a valid e-mail address.") % {"email": row.email})
            else:
                if row.email in first_line_of:
                    row.errors.append(_("The same e-mail address is already on line %(line)d.")
                                      % {"line": first_line_of[row.email]})
                else:
                    first_line_of[row.email] = row.line
        row.user = users.get(row.email)
        if row.user is not None and row.user.pk in enrolled:
            row.errors.append(_("%(email)s is already enrolled in this cohort.") % {"email": row.email})
        if not row.full_name and row.user is None:
            row.errors.append(_("The name is missing (needed for a new participant)."))
        if len(row.full_name) > 200:
            row.errors.append(_("The name is longer than 200 characters."))
        if not row.municipality_name:
            row.errors.append(_("The municipality is missing."))
        else:
            row.municipality = municipalities.get(row.municipality_name.lower())
            if row.municipality is None:
                row.errors.append(_("“%(name)s” is not one of Estonia's 79 municipalities (write it as in the "
                                    "list, e.g. “Võru vald” or “Tartu linn”).") % {"name": row.municipality_name})
        if not row.profession_text:
            row.errors.append(_("The profession is missing."))
        else:
            row.profession = professions.get(row.profession_text.lower(), "")
            if not row.profession:
                row.errors.append(_("“%(value)s” is not a known profession (use one of: %(choices)s).") % {
                    "value": row.profession_text, "choices": ", ".join(code for code, _label in Profession.choices)})
        if len(row.organisation) > 200:
            row.errors.append(_("The organisation is longer than 200 characters."))

    # Places: counted over the rows that are otherwise fine, in file order.
    placed = 0
    for row in rows:
        if row.errors:
            continue
        if placed >= free:
            row.errors.append(_("The cohort is full: it has %(free)d free places for the %(count)d participants "
                                "in this file. Raise the capacity or remove rows.")
                              % {"free": free, "count": len(rows)})
        else:
            placed += 1
    return report


def _ensure_user(row: ImportRow, *, cohort: Cohort) -> tuple[User, bool]:
    """The row's user: the existing account (its profile's empty fields filled in) or a new one without a
    password, who gets an e-mail with a link to set one (recorded in the import's transaction; the e-mail
    address is unverified until the link is followed)."""
    created = row.user is None
    user = row.user or User.objects.create_user(email=row.email, password=None, full_name=row.full_name)
    if created:
        EmailAddress.objects.get_or_create(user=user, email=user.email,
                                           defaults={"primary": True, "verified": False})
        account_invitation_enqueue(user=user, cohort_id=cohort.pk, language="et")
    profile = user.profile
    changed = []
    if not profile.profession:
        profile.profession = row.profession
        changed.append("profession")
    if profile.municipality_id is None:
        profile.municipality = row.municipality
        changed.append("municipality")
    if not profile.organisation and row.organisation:
        profile.organisation = row.organisation
        changed.append("organisation")
    if changed:
        profile.save(update_fields=changed)
    return user, created


def import_run(*, cohort: Cohort, data: bytes, actor) -> ImportResult:
    """Import every row or none.

    Locks the cohort row, checks the whole file again inside the lock (ImportInvalid if anything is wrong
    now), then creates the missing users and enrolls each person through `enrollment_create` (and
    `enrollment_approve` for cohorts that need approval: the coordinator's import is the approval), with
    the coordinator as the actor of every history entry. Any refusal rolls the whole import back.
    """
    with transaction.atomic():
        locked = cohort_lock(cohort.pk)
        report = import_check(cohort=locked, data=data)
        if not report.is_clean:
            raise ImportInvalid(report)
        enrollments = []
        created_users = 0
        for row in report.rows:
            user, created = _ensure_user(row, cohort=locked)
            created_users += created
            try:
                enrollment = enrollment_create(user=user, cohort=locked, actor=actor, check_eligibility=False,
                                               answers={}, language="et")
                if enrollment.status == EnrollmentStatus.PENDING:
                    enrollment = enrollment_approve(enrollment=enrollment, actor=actor,
                                                    reason=_("Imported by a coordinator."))
            except EnrollmentError as error:
                row.errors.append(str(error))
                raise ImportInvalid(report) from error
            enrollments.append(enrollment)
    return ImportResult(enrollments=enrollments, created_users=created_users)
